package io.paddock.coordinator.net;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Who a member is on a peer connection (cluster, member list, id) and the handshake frames that
 * carry it. Both sides first send a hello: this identity plus, when a cluster secret is configured,
 * a fresh nonce. A peer of another cluster, with another member list or an unknown protocol version
 * is refused with a reason fit for the log, before any Zab message is read. With a secret, each
 * side then sends a proof ({@link PeerSecret}) answering the other's nonce: the dialling side as
 * soon as it has the hello, the accepting side only after the dialler's proof checked out, so a
 * stranger connecting to a member never obtains a proof at all.
 */
public record PeerHandshake(int protocolVersion, long serverId, String clusterId, String membersFingerprint) {
    /**
     * 2: hellos carry a nonce (empty without a cluster secret); proof frames. 3: a synchronization is
     * a stream of bounded frames ({@link SyncFrames}) instead of one frame holding the whole snapshot.
     */
    public static final int PROTOCOL_VERSION = 3;
    private static final int MAGIC = 0x5044_4b50; // "PDKP"
    private static final int PROOF_MAGIC = 0x5044_4b41; // "PDKA"
    private static final int MAX_STRING = 64 * 1024;
    private static final byte[] NO_NONCE = new byte[0];

    /** A decoded hello: who the peer says it is, and its challenge (empty when it has no secret). */
    public record Hello(PeerHandshake who, byte[] nonce) {
        public boolean hasSecret() {
            return nonce.length > 0;
        }
    }

    /** The hello frame; {@code nonce} is empty without a cluster secret. */
    public byte[] encode(byte[] nonce) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(protocolVersion);
            out.writeLong(serverId);
            writeString(out, clusterId);
            writeString(out, membersFingerprint);
            out.writeInt(nonce.length);
            out.write(nonce);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static Hello decode(byte[] frame) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(frame));
        try {
            if (in.readInt() != MAGIC) {
                throw new IOException("not a Paddock peer (bad magic)");
            }
            int version = in.readInt();
            long id = in.readLong();
            if (version != PROTOCOL_VERSION) {
                // another version's layout past the id is unknown: refusalOf names the version
                return new Hello(new PeerHandshake(version, id, "", ""), NO_NONCE);
            }
            PeerHandshake who = new PeerHandshake(version, id, readString(in), readString(in));
            int n = in.readInt();
            if (n != 0 && n != PeerSecret.NONCE_BYTES) {
                throw new IOException("a nonce of " + n + " bytes in a peer handshake");
            }
            byte[] nonce = new byte[n];
            in.readFully(nonce);
            if (in.available() != 0) {
                throw new IOException("trailing bytes after the peer handshake");
            }
            return new Hello(who, nonce);
        } catch (EOFException e) {
            throw new IOException("truncated peer handshake", e);
        }
    }

    public static byte[] encodeProof(byte[] proof) {
        return ByteBuffer.allocate(4 + proof.length).putInt(PROOF_MAGIC).put(proof).array();
    }

    public static byte[] decodeProof(byte[] frame) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(frame);
        if (frame.length != 4 + PeerSecret.PROOF_BYTES || in.getInt() != PROOF_MAGIC) {
            throw new IOException("expected a proof of the cluster secret, got a frame of " + frame.length + " bytes");
        }
        byte[] proof = new byte[PeerSecret.PROOF_BYTES];
        in.get(proof);
        return proof;
    }

    /** Why {@code theirs} must be refused by a server whose own handshake is {@code this}, or null. */
    public String refusalOf(PeerHandshake theirs, Set<Long> members) {
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

    /** Why a peer must be refused when only one side has a cluster secret, or null. */
    public static String secretMismatch(boolean weHaveOne, Hello theirs) {
        if (weHaveOne && !theirs.hasSecret()) {
            return "server " + theirs.who().serverId + " has no cluster secret, we require one"
                    + " (paddock.quorum.secretFile is set here only)";
        }
        if (!weHaveOne && theirs.hasSecret()) {
            return "server " + theirs.who().serverId + " requires a cluster secret, we have none"
                    + " (paddock.quorum.secretFile is set there only)";
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
