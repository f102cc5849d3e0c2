package io.paddock.coordinator.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.coordinator.env.Entropy;
import io.paddock.coordinator.zab.Message;
import io.paddock.testkit.Await;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a host that reaches a member's quorum port can and cannot do before it has proved it is a
 * member: send a large frame, hold a connection open, or claim a member's id knowing only the
 * public strings (cluster id, member list).
 */
class PeerHandshakeSecurityTest {
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);
    private final PeerFixture fixture = new PeerFixture();

    @AfterEach
    void closeAll() {
        fixture.close();
    }

    /** Members 1 and 2 of {@link PeerFixture#CLUSTER}, linked, their "up" events consumed. */
    private PeerTransport[] linkedPair(byte[] secret, PeerRecorder r1, PeerRecorder r2, Network.PeerSettings settings)
            throws Exception {
        PeerTransport one = fixture.member(PeerFixture.identity(1, PeerFixture.CLUSTER), secret, settings, r1);
        PeerTransport two = fixture.member(PeerFixture.identity(2, PeerFixture.CLUSTER), secret, settings, r2);
        PeerFixture.startAll(Map.of(1L, one, 2L, two));
        PeerFixture.awaitLinked(one, 1, two, 2);
        r1.expect("up 2");
        r2.expect("up 1");
        return new PeerTransport[] {one, two};
    }

    /** The link between 1 and 2 carries messages both ways and neither saw it break. */
    private static void stillLinked(PeerTransport one, PeerRecorder r1, PeerTransport two, PeerRecorder r2)
            throws InterruptedException {
        assertTrue(one.send(2, new Message.Ping(4, 40)));
        r2.expectMessage(new Message.Ping(4, 40));
        assertTrue(two.send(1, new Message.PingAck(4)));
        r1.expectMessage(new Message.PingAck(4));
        assertEquals(List.of(), List.copyOf(r1.events));
        assertEquals(List.of(), List.copyOf(r2.events));
    }

    @Test
    void anOversizeFrameBeforeTheHandshakeClosesThatConnectionOnly() throws Exception {
        PeerRecorder r1 = new PeerRecorder();
        PeerRecorder r2 = new PeerRecorder();
        PeerTransport[] t = linkedPair(null, r1, r2, PeerFixture.SETTINGS);
        // half the post-handshake limit: only the pre-handshake bound refuses it
        int declared = PeerFixture.SETTINGS.maxFrameBytes() / 2;
        try (RawPeer stranger = RawPeer.connect(t[0].localAddress())) {
            stranger.sendRaw(ByteBuffer.allocate(8 + 1024).putInt(declared).putInt(0).array());
            assertTrue(stranger.closedWithin(CLOSE_WAIT), "the member closed the stranger's connection");
        }
        assertEquals(1, t[0].refusedCount());
        assertEquals("peer frame of " + declared + " bytes before the handshake completed (limit "
                + PeerFrames.MIN_HANDSHAKE_FRAME_BYTES + ")", t[0].lastRefusal());
        stillLinked(t[0], r1, t[1], r2);
        // members, once linked, still send frames up to the full bound
        Message.Relay large = new Message.Relay(new byte[declared]);
        assertTrue(t[1].send(1, large));
        Message got = r1.received.poll(30, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(got instanceof Message.Relay r && r.payload().length == declared, String.valueOf(got));
    }

    @Test
    void aConnectionThatDoesNotCompleteItsHandshakeInTimeIsRefused() throws Exception {
        Network.PeerSettings quick = new Network.PeerSettings(1 << 20, 256 << 10, 500, 50);
        PeerRecorder r1 = new PeerRecorder();
        PeerRecorder r2 = new PeerRecorder();
        PeerTransport[] t = linkedPair(PeerFixture.SECRET, r1, r2, quick);
        // (on a slow machine the pair's own first handshake may have timed out and been redialled)
        long before = t[0].refusedCount();
        try (RawPeer silent = RawPeer.connect(t[0].localAddress())) {
            assertTrue(silent.closedWithin(CLOSE_WAIT), "a silent connection is closed");
        }
        assertEquals(before + 1, t[0].refusedCount());
        assertEquals("no handshake within 500 ms", t[0].lastRefusal());
        // a hello with the right public strings, then no proof: the same
        try (RawPeer noProof = RawPeer.connect(t[0].localAddress())) {
            noProof.exchangeHellos(PeerFixture.identity(2, PeerFixture.CLUSTER), nonce());
            assertTrue(noProof.closedWithin(CLOSE_WAIT), "a connection without a proof is closed");
        }
        assertEquals(before + 2, t[0].refusedCount());
        assertEquals("no handshake within 500 ms", t[0].lastRefusal());
        stillLinked(t[0], r1, t[1], r2);
    }

    @Test
    void anImpostorWithThePublicStringsButNotTheSecretCannotReplaceAMembersLink() throws Exception {
        PeerRecorder r1 = new PeerRecorder();
        PeerRecorder r2 = new PeerRecorder();
        PeerTransport[] t = linkedPair(PeerFixture.SECRET, r1, r2, PeerFixture.SETTINGS);
        PeerHandshake asTwo = PeerFixture.identity(2, PeerFixture.CLUSTER);

        // without a secret: refused on its hello
        try (RawPeer impostor = RawPeer.connect(t[0].localAddress())) {
            impostor.exchangeHellos(asTwo, new byte[0]);
            assertTrue(impostor.closedWithin(CLOSE_WAIT));
        }
        assertEquals(1, t[0].refusedCount());
        assertTrue(t[0].lastRefusal().startsWith("server 2 has no cluster secret, we require one"), t[0].lastRefusal());

        // with a wrong secret: refused on its proof, and the member never proved anything to it
        try (RawPeer impostor = RawPeer.connect(t[0].localAddress())) {
            byte[] ours = nonce();
            PeerHandshake.Hello member = impostor.exchangeHellos(asTwo, ours);
            byte[] proof = new PeerSecret(PeerFixture.OTHER_SECRET).proof(member.nonce(), ours, 2, 1, PeerFixture.CLUSTER);
            impostor.sendFrame(PeerHandshake.encodeProof(proof));
            assertTrue(impostor.closedWithin(CLOSE_WAIT));
        }
        assertEquals(2, t[0].refusedCount());
        assertTrue(t[0].lastRefusal().startsWith("wrong proof of the cluster secret"), t[0].lastRefusal());
        stillLinked(t[0], r1, t[1], r2);

        // with the secret it is a member: accepted, it replaces the link, and the member proves itself back
        try (RawPeer withSecret = RawPeer.connect(t[0].localAddress())) {
            byte[] ours = nonce();
            PeerHandshake.Hello member = withSecret.exchangeHellos(asTwo, ours);
            PeerSecret secret = new PeerSecret(PeerFixture.SECRET);
            withSecret.sendFrame(PeerHandshake.encodeProof(secret.proof(member.nonce(), ours, 2, 1, PeerFixture.CLUSTER)));
            byte[] theirProof = PeerHandshake.decodeProof(withSecret.readFrame());
            assertTrue(secret.verifies(theirProof, ours, member.nonce(), 1, 2, PeerFixture.CLUSTER));
            r1.expect("down 2");
            r1.expect("up 2");
            assertEquals(2, t[0].refusedCount());
        }
    }

    @Test
    void membersWithAndWithoutASecretRefuseEachOther() throws Exception {
        PeerRecorder r1 = new PeerRecorder();
        PeerRecorder r2 = new PeerRecorder();
        PeerTransport withSecret = fixture.member(1, PeerFixture.SECRET, r1);
        PeerTransport without = fixture.member(2, null, r2);
        PeerFixture.startAll(Map.of(1L, withSecret, 2L, without));
        Await.until(Duration.ofSeconds(30), "refusals on both sides",
                () -> withSecret.refusedCount() > 0 && without.refusedCount() > 0);
        assertTrue(withSecret.lastRefusal().startsWith("server 2 has no cluster secret, we require one"),
                withSecret.lastRefusal());
        assertTrue(without.lastRefusal().startsWith("server 1 requires a cluster secret, we have none"),
                without.lastRefusal());
        assertFalse(withSecret.isConnected(2) || without.isConnected(1));
        assertEquals(List.of(), List.copyOf(r1.events));
        assertEquals(List.of(), List.copyOf(r2.events));
    }

    @Test
    void membersWithTheSameSecretLinkAndOneWithAnotherSecretIsRefused() throws Exception {
        PeerRecorder r1 = new PeerRecorder();
        PeerRecorder r2 = new PeerRecorder();
        PeerRecorder r3 = new PeerRecorder();
        PeerTransport one = fixture.member(1, PeerFixture.SECRET, r1);
        PeerTransport two = fixture.member(2, PeerFixture.SECRET, r2);
        PeerTransport three = fixture.member(3, PeerFixture.OTHER_SECRET, r3);
        PeerFixture.startAll(Map.of(1L, one, 2L, two, 3L, three));
        PeerFixture.awaitLinked(one, 1, two, 2);
        r1.expect("up 2");
        r2.expect("up 1");
        // 3 dials both; each refuses its proof (3 itself only sees the connections close)
        Await.until(Duration.ofSeconds(30), "3 refused by 1 and 2", () -> one.refusedCount() > 0 && two.refusedCount() > 0);
        assertTrue(one.lastRefusal().startsWith("wrong proof of the cluster secret"), one.lastRefusal());
        assertTrue(two.lastRefusal().startsWith("wrong proof of the cluster secret"), two.lastRefusal());
        assertFalse(three.isConnected(1) || three.isConnected(2) || one.isConnected(3) || two.isConnected(3));
        stillLinked(one, r1, two, r2);
        assertEquals(List.of(), List.copyOf(r3.events));
    }

    private static byte[] nonce() {
        return PeerSecret.newNonce(Entropy.secure());
    }
}
