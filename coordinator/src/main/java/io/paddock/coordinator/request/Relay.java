package io.paddock.coordinator.request;

import io.paddock.coordinator.wire.ClientRequest;
import io.paddock.coordinator.wire.RequestDecoder;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.paddock.coordinator.wire.Jute;
import io.paddock.coordinator.wire.MultiCodec;
import io.paddock.coordinator.wire.MultiOp;
import io.paddock.coordinator.wire.OpCode;
import io.paddock.coordinator.wire.RequestRecords;
import io.paddock.coordinator.zab.Message;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.jute.BinaryInputArchive;
import org.apache.jute.BinaryOutputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.data.Id;

/**
 * What servers say to each other outside Zab, carried in {@link Message.Relay} frames: a learner
 * forwards its clients' writes and session operations to the leader (only the leader prepares
 * txns), relays the sessions it has seen alive, asks for a sync point and has the leader validate a
 * session re-attach. Decoding is bounded like every peer input: a malformed relay is an
 * IOException, never a crash.
 */
sealed interface Relay {
    /** A client asked this learner for a new session; the learner chose its id and password. */
    record CreateSession(long sessionId, int timeoutMs, byte[] password) implements Relay {}

    /** A client write (or closeSession) for the leader to prepare, with the connection's credentials. */
    record Request(long sessionId, String clientAddress, List<Id> ids, ClientRequest.TxnRequest request)
            implements Relay {}

    /** Learner to leader: a client's sync; answered by {@link SyncPoint}. */
    record Sync(long sessionId, int xid) implements Relay {}

    /** Leader to learner: the sync answers once the learner has applied up to {@code zxid}. */
    record SyncPoint(long sessionId, int xid, long zxid) implements Relay {}

    /** Learner to leader: sessions with client activity since the last touch. */
    record Touch(long[] sessionIds) implements Relay {}

    /**
     * Learner to leader: a client re-attaches session {@code sessionId} here with this password and
     * timeout; only the leader knows whether the session is still alive.
     */
    record Reattach(long sessionId, byte[] password, int timeoutMs, long requestId) implements Relay {}

    /**
     * Leader to learner: whether the re-attach may proceed, and the zxid the learner must have applied
     * before answering the client (so the session's creation, and everything it saw, is applied there).
     */
    record ReattachAnswer(long sessionId, long requestId, boolean valid, long zxid) implements Relay {}

    byte CREATE_SESSION = 1;
    byte REQUEST = 2;
    byte SYNC = 3;
    byte SYNC_POINT = 4;
    byte TOUCH = 5;
    byte REATTACH = 6;
    byte REATTACH_ANSWER = 7;
    int MAX_IDS = 64;

