package io.paddock.coordinator.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.paddock.coordinator.zab.Message;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What waits to be sent on a peer link is bounded: a peer that stops reading loses its link. */
class PeerSendBoundTest {
    /** 64 KiB frames, 256 KiB backlog: a link holds at most 320 KiB queued. */
    private static final Network.PeerSettings SMALL = new Network.PeerSettings(64 << 10, 256 << 10, 10_000, 50);
    /** What the kernel's socket buffers may absorb on top (send buffers autotune to a few MiB). */
    private static final long KERNEL_ALLOWANCE = 64L << 20;
    private final PeerFixture fixture = new PeerFixture();

    @AfterEach
    void closeAll() {
        fixture.close();
    }

    @Test
    void aPeerThatStopsReadingIsDisconnectedWithinTheBoundWhileTheOthersCarryOn() throws Exception {
        PeerRecorder r1 = new PeerRecorder();
        PeerRecorder r2 = new PeerRecorder();
        PeerTransport one = fixture.member(PeerFixture.identity(1, PeerFixture.CLUSTER), null, SMALL, r1);
        PeerTransport two = fixture.member(PeerFixture.identity(2, PeerFixture.CLUSTER), null, SMALL, r2);
        // 3 is played by the test; as the largest id it dials and is never dialled, so its address goes unused
        Map<Long, InetSocketAddress> addresses = Map.of(1L, one.localAddress(), 2L, two.localAddress(),
                3L, one.localAddress());
        one.start(addresses);
        two.start(addresses);
        PeerFixture.awaitLinked(one, 1, two, 2);
        r1.expect("up 2");
        r2.expect("up 1");
        Message.Relay chunk = new Message.Relay(new byte[32 << 10]);
        // a peer that reads takes any volume: twenty times the bound, in batches it drains
        for (int batch = 0; batch < 50; batch++) {
            for (int i = 0; i < 4; i++) {
                assertTrue(one.send(2, chunk));
            }
            for (int i = 0; i < 4; i++) {
                assertTrue(r2.received.poll(30, TimeUnit.SECONDS) instanceof Message.Relay);
            }
        }
        try (RawPeer stuck = RawPeer.connect(one.localAddress())) {
            // a member as far as the handshake goes, then it never reads again
            stuck.exchangeHellos(PeerFixture.identity(3, PeerFixture.CLUSTER), new byte[0]);
            r1.expect("up 3");
            long sent = 0;
            long cap = (long) SMALL.maxFrameBytes() + SMALL.sendBacklogBytes() + KERNEL_ALLOWANCE;
            while (one.send(3, chunk)) {
                sent += chunk.payload().length;
                if (sent > cap) {
                    fail(sent + " bytes queued for a peer that does not read, and its link still open");
                }
            }
            r1.expect("down 3");
            assertFalse(one.isConnected(3));
            assertFalse(one.send(3, new Message.Ping(1, 1)));
            assertTrue(stuck.closedWithin(java.time.Duration.ofSeconds(30)), "the stuck peer's connection was closed");
        }
        // the healthy link never noticed
        assertTrue(one.send(2, new Message.Ping(4, 40)));
        r2.expectMessage(new Message.Ping(4, 40));
        assertTrue(two.send(1, new Message.PingAck(4)));
        r1.expectMessage(new Message.PingAck(4));
        assertEquals(List.of(), List.copyOf(r1.events));
        assertEquals(List.of(), List.copyOf(r2.events));
        assertEquals(0, one.refusedCount());
    }
}
