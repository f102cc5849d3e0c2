package io.paddock.coordinator.wire;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.util.List;
import org.apache.jute.BinaryInputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.proto.AuthPacket;
import org.apache.zookeeper.proto.ConnectRequest;
import org.apache.zookeeper.proto.RequestHeader;
import org.apache.zookeeper.proto.SyncRequest;

/**
 * Frames to typed requests. Knows the protocol's shapes, not its meaning: which record follows
 * which opcode, and which opcodes a client may send at all.
 */
public final class RequestDecoder {
    private RequestDecoder() {}

    /** The first frame of a connection. {@code hasReadOnlyFlag} tells whether the client sent one. */
    public record Connect(ConnectRequest request, boolean hasReadOnlyFlag) {}

    public static Connect decodeConnect(ByteBuf frame, int maxBuffer) throws IOException {
        BinaryInputArchive in = Jute.reader(frame, maxBuffer);
        ConnectRequest req = new ConnectRequest();
        req.setProtocolVersion(in.readInt("protocolVersion"));
        req.setLastZxidSeen(in.readLong("lastZxidSeen"));
        req.setTimeOut(in.readInt("timeOut"));
        req.setSessionId(in.readLong("sessionId"));
        req.setPasswd(in.readBuffer("passwd"));
        // Clients older than 3.3 do not send the readOnly flag; they get no flag in the response.
        boolean flag = frame.isReadable();
        if (flag) {
            req.setReadOnly(in.readBool("readOnly"));
        }
        return new Connect(req, flag);
    }

    /**
     * A request frame. A header that cannot be read is an IOException (the connection closes); a
     * body that cannot be read is a {@link ClientRequest.Malformed} (ZooKeeper keeps the session).
     */
    public static ClientRequest decode(ByteBuf frame, int maxBuffer) throws IOException {
        BinaryInputArchive in = Jute.reader(frame, maxBuffer);
        RequestHeader header = Jute.read(in, new RequestHeader());
        int xid = header.getXid();
        int op = header.getType();
        if (!OpCode.isValidRequest(op)) {
            return new ClientRequest.Unsupported(xid, op);
        }
        try {
            return body(in, xid, op);
        } catch (IOException | RuntimeException e) {
            return new ClientRequest.Malformed(xid, op);
        }
    }

    private static ClientRequest body(BinaryInputArchive in, int xid, int op) throws IOException {
        if (op == OpCode.PING) {
            return new ClientRequest.Ping(xid);
        }
        if (op == OpCode.CLOSE_SESSION) {
            return new ClientRequest.CloseSession(xid);
        }
        if (op == OpCode.MULTI) {
            return new ClientRequest.Multi(xid, MultiCodec.read(in));
        }
        if (op == OpCode.MULTI_READ) {
            List<MultiOp> ops = MultiCodec.read(in);
            for (MultiOp o : ops) {
                if (o.type() != OpCode.GET_DATA && o.type() != OpCode.GET_CHILDREN) {
                    return new ClientRequest.Malformed(xid, op);
                }
            }
            return new ClientRequest.MultiRead(xid, ops);
        }
        Record record = RequestRecords.forOpcode(op);
        if (record != null) {
            record.deserialize(in, "request");
        }
        if (record instanceof AuthPacket a) {
            return new ClientRequest.Auth(xid, a.getScheme(), a.getAuth());
        }
        if (record instanceof SyncRequest s) {
            return new ClientRequest.Sync(xid, s.getPath());
        }
        if (OpCode.isWrite(op)) {
            return new ClientRequest.Write(xid, op, record);
        }
        return new ClientRequest.Read(xid, op, record);
    }

    /** The body of a relayed txn request: the same shapes, minus the header. */
    public static ClientRequest.TxnRequest decodeTxnBody(BinaryInputArchive in, int xid, int op) throws IOException {
        if (op == OpCode.CLOSE_SESSION) {
            return new ClientRequest.CloseSession(xid);
        }
        if (op == OpCode.MULTI) {
            return new ClientRequest.Multi(xid, MultiCodec.read(in));
        }
        if (!OpCode.isWrite(op)) {
            throw new IOException("not a txn opcode: " + op);
        }
        Record record = RequestRecords.forOpcode(op);
        if (record == null) {
            throw new IOException("no record for opcode " + op);
        }
        record.deserialize(in, "request");
        return new ClientRequest.Write(xid, op, record);
    }
}