    static Message.Relay wrap(Relay r) {
        ByteBufOutputStream bytes = new ByteBufOutputStream(Unpooled.buffer(64));
        BinaryOutputArchive out = BinaryOutputArchive.getArchive(bytes);
        try {
            if (r instanceof CreateSession c) {
                out.writeByte(CREATE_SESSION, "type");
                out.writeLong(c.sessionId(), "sessionId");
                out.writeInt(c.timeoutMs(), "timeout");
                out.writeBuffer(c.password(), "password");
            } else if (r instanceof Request q) {
                out.writeByte(REQUEST, "type");
                out.writeLong(q.sessionId(), "sessionId");
                out.writeInt(q.request().xid(), "xid");
                out.writeInt(q.request().op(), "op");
                out.writeString(q.clientAddress(), "clientAddress");
                out.writeInt(q.ids().size(), "ids");
                for (Id id : q.ids()) {
                    id.serialize(out, "id");
                }
                if (q.request() instanceof ClientRequest.Multi m) {
                    MultiCodec.write(out, m.ops());
                } else if (q.request() instanceof ClientRequest.Write w) {
                    w.body().serialize(out, "request");
                }
            } else if (r instanceof Sync s) {
                out.writeByte(SYNC, "type");
                out.writeLong(s.sessionId(), "sessionId");
                out.writeInt(s.xid(), "xid");
            } else if (r instanceof SyncPoint s) {
                out.writeByte(SYNC_POINT, "type");
                out.writeLong(s.sessionId(), "sessionId");
                out.writeInt(s.xid(), "xid");
                out.writeLong(s.zxid(), "zxid");
            } else if (r instanceof Touch t) {
                out.writeByte(TOUCH, "type");
                out.writeInt(t.sessionIds().length, "count");
                for (long id : t.sessionIds()) {
                    out.writeLong(id, "sessionId");
                }
            } else if (r instanceof Reattach a) {
                out.writeByte(REATTACH, "type");
                out.writeLong(a.sessionId(), "sessionId");
                out.writeBuffer(a.password(), "password");
                out.writeInt(a.timeoutMs(), "timeout");
                out.writeLong(a.requestId(), "requestId");
            } else if (r instanceof ReattachAnswer a) {
                out.writeByte(REATTACH_ANSWER, "type");
                out.writeLong(a.sessionId(), "sessionId");
                out.writeLong(a.requestId(), "requestId");
                out.writeBool(a.valid(), "valid");
                out.writeLong(a.zxid(), "zxid");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] payload = new byte[bytes.buffer().readableBytes()];
        bytes.buffer().readBytes(payload);
        return new Message.Relay(payload);
    }

    static Relay unwrap(Message.Relay m, int maxBuffer) throws IOException {
        var buf = Unpooled.wrappedBuffer(m.payload());
        BinaryInputArchive in = Jute.reader(buf, maxBuffer);
        Relay r;
        try {
            byte type = in.readByte("type");
            r = switch (type) {
                case CREATE_SESSION -> new CreateSession(in.readLong("sessionId"), in.readInt("timeout"),
                        in.readBuffer("password"));
                case REQUEST -> readRequest(in);
                case SYNC -> new Sync(in.readLong("sessionId"), in.readInt("xid"));
                case SYNC_POINT -> new SyncPoint(in.readLong("sessionId"), in.readInt("xid"), in.readLong("zxid"));
                case TOUCH -> {
                    int n = in.readInt("count");
                    if (n < 0 || n > buf.readableBytes() / 8) {
                        throw new IOException("touch of " + n + " sessions in " + buf.readableBytes() + " bytes");
                    }
                    long[] ids = new long[n];
                    for (int i = 0; i < n; i++) {
                        ids[i] = in.readLong("sessionId");
                    }
                    yield new Touch(ids);
                }
                case REATTACH -> new Reattach(in.readLong("sessionId"), in.readBuffer("password"),
                        in.readInt("timeout"), in.readLong("requestId"));
                case REATTACH_ANSWER -> new ReattachAnswer(in.readLong("sessionId"), in.readLong("requestId"),
                        in.readBool("valid"), in.readLong("zxid"));
                default -> throw new IOException("unknown relay type " + type);
            };
        } catch (RuntimeException e) {
            throw new IOException("malformed relay: " + e, e);
        }
        if (buf.isReadable()) {
            throw new IOException(buf.readableBytes() + " trailing bytes after a relay");
        }
        return r;
    }

    private static Request readRequest(BinaryInputArchive in) throws IOException {
        long sessionId = in.readLong("sessionId");
        int xid = in.readInt("xid");
        int op = in.readInt("op");
        String clientAddress = in.readString("clientAddress");
        int n = in.readInt("ids");
        if (n < 0 || n > MAX_IDS || clientAddress == null) {
            throw new IOException("relayed request with " + n + " ids");
        }
        List<Id> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ids.add(Jute.read(in, new Id()));
        }
        return new Request(sessionId, clientAddress, List.copyOf(ids), RequestDecoder.decodeTxnBody(in, xid, op));
    }
}
