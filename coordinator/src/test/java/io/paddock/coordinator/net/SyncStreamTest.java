package io.paddock.coordinator.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.paddock.coordinator.zab.Entry;
import io.paddock.coordinator.zab.Message;
import io.paddock.testkit.Await;
import io.paddock.testkit.TcpProxy;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Syncs on real peer links, with frames far smaller than the snapshots: a snapshot streams in
 * bounded chunks on a stream thread, pings and other links keep flowing meanwhile, later messages
 * wait behind the stream and count against the send bound, a cut or a peer that stops reading ends
 * the stream with nothing half-delivered and the snapshot released.
 */
class SyncStreamTest {
    /** 64 KiB frames, 16 KiB chunks, a 256 KiB backlog: a link holds at most 320 KiB queued. */
    private static final Network.PeerSettings SMALL = new Network.PeerSettings(64 << 10, 256 << 10, 10_000, 50,
            16 << 10, 10_000);
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final long ZXID = 0x500000010L;
    private final PeerFixture fixture = new PeerFixture();

    @AfterEach
    void closeAll() {
        fixture.close();
    }

    private static List<Entry> entries(long after, int n, int bytes) {
        List<Entry> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            byte[] payload = new byte[bytes];
            payload[0] = (byte) i;
            payload[bytes - 1] = (byte) (i >> 8);
            out.add(new Entry(after + i, payload));
        }
        return out;
    }

    private static void assertSyncOf(TestSnapshot snap, List<Entry> entries, Message m) {
        Message.Sync sync = assertInstanceOf(Message.Sync.class, m, "expected the sync, got " + m);
        assertEquals(Message.Sync.Kind.SNAP, sync.kind());
        assertEquals(5, sync.epoch());
        MemorySpool.Received got = assertInstanceOf(MemorySpool.Received.class, sync.snapshot());
        assertEquals(snap.zxid(), got.zxid());
        assertArrayEquals(snap.expected(), got.bytes());
        assertEquals(entries.size(), sync.entries().size());
        for (int i = 0; i < entries.size(); i++) {
            assertEquals(entries.get(i).zxid(), sync.entries().get(i).zxid());
            assertArrayEquals(entries.get(i).payload(), sync.entries().get(i).payload());
        }
    }

    private PeerTransport[] linked(PeerRecorder... recorders) throws InterruptedException {
        PeerTransport[] t = new PeerTransport[recorders.length + 1];
        Map<Long, PeerTransport> members = new java.util.HashMap<>();
        for (int i = 1; i <= recorders.length; i++) {
            t[i] = fixture.member(PeerFixture.identity(i, PeerFixture.CLUSTER), null, SMALL, recorders[i - 1]);
            members.put((long) i, t[i]);
        }
        PeerFixture.startAll(members);
        for (int i = 1; i <= recorders.length; i++) {
            for (int j = i + 1; j <= recorders.length; j++) {
                PeerFixture.awaitLinked(t[i], i, t[j], j);
            }
        }
        for (PeerRecorder r : recorders) {
            r.events.clear();
        }
        return t;
    }

    @Test
    void aSyncFarLargerThanAnyFrameArrivesWholeInOrderAndIsWrittenOffTheSendingThread() throws Exception {
        PeerRecorder r1 = new PeerRecorder();
        PeerRecorder r2 = new PeerRecorder();
        PeerTransport[] t = linked(r1, r2);
        // 3 MiB of snapshot and 300 KiB of entries, with 64 KiB frames and a 320 KiB send bound
        TestSnapshot snap = new TestSnapshot(ZXID, 3 << 20, -1);
        List<Entry> entries = entries(ZXID, 300, 1024);
        Entry next = new Entry(ZXID + 301, new byte[] {7});
        assertTrue(t[1].send(2, new Message.Sync(5, Message.Sync.Kind.SNAP, -1, snap, entries)));
        assertTrue(t[1].send(2, new Message.NewLeader(5)));
        assertTrue(t[1].send(2, new Message.Proposal(5, next)));
        assertSyncOf(snap, entries, r2.received.poll(30, TimeUnit.SECONDS));
        r2.expectMessage(new Message.NewLeader(5));
        Message.Proposal p = assertInstanceOf(Message.Proposal.class, r2.received.poll(30, TimeUnit.SECONDS));
        assertEquals(next.zxid(), p.entry().zxid());
        assertTrue(snap.releasedWithin(30));
        assertEquals(1, snap.releases);
        assertTrue(snap.writerThread.startsWith("paddock-peer-stream"), snap.writerThread);
        assertNotEquals(Thread.currentThread().getName(), snap.writerThread);
        assertEquals(List.of("begin 1 " + Long.toHexString(ZXID), "finish " + Long.toHexString(ZXID) + " " + (3 << 20)),
                List.copyOf(r2.spool.events));
        assertEquals(List.of(), List.copyOf(r1.events));
        assertEquals(List.of(), List.copyOf(r2.events), "the link stayed up");
    }

    @Test
    void pingsAndOtherLinksFlowWhileAStreamWaitsAndLaterMessagesWaitBehindIt() throws Exception {
        PeerRecorder r1 = new PeerRecorder();
        PeerRecorder r2 = new PeerRecorder();
        PeerRecorder r3 = new PeerRecorder();
        PeerTransport[] t = linked(r1, r2, r3);
        long gateAt = 1 << 20;
        TestSnapshot snap = new TestSnapshot(ZXID, 2 << 20, gateAt);
        assertTrue(t[1].send(2, new Message.Sync(5, Message.Sync.Kind.SNAP, -1, snap, List.of())));
        assertTrue(t[1].send(2, new Message.NewLeader(5)));
        assertTrue(snap.atGate.await(30, TimeUnit.SECONDS));
        // everything before the gate reached the learner's spool, but the last partial chunk
        Await.until(WAIT, "the first half spooled", () -> r2.spool.bytesWritten.get() >= gateAt - (16 << 10));
        for (int i = 1; i <= 3; i++) {
            assertTrue(t[1].send(2, new Message.Ping(5, i)));
            r2.expectMessage(new Message.Ping(5, i));
        }
        assertTrue(t[1].send(2, new Message.Commit(5, ZXID + 1)));
        assertTrue(t[1].send(3, new Message.Commit(5, ZXID + 1)));
        r3.expectMessage(new Message.Commit(5, ZXID + 1));
        assertTrue(t[2].send(1, new Message.PingAck(5)));
        r1.expectMessage(new Message.PingAck(5));
        assertNull(r2.received.peek(), "nothing but pings overtakes the stream");
        snap.gate.countDown();
        assertSyncOf(snap, List.of(), r2.received.poll(30, TimeUnit.SECONDS));
        r2.expectMessage(new Message.NewLeader(5));
        r2.expectMessage(new Message.Commit(5, ZXID + 1));
        assertTrue(snap.releasedWithin(30));
        assertEquals(List.of(), List.copyOf(r2.events));
    }

    @Test
    void aLinkCutMidStreamDeliversNoSyncFreesBothEndsAndTheNextStreamCompletes() throws Exception {
        PeerRecorder r1 = new PeerRecorder();
        PeerRecorder r2 = new PeerRecorder();
        PeerTransport one = fixture.member(PeerFixture.identity(1, PeerFixture.CLUSTER), null, SMALL, r1);
        PeerTransport two = fixture.member(PeerFixture.identity(2, PeerFixture.CLUSTER), null, SMALL, r2);
        try (TcpProxy proxy = TcpProxy.start("127.0.0.1:" + one.localAddress().getPort())) {
            // 2 dials 1 (the larger id dials), through the proxy
            int proxyPort = Integer.parseInt(proxy.connectString().split(":")[1]);
            one.start(Map.of(1L, one.localAddress(), 2L, two.localAddress()));
            two.start(Map.of(1L, new InetSocketAddress("127.0.0.1", proxyPort), 2L, two.localAddress()));
            PeerFixture.awaitLinked(one, 1, two, 2);
            r1.expect("up 2");
            r2.expect("up 1");
            TestSnapshot cut = new TestSnapshot(ZXID, 2 << 20, 512 << 10);
            assertTrue(one.send(2, new Message.Sync(5, Message.Sync.Kind.SNAP, -1, cut, entries(ZXID, 3, 10))));
            assertTrue(cut.atGate.await(30, TimeUnit.SECONDS));
            Await.until(WAIT, "part of the snapshot spooled", () -> r2.spool.bytesWritten.get() > 0);
            proxy.cut();
            r1.expect("down 2");
            r2.expect("down 1");
            Await.until(WAIT, "the half-received snapshot aborted",
                    () -> r2.spool.events.contains("abort " + Long.toHexString(ZXID)));
            cut.gate.countDown();
            assertTrue(cut.releasedWithin(30), "the sender released the view of an interrupted stream");
            assertEquals(1, cut.releases);
            assertNull(r2.received.peek(), "no sync was delivered");
            proxy.restore();
            r1.expect("up 2");
            r2.expect("up 1");
            TestSnapshot whole = new TestSnapshot(ZXID + 5, 1 << 20, -1);
            List<Entry> entries = entries(ZXID + 5, 2, 100);
            assertTrue(one.send(2, new Message.Sync(5, Message.Sync.Kind.SNAP, -1, whole, entries)));
            assertSyncOf(whole, entries, r2.received.poll(30, TimeUnit.SECONDS));
            assertTrue(whole.releasedWithin(30));
        }
    }

    @Test
    void aPeerThatStopsReadingAStreamIsDisconnectedAfterTheStallLimit() throws Exception {
        Network.PeerSettings quickStall = new Network.PeerSettings(64 << 10, 256 << 10, 10_000, 50, 16 << 10, 1_000);
        PeerRecorder r1 = new PeerRecorder();
        PeerTransport one = fixture.member(PeerFixture.identity(1, PeerFixture.CLUSTER), null, quickStall, r1);
        // 3 is played by the test and dials; its address goes unused
        one.start(Map.of(1L, one.localAddress(), 2L, one.localAddress(), 3L, one.localAddress()));
        try (RawPeer stuck = RawPeer.connect(one.localAddress())) {
            stuck.exchangeHellos(PeerFixture.identity(3, PeerFixture.CLUSTER), new byte[0]);
            r1.expect("up 3");
            // far more than any socket buffer holds, generated only as fast as it is sent
            TestSnapshot huge = new TestSnapshot(ZXID, 1L << 32, -1);
            assertTrue(one.send(3, new Message.Sync(5, Message.Sync.Kind.SNAP, -1, huge, List.of())));
            r1.expect("down 3");
            assertFalse(one.isConnected(3));
            assertTrue(huge.releasedWithin(30));
            assertFalse(one.send(3, new Message.Ping(5, 1)));
            assertTrue(stuck.closedWithin(WAIT), "the stuck peer's connection was closed");
        }
    }

    @Test
    void messagesQueuedBehindAStreamCountAgainstTheSendBound() throws Exception {
        PeerRecorder r1 = new PeerRecorder();
        PeerRecorder r2 = new PeerRecorder();
        PeerTransport[] t = linked(r1, r2);
        TestSnapshot snap = new TestSnapshot(ZXID, 1 << 20, 256 << 10);
        assertTrue(t[1].send(2, new Message.Sync(5, Message.Sync.Kind.SNAP, -1, snap, List.of())));
        assertTrue(snap.atGate.await(30, TimeUnit.SECONDS));
        Message.Relay relay = new Message.Relay(new byte[32 << 10]);
        long queued = 0;
        long bound = (long) SMALL.maxFrameBytes() + SMALL.sendBacklogBytes();
        while (t[1].send(2, relay)) {
            queued += relay.payload().length;
            if (queued > bound) {
                fail(queued + " bytes queued behind a stream, and the link still open");
            }
        }
        r1.expect("down 2");
        assertFalse(t[1].send(2, new Message.Ping(5, 1)));
        Await.until(WAIT, "the learner dropped the half-received snapshot",
                () -> r2.spool.events.contains("abort " + Long.toHexString(ZXID)));
        snap.gate.countDown();
        assertTrue(snap.releasedWithin(30));
        assertEquals(1, snap.releases);
        assertNull(r2.received.peek(), "neither the sync nor what waited behind it was delivered");
    }

    @Test
    void aLearnerThatCannotStoreTheSnapshotDropsTheLinkKeepsNothingAndTakesTheNextStream() throws Exception {
        PeerRecorder r1 = new PeerRecorder();
        PeerRecorder r2 = new PeerRecorder();
        PeerTransport[] t = linked(r1, r2);
        r2.spool.failWrites = "simulated disk full";
        TestSnapshot refused = new TestSnapshot(ZXID, 1 << 20, -1);
        assertTrue(t[1].send(2, new Message.Sync(5, Message.Sync.Kind.SNAP, -1, refused, List.of())));
        r2.expect("down 1");
        r1.expect("down 2");
        Await.until(WAIT, "the refused snapshot aborted",
                () -> r2.spool.events.contains("abort " + Long.toHexString(ZXID)));
        assertTrue(refused.releasedWithin(30));
        assertNull(r2.received.peek());
        r2.spool.failWrites = null;
        r1.expect("up 2");
        r2.expect("up 1");
        TestSnapshot next = new TestSnapshot(ZXID + 1, 1 << 20, -1);
        assertTrue(t[1].send(2, new Message.Sync(5, Message.Sync.Kind.SNAP, -1, next, List.of())));
        assertSyncOf(next, List.of(), r2.received.poll(30, TimeUnit.SECONDS));
    }
}
