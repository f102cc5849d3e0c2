package io.paddock.coordinator.net;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The first frame on a peer connection: who is calling, from which cluster, with which member list.
 * A peer of another cluster, with another member list or an unknown protocol version is refused
 * with a reason fit for the log, before any Zab message is read.
 */
public record PeerHandshake(int protocolVersion, long serverId, String clusterId, String membersFingerprint) {
    public static final int PROTOCOL_VERSION = 1;
    private static final int MAGIC = 0x5044_4b50; // "PDKP"
    private static final int MAX_STRING = 64 * 1024;

    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(protocolVersion);
            out.writeLong(serverId);
            writeString(out, clusterId);
            writeString(out, membersFingerprint);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static PeerHandshake decode(byte[] frame) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(frame));
        try {
            if (in.readInt() != MAGIC) {
                throw new IOException("not a Paddock peer (bad magic)");
            }
            PeerHandshake h = new PeerHandshake(in.readInt(), in.readLong(), readString(in), readString(in));
            if (in.available() != 0) {
                throw new IOException("trailing bytes after the peer handshake");
            }
            return h;
        } catch (java.io.EOFException e) {
            throw new IOException("truncated peer handshake", e);
        }
    }

    /** Why {@code theirs} must be refused by a server whose own handshake is {@code this}, or null. */
    public String refusalOf(PeerHandshake theirs, java.util.Set<Long> members) {
        if (theirs.protocolVersion != protocolVersion) {
            return "server " + theirs.serverId + " speaks peer protocol " + theirs.protocolVersion + ", we speak "
                    + protocolVersion;
        }
        if (!clusterId.equals(theirs.clusterId)) {
            return "server " + theirs.serverId + " belongs to cluster '" + theirs.clusterId + "', we are '"
                    + clusterId + "'";
        }
        if (!membersFingerprint.equals(theirs.membersFingerprint)) {
            return "server " + theirs.serverId + " has a different member list: theirs [" + theirs.membersFingerprint
                    + "], ours [" + membersFingerprint + "]";
        }
        if (!members.contains(theirs.serverId) || theirs.serverId == serverId) {
            return "server id " + theirs.serverId + " is not another member of " + members;
        }
        return null;
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_STRING || n > in.available()) {
            throw new IOException("string of " + n + " bytes in a peer handshake");
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }
}
