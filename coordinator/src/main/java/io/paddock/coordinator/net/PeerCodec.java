package io.paddock.coordinator.net;

import io.paddock.coordinator.txn.TxnCodec;
import io.paddock.coordinator.zab.Entry;
import io.paddock.coordinator.zab.Message;
import io.paddock.coordinator.zab.Role;
import io.paddock.coordinator.zab.Vote;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Bytes of the Zab messages peers exchange (the frame body; framing and checksums are the
 * transport's), except {@link Message.Sync}, which is streamed as several frames ({@link SyncFrames}). Decoding never trusts a length: every count is bounded by the bytes that remain, and
 * anything malformed is an IOException, so a bad peer can only get its own connection closed.
 */
public final class PeerCodec {
    private static final byte NOTIFICATION = 1;
    private static final byte FOLLOWER_INFO = 2;
    private static final byte NEW_EPOCH = 3;
    private static final byte ACK_EPOCH = 4;
    // 5 was a whole Sync in one frame (protocol version 2); syncs are streamed now (SyncFrames, 16-19)
    private static final byte NEW_LEADER = 6;
    private static final byte ACK_NEW_LEADER = 7;
    private static final byte UP_TO_DATE = 8;
    private static final byte PROPOSAL = 9;
    private static final byte ACK = 10;
    private static final byte COMMIT = 11;
    private static final byte INFORM = 12;
    private static final byte PING = 13;
    private static final byte PING_ACK = 14;
    private static final byte RELAY = 15;

    private PeerCodec() {}

    public static byte[] encode(Message m) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            write(out, m);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void write(DataOutputStream out, Message m) throws IOException {
        if (m instanceof Message.Notification n) {
            out.writeByte(NOTIFICATION);
            out.writeLong(n.round());
            out.writeBoolean(n.vote() != null);
            if (n.vote() != null) {
                out.writeLong(n.vote().sid());
                out.writeLong(n.vote().epoch());
                out.writeLong(n.vote().zxid());
            }
            out.writeByte(n.senderRole().ordinal());
            out.writeLong(n.leaderEpoch());
        } else if (m instanceof Message.FollowerInfo f) {
            out.writeByte(FOLLOWER_INFO);
            out.writeLong(f.acceptedEpoch());
            out.writeBoolean(f.observer());
        } else if (m instanceof Message.NewEpoch e) {
            out.writeByte(NEW_EPOCH);
            out.writeLong(e.epoch());
        } else if (m instanceof Message.AckEpoch a) {
            out.writeByte(ACK_EPOCH);
            out.writeLong(a.currentEpoch());
            out.writeLong(a.lastZxid());
        } else if (m instanceof Message.Sync) {
            throw new IllegalArgumentException("a sync is streamed in frames of its own (SyncFrames), not encoded"
                    + " whole");
        } else if (m instanceof Message.NewLeader n) {
            out.writeByte(NEW_LEADER);
            out.writeLong(n.epoch());
        } else if (m instanceof Message.AckNewLeader a) {
            out.writeByte(ACK_NEW_LEADER);
            out.writeLong(a.epoch());
        } else if (m instanceof Message.UpToDate u) {
            out.writeByte(UP_TO_DATE);
            out.writeLong(u.epoch());
            out.writeLong(u.committed());
        } else if (m instanceof Message.Proposal p) {
            out.writeByte(PROPOSAL);
            out.writeLong(p.epoch());
            writeEntry(out, p.entry());
        } else if (m instanceof Message.Ack a) {
            out.writeByte(ACK);
            out.writeLong(a.epoch());
            out.writeLong(a.zxid());
        } else if (m instanceof Message.Commit c) {
            out.writeByte(COMMIT);
            out.writeLong(c.epoch());
            out.writeLong(c.zxid());
        } else if (m instanceof Message.Inform i) {
            out.writeByte(INFORM);
            out.writeLong(i.epoch());
            writeEntry(out, i.entry());
        } else if (m instanceof Message.Ping p) {
            out.writeByte(PING);
            out.writeLong(p.epoch());
            out.writeLong(p.committed());
        } else if (m instanceof Message.PingAck p) {
            out.writeByte(PING_ACK);
            out.writeLong(p.epoch());
        } else if (m instanceof Message.Relay r) {
            out.writeByte(RELAY);
            TxnCodec.writeBytes(out, r.payload());
        } else {
            throw new IllegalArgumentException("unknown message " + m);
        }
    }

    public static Message decode(byte[] frame) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(frame));
        Message m;
        try {
            m = read(in);
        } catch (EOFException e) {
            throw new IOException("truncated peer message", e);
        }
        if (in.available() != 0) {
            throw new IOException(in.available() + " trailing bytes after a peer message");
        }
        return m;
    }

    private static Message read(DataInputStream in) throws IOException {
        byte type = in.readByte();
        return switch (type) {
            case NOTIFICATION -> {
                long round = in.readLong();
                Vote vote = in.readBoolean() ? new Vote(in.readLong(), in.readLong(), in.readLong()) : null;
                yield new Message.Notification(round, vote, role(in.readByte()), in.readLong());
            }
            case FOLLOWER_INFO -> new Message.FollowerInfo(in.readLong(), in.readBoolean());
            case NEW_EPOCH -> new Message.NewEpoch(in.readLong());
            case ACK_EPOCH -> new Message.AckEpoch(in.readLong(), in.readLong());
            case NEW_LEADER -> new Message.NewLeader(in.readLong());
            case ACK_NEW_LEADER -> new Message.AckNewLeader(in.readLong());
            case UP_TO_DATE -> new Message.UpToDate(in.readLong(), in.readLong());
            case PROPOSAL -> new Message.Proposal(in.readLong(), readEntry(in));
            case ACK -> new Message.Ack(in.readLong(), in.readLong());
            case COMMIT -> new Message.Commit(in.readLong(), in.readLong());
            case INFORM -> new Message.Inform(in.readLong(), readEntry(in));
            case PING -> new Message.Ping(in.readLong(), in.readLong());
            case PING_ACK -> new Message.PingAck(in.readLong());
            case RELAY -> {
                byte[] payload = readBytes(in);
                if (payload == null) {
                    throw new IOException("relay without payload");
                }
                yield new Message.Relay(payload);
            }
            default -> throw new IOException("unknown peer message type " + type);
        };
    }

    private static Role role(int ordinal) throws IOException {
        if (ordinal < 0 || ordinal >= Role.values().length) {
            throw new IOException("unknown role " + ordinal);
        }
        return Role.values()[ordinal];
    }

    private static void writeEntry(DataOutputStream out, Entry e) throws IOException {
        out.writeLong(e.zxid());
        TxnCodec.writeBytes(out, e.payload());
    }

    private static Entry readEntry(DataInputStream in) throws IOException {
        long zxid = in.readLong();
        byte[] payload = readBytes(in);
        if (payload == null) {
            throw new IOException("entry " + Long.toHexString(zxid) + " without payload");
        }
        return new Entry(zxid, payload);
    }

    /** Unlike the log's reader, bounds the length by the bytes left: peer input is untrusted. */
    private static byte[] readBytes(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n == -1) {
            return null;
        }
        if (n < 0 || n > in.available()) {
            throw new IOException("byte array of " + n + " with " + in.available() + " bytes left");
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }
}
