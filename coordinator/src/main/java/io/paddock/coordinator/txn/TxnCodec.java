package io.paddock.coordinator.txn;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;

/** Binary encoding of {@link TxnEntry}; the storage layer adds framing and checksums. */
public final class TxnCodec {
    private static final byte CREATE = 1;
    private static final byte DELETE = 2;
    private static final byte DELETE_CONTAINER = 3;
    private static final byte SET_DATA = 4;
    private static final byte SET_ACL = 5;
    private static final byte CHECK = 6;
    private static final byte CREATE_SESSION = 7;
    private static final byte CLOSE_SESSION = 8;
    private static final byte ERROR = 9;
    private static final byte MULTI = 10;
    private static final int MAX_MULTI_OPS = 1 << 20;

    private TxnCodec() {}

    public static byte[] encode(TxnEntry entry) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(entry.sessionId());
            out.writeInt(entry.cxid());
            out.writeLong(entry.timeMs());
            writeTxn(out, entry.txn());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static TxnEntry decode(byte[] payload) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
        long session = in.readLong();
        int cxid = in.readInt();
        long time = in.readLong();
        Txn txn = readTxn(in);
        if (in.available() != 0) {
            throw new IOException("txn entry has " + in.available() + " trailing bytes");
        }
        return new TxnEntry(session, cxid, time, txn);
    }

    private static void writeTxn(DataOutput out, Txn txn) throws IOException {
        if (txn instanceof Txn.Create c) {
            out.writeByte(CREATE);
            writeString(out, c.path());
            writeBytes(out, c.data());
            writeAcl(out, c.acl());
            out.writeLong(c.ephemeralOwner());
            out.writeInt(c.parentCversion());
        } else if (txn instanceof Txn.Delete d) {
            out.writeByte(DELETE);
            writeString(out, d.path());
        } else if (txn instanceof Txn.DeleteContainer d) {
            out.writeByte(DELETE_CONTAINER);
            writeString(out, d.path());
        } else if (txn instanceof Txn.SetData s) {
            out.writeByte(SET_DATA);
            writeString(out, s.path());
            writeBytes(out, s.data());
            out.writeInt(s.newVersion());
        } else if (txn instanceof Txn.SetAcl s) {
            out.writeByte(SET_ACL);
            writeString(out, s.path());
            writeAcl(out, s.acl());
            out.writeInt(s.newAversion());
        } else if (txn instanceof Txn.Check c) {
            out.writeByte(CHECK);
            writeString(out, c.path());
            out.writeInt(c.version());
        } else if (txn instanceof Txn.CreateSession s) {
            out.writeByte(CREATE_SESSION);
            out.writeLong(s.sessionId());
            out.writeInt(s.timeoutMs());
            writeBytes(out, s.password());
        } else if (txn instanceof Txn.CloseSession s) {
            out.writeByte(CLOSE_SESSION);
            out.writeLong(s.sessionId());
        } else if (txn instanceof Txn.Error e) {
            out.writeByte(ERROR);
            out.writeInt(e.code());
        } else if (txn instanceof Txn.Multi m) {
            out.writeByte(MULTI);
            out.writeInt(m.ops().size());
            for (Txn op : m.ops()) {
                writeTxn(out, op);
            }
        } else {
            throw new IllegalArgumentException("unknown txn " + txn);
        }
    }

    private static Txn readTxn(DataInput in) throws IOException {
        byte type = in.readByte();
        return switch (type) {
            case CREATE -> new Txn.Create(readString(in), readBytes(in), readAcl(in), in.readLong(), in.readInt());
            case DELETE -> new Txn.Delete(readString(in));
            case DELETE_CONTAINER -> new Txn.DeleteContainer(readString(in));
            case SET_DATA -> new Txn.SetData(readString(in), readBytes(in), in.readInt());
            case SET_ACL -> new Txn.SetAcl(readString(in), readAcl(in), in.readInt());
            case CHECK -> new Txn.Check(readString(in), in.readInt());
            case CREATE_SESSION -> new Txn.CreateSession(in.readLong(), in.readInt(), readBytes(in));
            case CLOSE_SESSION -> new Txn.CloseSession(in.readLong());
            case ERROR -> new Txn.Error(in.readInt());
            case MULTI -> {
                int n = in.readInt();
                if (n < 0 || n > MAX_MULTI_OPS) {
                    throw new IOException("multi txn with " + n + " ops");
                }
                List<Txn> ops = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    ops.add(readTxn(in));
                }
                yield new Txn.Multi(List.copyOf(ops));
            }
            default -> throw new IOException("unknown txn type " + type);
        };
    }

    public static void writeBytes(DataOutput out, byte[] data) throws IOException {
        if (data == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(data.length);
            out.write(data);
        }
    }

    public static byte[] readBytes(DataInput in) throws IOException {
        int n = in.readInt();
        if (n < -1) {
            throw new IOException("negative byte array length " + n);
        }
        if (n == -1) {
            return null;
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }

    public static void writeAcl(DataOutput out, List<ACL> acl) throws IOException {
        out.writeInt(acl.size());
        for (ACL a : acl) {
            out.writeInt(a.getPerms());
            writeString(out, a.getId().getScheme());
            writeString(out, a.getId().getId());
        }
    }

    public static List<ACL> readAcl(DataInput in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 65536) {
            throw new IOException("ACL list of " + n + " entries");
        }
        List<ACL> acl = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            acl.add(new ACL(in.readInt(), new Id(readString(in), readString(in))));
        }
        return List.copyOf(acl);
    }

    /** Length-prefixed UTF-8; unlike writeUTF it has no 64 KiB limit (paths are bounded by jute.maxbuffer). */
    public static void writeString(DataOutput out, String s) throws IOException {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    public static String readString(DataInput in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > (64 << 20)) {
            throw new IOException("string length " + n);
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }
}
