package io.paddock.coordinator.ensemble;

import io.paddock.testkit.Clients;
import io.paddock.testkit.Await;
import io.paddock.testkit.FourLetterWordClient;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three (and 3+1 observer) Paddock servers in one JVM, exercised with the stock ZooKeeper client. */
class EnsembleTest {
    private static final Duration ELECTION = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private Ensemble ensemble;

    @AfterEach
    void tearDown() {
        if (ensemble != null) {
            ensemble.close();
        }
    }


    private long follower(long leader) {
        return leader == 1 ? 2 : 1;
    }

    @Test
    void writesThroughAFollowerAreSeenIdenticallyEverywhere() throws Exception {
        ensemble = new Ensemble(dir, 3, 0);
        ensemble.startAll();
        long leader = ensemble.awaitLeader(ELECTION);
        long f = follower(leader);
        long other = 6 - leader - f;
        try (ZooKeeper viaFollower = Clients.connect(ensemble.connectString(f));
             ZooKeeper viaLeader = Clients.connect(ensemble.connectString(leader));
             ZooKeeper viaOther = Clients.connect(ensemble.connectString(other))) {
            String path = viaFollower.create("/a", "one".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            assertEquals("/a", path);
            Stat written = viaFollower.setData("/a", "two".getBytes(), 0);
            assertEquals(1, written.getVersion());
            // The follower's own session reads its write at once (FIFO); others after sync.
            assertArrayEquals("two".getBytes(), viaFollower.getData("/a", false, null));
            for (ZooKeeper zk : new ZooKeeper[] {viaLeader, viaOther}) {
                java.util.concurrent.CompletableFuture<Integer> synced = new java.util.concurrent.CompletableFuture<>();
                zk.sync("/a", (rc, p, ctx) -> synced.complete(rc), null);
                assertEquals(0, synced.get(30, java.util.concurrent.TimeUnit.SECONDS));
                Stat stat = new Stat();
                assertArrayEquals("two".getBytes(), zk.getData("/a", false, stat));
                assertEquals(written, stat);
            }
            String seq = viaOther.create("/a/s-", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL);
            assertEquals("/a/s-0000000000", seq);
            KeeperException.BadVersionException bad = org.junit.jupiter.api.Assertions.assertThrows(
                    KeeperException.BadVersionException.class, () -> viaOther.setData("/a", new byte[0], 0));
            assertEquals(KeeperException.Code.BADVERSION, bad.code());
        }
        assertSameState(Set.of(1L, 2L, 3L));
        assertTrue(FourLetterWordClient.send(ensemble.connectString(leader), "srvr").contains("Mode: leader"));
        assertTrue(FourLetterWordClient.send(ensemble.connectString(f), "srvr").contains("Mode: follower"));
        String mntr = FourLetterWordClient.send(ensemble.connectString(leader), "mntr");
        assertTrue(mntr.contains("zk_followers\t2\n"), mntr);
        assertTrue(mntr.contains("zk_synced_followers\t2\n"), mntr);
    }

    @Test
    void ephemeralsVanishEverywhereWhenTheirSessionCloses() throws Exception {
        ensemble = new Ensemble(dir, 3, 0);
        ensemble.startAll();
        long leader = ensemble.awaitLeader(ELECTION);
        long f = follower(leader);
        try (ZooKeeper watcher = Clients.connect(ensemble.connectString(leader))) {
            ZooKeeper owner = Clients.connect(ensemble.connectString(f));
            owner.create("/e", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
            java.util.concurrent.CompletableFuture<Integer> synced = new java.util.concurrent.CompletableFuture<>();
            watcher.sync("/e", (rc, p, ctx) -> synced.complete(rc), null);
            synced.get(30, java.util.concurrent.TimeUnit.SECONDS);
            java.util.concurrent.CompletableFuture<org.apache.zookeeper.WatchedEvent> deleted =
                    new java.util.concurrent.CompletableFuture<>();
            Stat stat = watcher.exists("/e", deleted::complete);
            assertEquals(owner.getSessionId(), stat.getEphemeralOwner());
            owner.close();
            assertEquals(org.apache.zookeeper.Watcher.Event.EventType.NodeDeleted,
                    deleted.get(30, java.util.concurrent.TimeUnit.SECONDS).getType());
        }
        assertSameState(Set.of(1L, 2L, 3L));
    }

    @Test
    void aSessionMovesToAnotherServerWithItsIdAndPassword() throws Exception {
        ensemble = new Ensemble(dir, 3, 0);
        ensemble.startAll();
        long leader = ensemble.awaitLeader(ELECTION);
        long f = follower(leader);
        try (ZooKeeper first = Clients.connect(ensemble.connectString(f))) {
            first.create("/mine", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
            try (ZooKeeper moved = new ZooKeeper(ensemble.connectString(leader), 30_000, e -> { },
                    first.getSessionId(), first.getSessionPasswd())) {
                Await.until(Duration.ofSeconds(30), () -> moved.getState() == ZooKeeper.States.CONNECTED);
                assertEquals(first.getSessionId(), moved.getSessionId());
                moved.setData("/mine", "x".getBytes(), -1);
                assertEquals(first.getSessionId(), moved.exists("/mine", false).getEphemeralOwner());
            }
        }
    }

    @Test
    void theLeaderStoppingCostsNoAcknowledgedWriteAndANewLeaderTakesOver() throws Exception {
        ensemble = new Ensemble(dir, 3, 0);
        ensemble.startAll();
        long leader = ensemble.awaitLeader(ELECTION);
        Set<String> acknowledged = new HashSet<>();
        try (ZooKeeper zk = Clients.connect(ensemble.connectStringAll())) {
            for (int i = 0; i < 50; i++) {
                acknowledged.add(zk.create("/k-", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL));
            }
        }
        ensemble.stop(leader);
        long next = ensemble.awaitLeader(ELECTION);
        assertNotEquals(leader, next);
        try (ZooKeeper zk = Clients.connect(ensemble.connectString(next))) {
            assertEquals(acknowledged, new HashSet<>(zk.getChildren("/", false).stream()
                    .filter(c -> c.startsWith("k-")).map(c -> "/" + c).toList()));
            zk.create("/after", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        }
        ensemble.start(leader);
        ensemble.awaitLeader(ELECTION);
        try (ZooKeeper zk = Clients.connect(ensemble.connectString(leader))) {
            java.util.concurrent.CompletableFuture<Integer> synced = new java.util.concurrent.CompletableFuture<>();
            zk.sync("/", (rc, p, ctx) -> synced.complete(rc), null);
            synced.get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(zk.exists("/after", false) != null, "the restarted old leader caught up");
        }
        assertSameState(Set.of(1L, 2L, 3L));
    }

    @Test
    void anObserverServesReadsAndForwardsWritesButNeverVotes() throws Exception {
        ensemble = new Ensemble(dir, 3, 1);
        ensemble.startAll();
        long leader = ensemble.awaitLeader(ELECTION);
        assertTrue(leader <= 3);
        assertTrue(FourLetterWordClient.send(ensemble.connectString(4), "srvr").contains("Mode: observer"));
        try (ZooKeeper zk = Clients.connect(ensemble.connectString(4))) {
            zk.create("/o", "v".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            assertArrayEquals("v".getBytes(), zk.getData("/o", false, null));
        }
        String mntr = FourLetterWordClient.send(ensemble.connectString(leader), "mntr");
        assertTrue(mntr.contains("zk_followers\t2\n"), mntr);
        assertSameState(Set.of(1L, 2L, 3L, 4L));
    }

    @Test
    void watchesFollowTheSessionToAnotherServer() throws Exception {
        ensemble = new Ensemble(dir, 3, 0);
        ensemble.startAll();
        long leader = ensemble.awaitLeader(ELECTION);
        long f = follower(leader);
        java.util.concurrent.LinkedBlockingQueue<org.apache.zookeeper.WatchedEvent> events =
                new java.util.concurrent.LinkedBlockingQueue<>();
        try (ZooKeeper writer = Clients.connect(ensemble.connectString(leader))) {
            writer.create("/w", "0".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            // Connected to the follower first; the leader is its only other choice.
            try (ZooKeeper watcher = Clients.connect(ensemble.connectString(f) + "," + ensemble.connectString(leader))) {
                Await.until(Duration.ofSeconds(30), () -> watcher.getState() == ZooKeeper.States.CONNECTED);
                watcher.getData("/w", events::add, null);
                ensemble.stop(f);
                // The client reconnects to the leader with its session and re-arms the watch there.
                Await.until(Duration.ofSeconds(30), () -> {
                    try {
                        watcher.exists("/", false);
                        return true;
                    } catch (KeeperException | InterruptedException e) {
                        return false;
                    }
                });
                writer.setData("/w", "1".getBytes(), -1);
                org.apache.zookeeper.WatchedEvent changed = null;
                for (org.apache.zookeeper.WatchedEvent e = events.poll(30, java.util.concurrent.TimeUnit.SECONDS);
                     e != null; e = events.poll(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    if (e.getType() != org.apache.zookeeper.Watcher.Event.EventType.None) {
                        changed = e;
                        break;
                    }
                }
                assertTrue(changed != null, "no data watch event after moving servers");
                assertEquals(org.apache.zookeeper.Watcher.Event.EventType.NodeDataChanged, changed.getType());
                assertEquals("/w", changed.getPath());
            }
        }
    }

    @Test
    void aDataDirectoryOfAnotherServerIsRefused() throws Exception {
        ensemble = new Ensemble(dir, 3, 0);
        ensemble.start(1);
        ensemble.stop(1);
        // Server 2 pointed at server 1's directory (a copy-paste slip in a deployment).
        io.paddock.coordinator.server.ServerConfig wrong = ensemble.config(2).toBuilder().dataDir(ensemble.dataDir(1)).build();
        java.nio.file.Files.writeString(ensemble.dataDir(1).resolve("myid"), "2\n");
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(
                io.paddock.coordinator.storage.DataDirMismatchException.class,
                () -> io.paddock.coordinator.server.PaddockServer.start(wrong));
        assertTrue(e.getMessage().contains("belongs to server 1 of cluster 'test-ensemble'")
                && e.getMessage().contains("this server is server 2 of cluster 'test-ensemble'"), e.getMessage());
    }

    /** Every listed server reports the same last zxid and tree digest once they settle. */
    private void assertSameState(Set<Long> ids) throws Exception {
        Await.until(Duration.ofSeconds(30), () -> {
            Set<String> hashes = new HashSet<>();
            for (long id : ids) {
                try {
                    hashes.add(FourLetterWordClient.send(ensemble.connectString(id), "hash"));
                } catch (IOException e) {
                    return false;
                }
            }
            return hashes.size() == 1;
        });
    }
}
