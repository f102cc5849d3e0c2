package io.paddock.coordinator.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The handshake frames: hello (identity and nonce) and proof. */
class PeerHandshakeTest {
    @Test
    void handshakeRefusesOtherClustersMembersAndVersions() throws IOException {
        PeerHandshake ours = new PeerHandshake(PeerHandshake.PROTOCOL_VERSION, 1, "east", "v1:1=a,2=b,3=c");
        Set<Long> members = Set.of(1L, 2L, 3L);
        PeerHandshake.Hello good = PeerHandshake.decode(new PeerHandshake(3, 2, "east", "v1:1=a,2=b,3=c").encode(new byte[0]));
        assertNull(ours.refusalOf(good.who(), members));
        assertFalse(good.hasSecret());
        assertEquals("server 2 belongs to cluster 'west', we are 'east'",
                ours.refusalOf(new PeerHandshake(3, 2, "west", "v1:1=a,2=b,3=c"), members));
        assertEquals("server 2 has a different member list: theirs [v1:1=a,2=b], ours [v1:1=a,2=b,3=c]",
                ours.refusalOf(new PeerHandshake(3, 2, "east", "v1:1=a,2=b"), members));
        assertEquals("server 2 speaks peer protocol 9, we speak 3",
                ours.refusalOf(new PeerHandshake(9, 2, "east", "v1:1=a,2=b,3=c"), members));
        // version 2 sent a sync as one frame: a member of that build cannot follow or lead us
        assertEquals("server 2 speaks peer protocol 2, we speak 3",
                ours.refusalOf(new PeerHandshake(2, 2, "east", "v1:1=a,2=b,3=c"), members));
        assertEquals("server id 4 is not another member of " + members,
                ours.refusalOf(new PeerHandshake(3, 4, "east", "v1:1=a,2=b,3=c"), members));
        IOException notPeer = assertThrows(IOException.class, () -> PeerHandshake.decode("GET / HTTP/1.1\r\n".getBytes()));
        assertEquals("not a Paddock peer (bad magic)", notPeer.getMessage());
    }

    @Test
    void aHelloCarriesItsNonceAndAnOlderVersionIsNamedNotMisread() throws IOException {
        byte[] nonce = new byte[PeerSecret.NONCE_BYTES];
        nonce[0] = 7;
        PeerHandshake two = new PeerHandshake(PeerHandshake.PROTOCOL_VERSION, 2, "east", "v1:1=a,2=b");
        PeerHandshake.Hello hello = PeerHandshake.decode(two.encode(nonce));
        assertEquals(two, hello.who());
        assertArrayEquals(nonce, hello.nonce());
        assertTrue(hello.hasSecret());
        assertNull(PeerHandshake.secretMismatch(true, hello));
        assertEquals("server 2 requires a cluster secret, we have none (paddock.quorum.secretFile is set there only)",
                PeerHandshake.secretMismatch(false, hello));
        assertEquals("server 2 has no cluster secret, we require one (paddock.quorum.secretFile is set here only)",
                PeerHandshake.secretMismatch(true, PeerHandshake.decode(two.encode(new byte[0]))));
        IOException shortNonce = assertThrows(IOException.class, () -> PeerHandshake.decode(two.encode(new byte[5])));
        assertEquals("a nonce of 5 bytes in a peer handshake", shortNonce.getMessage());
        // a version 1 hello ended after the member list: its id and version are still reported
        byte[] v1 = ByteBuffer.allocate(4 + 4 + 8 + 4 + 4 + 4).putInt(0x5044_4b50).putInt(1).putLong(3)
                .putInt(4).put("east".getBytes()).putInt(0).array();
        PeerHandshake.Hello old = PeerHandshake.decode(v1);
        assertEquals("server 3 speaks peer protocol 1, we speak 3", two.refusalOf(old.who(), Set.of(2L, 3L)));
    }

    @Test
    void aProofFrameHoldsExactlyOneProof() throws IOException {
        byte[] proof = new byte[PeerSecret.PROOF_BYTES];
        proof[31] = 9;
        assertArrayEquals(proof, PeerHandshake.decodeProof(PeerHandshake.encodeProof(proof)));
        IOException hello = assertThrows(IOException.class, () -> PeerHandshake.decodeProof(
                new PeerHandshake(2, 2, "east", "m").encode(new byte[0])));
        assertTrue(hello.getMessage().startsWith("expected a proof of the cluster secret"), hello.getMessage());
    }
}
