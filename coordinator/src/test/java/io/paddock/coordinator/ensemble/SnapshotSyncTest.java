package io.paddock.coordinator.ensemble;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.testkit.Await;
import io.paddock.testkit.Clients;
import io.paddock.testkit.FourLetterWordClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SNAP synchronization in a real three-member ensemble whose peer frames (64 KiB) and send bound
 * (320 KiB) are far smaller than the tree (about 1.2 MiB): a member that starts with an empty data
 * directory is sent the whole tree as a stream ({@link ShapedNetworks} observes it, holds it, or cuts
 * its link), and ends with exactly the leader's nodes and digest.
 */
class SnapshotSyncTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int NODES = 400;
    private static final int NODE_BYTES = 3000;
    /** The ensemble's initLimit (20 ticks of 100 ms) in the pings a leader sends, one per zab tick of 10 ms. */
    private static final int PINGS_PER_INIT_LIMIT = 20 * 10;

    @TempDir
    Path dir;
    private Ensemble ensemble;
    private ShapedNetworks net;

    @AfterEach
    void tearDown() {
        if (ensemble != null) {
            ensemble.close();
        }
        if (net != null) {
            net.close();
        }
    }

    private long startShaped() throws Exception {
        // a snapshot every 50 txns: the leader keeps only the last two snapshots' worth of log, so a
        // member starting empty cannot be brought up by a DIFF
        ensemble = new Ensemble(dir, 3, 0).snapCount(50);
        net = new ShapedNetworks(ensemble);
        ensemble.networks(net::forServer);
        ensemble.startAll();
        return ensemble.awaitLeader(WAIT);
    }

    private static byte[] dataOf(int i) {
        byte[] b = new byte[NODE_BYTES];
        for (int k = 0; k < b.length; k++) {
            b[k] = (byte) (i * 7 + k * 13 + (k >> 8));
        }
        return b;
    }

    private static String path(int i) {
        return String.format("/big/n%04d", i);
    }

    /**
     * About 1.2 MiB of znodes, written through the leader in batches small enough that the proposals
     * waiting for a follower stay within the shaped send bound (a larger burst closes the link, as
     * it should).
     */
    private void fill(long leader) throws Exception {
        try (ZooKeeper zk = Clients.connect(ensemble.connectString(leader))) {
            zk.create("/big", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            AtomicInteger failed = new AtomicInteger();
            int batch = 25;
            for (int from = 0; from < NODES; from += batch) {
                CountDownLatch done = new CountDownLatch(batch);
                for (int i = from; i < from + batch; i++) {
                    zk.create(path(i), dataOf(i), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT,
                            (rc, p, ctx, name) -> {
                                if (rc != 0) {
                                    failed.incrementAndGet();
                                }
                                done.countDown();
                            }, null);
                }
                assertTrue(done.await(60, TimeUnit.SECONDS));
            }
            assertEquals(0, failed.get());
        }
    }

    private void restartEmpty(long id) throws IOException {
        ensemble.stop(id);
        try (Stream<Path> files = Files.walk(ensemble.dataDir(id))) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        ensemble.start(id);
    }

    private long follower(long leader) {
        return leader == 1 ? 2 : 1;
    }

    private ShapedNetworks.Sent awaitSnapshotTo(long learner, int count) throws InterruptedException {
        Await.until(WAIT, "snapshot #" + count + " sent to server " + learner,
                () -> net.sentTo(learner).size() >= count);
        return net.sentTo(learner).get(count - 1);
    }

    private List<Path> snapshotFiles(long id) throws IOException {
        Path snaps = ensemble.dataDir(id).resolve("snapshots");
        if (!Files.isDirectory(snaps)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(snaps)) {
            return s.sorted().toList();
        }
    }

    private boolean spooling(long id) throws IOException {
        for (Path p : snapshotFiles(id)) {
            if (p.getFileName().toString().endsWith(".spool") && Files.size(p) > 0) {
                return true;
            }
        }
        return false;
    }

    /** Every member answers {@code hash} (last zxid and tree digest) identically. */
    private void assertSameState() throws Exception {
        Await.until(WAIT, "identical hash on every member", () -> {
            Set<String> hashes = new HashSet<>();
            for (long id = 1; id <= 3; id++) {
                try {
                    hashes.add(FourLetterWordClient.send(ensemble.connectString(id), "hash"));
                } catch (IOException e) {
                    return false;
                }
            }
            return hashes.size() == 1;
        });
    }

    /** The synchronized member holds every node with the leader's exact data and Stat. */
    private void assertSameNodes(long leader, long member, int extra) throws Exception {
        try (ZooKeeper l = Clients.connect(ensemble.connectString(leader));
             ZooKeeper m = Clients.connect(ensemble.connectString(member))) {
            assertEquals(NODES + extra, m.getChildren("/big", false).size());
            for (int i = 0; i < NODES; i++) {
                Stat ls = new Stat();
                Stat ms = new Stat();
                byte[] expected = l.getData(path(i), false, ls);
                assertArrayEquals(expected, m.getData(path(i), false, ms), path(i));
                assertEquals(ls, ms, path(i));
            }
        }
    }

    @Test
    void aMemberStartingEmptyIsSentATreeFarLargerThanAFrameAndTheSendBound() throws Exception {
        long leader = startShaped();
        long f = follower(leader);
        fill(leader);
        restartEmpty(f);
        assertEquals(leader, ensemble.awaitLeader(WAIT));
        assertSameState();
        assertSameNodes(leader, f, 0);
        List<ShapedNetworks.Sent> sent = net.sentTo(f);
        assertEquals(1, sent.size(), "one snapshot, sent once");
        ShapedNetworks.Sent snap = sent.get(0);
        assertEquals(leader, snap.from);
        assertTrue(snap.bytes.get() > 3L * (ShapedNetworks.FRAME_BYTES + ShapedNetworks.BACKLOG_BYTES),
                snap.bytes.get() + " bytes");
        assertTrue(snap.releasedWithin(30), "the leader released its view of the tree");
        // handed to the links on the request thread, written by a stream thread of the transport
        assertEquals("paddock-requests", snap.senderThread);
        assertTrue(snap.writerThread.startsWith("paddock-peer-stream"), snap.writerThread);
        // the member keeps the received snapshot as its own, byte for byte a store snapshot
        List<Path> files = snapshotFiles(f);
        assertTrue(files.contains(ensemble.dataDir(f).resolve("snapshots").resolve(String.format("snapshot.%016x",
                snap.zxid))), files.toString());
        assertTrue(files.stream().noneMatch(p -> p.toString().endsWith(".spool")), files.toString());
        String mntr = FourLetterWordClient.send(ensemble.connectString(leader), "mntr");
        assertEquals("2", FourLetterWordClient.mntrValue(mntr, "zk_synced_followers"), mntr);
    }

    @Test
    void aHeldSnapshotStreamHoldsUpNeitherTheRequestThreadNorTheOtherFollowerNorTheLearnersPings() throws Exception {
        long leader = startShaped();
        long f = follower(leader);
        long other = 6 - leader - f;
        fill(leader);
        net.holdNextSnapshotTo(f, 300 << 10);
        restartEmpty(f);
        ShapedNetworks.Sent snap = awaitSnapshotTo(f, 1);
        assertTrue(snap.held.await(60, TimeUnit.SECONDS));
        int pingsAtHold = net.pingsSent(leader, f);
        // while the stream stands still half-way, the leader answers reads and writes (its request
        // thread writes no snapshot) and the other follower takes part in every commit
        try (ZooKeeper viaLeader = Clients.connect(ensemble.connectString(leader));
             ZooKeeper viaOther = Clients.connect(ensemble.connectString(other))) {
            for (int i = 0; i < 20; i++) {
                viaOther.create("/big/during-" + i, new byte[] {(byte) i}, ZooDefs.Ids.OPEN_ACL_UNSAFE,
                        CreateMode.PERSISTENT);
                Stat s = viaLeader.setData(path(0), dataOf(1000 + i), i);
                assertEquals(i + 1, s.getVersion());
            }
            assertArrayEquals(dataOf(1019), viaLeader.getData(path(0), false, null));
        }
        // held for longer than the learner's initLimit: the leader's pings overtake the stream, so
        // the learner keeps following it rather than looking for another leader
        Await.until(WAIT, "pings to the syncing learner for more than initLimit",
                () -> net.pingsSent(leader, f) > pingsAtHold + PINGS_PER_INIT_LIMIT + 50);
        assertEquals("follower", ensemble.server(f).mode());
        assertEquals(leader, ensemble.server(f).leaderId());
        assertFalse(ensemble.server(f).serving());
        assertEquals("follower", ensemble.server(other).mode());
        assertTrue(ensemble.server(other).serving());
        assertEquals(1, net.sentTo(f).size());
        snap.letGo.countDown();
        assertEquals(leader, ensemble.awaitLeader(WAIT));
        assertSameState();
        assertSameNodes(leader, f, 20);
        assertEquals(1, net.sentTo(f).size(), "the held stream completed; the learner never started over");
        assertTrue(snap.releasedWithin(30));
    }

    @Test
    void aLinkCutMidStreamLeavesNothingInstalledAndTheMemberResyncs() throws Exception {
        long leader = startShaped();
        long f = follower(leader);
        fill(leader);
        net.holdNextSnapshotTo(f, 300 << 10);
        restartEmpty(f);
        ShapedNetworks.Sent first = awaitSnapshotTo(f, 1);
        assertTrue(first.held.await(60, TimeUnit.SECONDS));
        Await.until(WAIT, "part of the snapshot spooled on the member", () -> {
            try {
                return spooling(f);
            } catch (IOException e) {
                return false;
            }
        });
        net.cut(leader, f);
        // its transport drops the half-received snapshot; nothing of it became a snapshot or the tree
        Await.until(WAIT, "the half-received snapshot deleted", () -> {
            try {
                return snapshotFiles(f).isEmpty();
            } catch (IOException e) {
                return false;
            }
        });
        assertFalse(ensemble.server(f).serving());
        first.letGo.countDown();
        assertTrue(first.releasedWithin(30), "the leader released the view of the interrupted stream");
        net.restore(leader, f);
        ShapedNetworks.Sent second = awaitSnapshotTo(f, 2);
        assertEquals(leader, ensemble.awaitLeader(WAIT));
        assertSameState();
        assertSameNodes(leader, f, 0);
        assertTrue(second.releasedWithin(30));
        assertEquals(first.zxid, second.zxid, "no write in between: the same state, sent again whole");
        assertTrue(snapshotFiles(f).stream().noneMatch(p -> p.toString().endsWith(".spool")));
    }
}
