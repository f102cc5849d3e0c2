package io.paddock.coordinator.process;

import io.paddock.testkit.Clients;
import io.paddock.testkit.ProcessEnsemble;
import io.paddock.testkit.WriteLoad;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ensembles of separate JVMs under steady write load from stock clients: leaders killed with
 * SIGKILL, a follower frozen past syncLimit, servers restarted with empty and stale data
 * directories, an observer joining late. After each: every acknowledged write is on every server,
 * all servers agree on last zxid and digest, and no client session expired.
 */
class EnsembleProcessTest {
    private static final Logger LOG = LoggerFactory.getLogger(EnsembleProcessTest.class);
    private static final Duration SETTLE = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    /** The measurement: tickTime=2000, syncLimit=5, five leader kills, stock clients. */
    @Test
    void threeNodesSurviveFiveLeaderKillsWithoutLosingAnAcknowledgedWrite() throws Exception {
        List<String> settings = List.of("tickTime=2000", "initLimit=10", "syncLimit=5", "snapCount=2000");
        try (ProcessEnsemble ensemble = new ProcessEnsemble(dir, 3, 0, settings)) {
            ensemble.startAll();
            ensemble.awaitServing(SETTLE);
            List<Long> gaps = new ArrayList<>();
            try (WriteLoad load = new WriteLoad(ensemble.connectStringAll(), 3, 30_000, 100_000, 600_000)) {
                for (int kill = 0; kill < 5; kill++) {
                    load.awaitProgress(100, 60_000);
                    int leader = ensemble.awaitServing(SETTLE);
                    long at = System.nanoTime();
                    ensemble.kill9(leader);
                    int next = ensemble.awaitServing(SETTLE);
                    assertNotEquals(leader, next);
                    load.awaitProgress(100, 60_000);
                    gaps.add(load.longestPauseSinceMillis(at - TimeUnit.SECONDS.toNanos(1)));
                    ensemble.start(leader);
                    ensemble.awaitServing(SETTLE);
                }
                load.awaitProgress(50, 60_000);
                load.close();
                assertEquals(0, load.expiredSessions(), "no session may expire over outages shorter than its timeout");
                assertEverywhere(ensemble, load.acknowledged());
            }
            List<Long> sorted = new ArrayList<>(gaps);
            Collections.sort(sorted);
            LOG.info("UNAVAILABILITY after kill -9 of the leader (ms, tickTime=2000 syncLimit=5): {} median {} max {}",
                    gaps, sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1));
            assertTrue(sorted.get(0) > 0, "every kill paused the writes: " + gaps);
        }
    }

    @Test
    void frozenFollowerEmptyAndStaleRestartsAndALateObserverAllCatchUp() throws Exception {
        List<String> settings = List.of("tickTime=200", "initLimit=20", "syncLimit=5", "snapCount=200");
        try (ProcessEnsemble ensemble = new ProcessEnsemble(dir, 3, 1, settings)) {
            for (int id = 1; id <= 3; id++) {
                ensemble.start(id);
            }
            int leader = ensemble.awaitServing(SETTLE);
            int follower = leader == 1 ? 2 : 1;
            try (WriteLoad load = new WriteLoad(ensemble.connectString(6 - leader - follower) + ","
                    + ensemble.connectString(leader), 2, 30_000, 100_000, 600_000)) {
                load.awaitProgress(100, 60_000);

                // Frozen past syncLimit (5 x 200 ms): the leader drops it, writes go on, it rejoins.
                ensemble.signal(follower, "STOP");
                load.awaitProgress(300, 60_000);
                ensemble.signal(follower, "CONT");
                ensemble.awaitServing(SETTLE);
                ensemble.awaitSameDigest(SETTLE);

                // Stale directory: stopped, the others move on, restarted with what it had (DIFF).
                ensemble.terminate(follower);
                load.awaitProgress(100, 60_000);
                ensemble.start(follower);
                ensemble.awaitServing(SETTLE);

                // Empty directory after many snapshots: only a snapshot transfer can catch it up.
                ensemble.kill9(follower);
                load.awaitProgress(1000, 120_000);
                deleteRecursively(ensemble.dataDir(follower));
                ensemble.start(follower);
                ensemble.awaitServing(SETTLE);

                // An observer that starts late syncs and serves.
                ensemble.start(4);
                ensemble.awaitServing(SETTLE);
                load.awaitProgress(100, 60_000);
                load.close();
                assertEquals(0, load.expiredSessions());
                assertEverywhere(ensemble, load.acknowledged());
            }
            String log = Files.readString(dir.resolve("server" + follower + "/server.log"));
            assertTrue(log.contains("installing the leader's snapshot"), "the emptied follower was sent a snapshot");
        }
    }

    @Test
    void fiveNodesLoseTwoLeadersInARow() throws Exception {
        List<String> settings = List.of("tickTime=500", "initLimit=10", "syncLimit=5", "snapCount=1000");
        try (ProcessEnsemble ensemble = new ProcessEnsemble(dir, 5, 0, settings)) {
            ensemble.startAll();
            ensemble.awaitServing(SETTLE);
            try (WriteLoad load = new WriteLoad(ensemble.connectStringAll(), 3, 30_000, 100_000, 600_000)) {
                load.awaitProgress(100, 60_000);
                int first = ensemble.awaitServing(SETTLE);
                ensemble.kill9(first);
                int second = ensemble.awaitServing(SETTLE);
                load.awaitProgress(100, 60_000);
                ensemble.kill9(second);
                ensemble.awaitServing(SETTLE);
                load.awaitProgress(100, 60_000);
                ensemble.start(first);
                ensemble.start(second);
                ensemble.awaitServing(SETTLE);
                load.awaitProgress(50, 60_000);
                load.close();
                assertEquals(0, load.expiredSessions());
                assertEverywhere(ensemble, load.acknowledged());
            }
        }
    }

    /** Every acknowledged path exists on every running server, and they all agree on zxid and digest. */
    private static void assertEverywhere(ProcessEnsemble ensemble, Set<String> acknowledged) throws Exception {
        String digest = ensemble.awaitSameDigest(SETTLE);
        LOG.info("{} acknowledged writes; all servers at {}", acknowledged.size(), digest);
        for (int id = 1; id <= ensemble.size(); id++) {
            if (ensemble.process(id) == null) {
                continue;
            }
            try (ZooKeeper zk = Clients.connect(ensemble.connectString(id))) {
                CompletableFuture<Integer> synced = new CompletableFuture<>();
                zk.sync("/load", (rc, p, ctx) -> synced.complete(rc), null);
                assertEquals(0, synced.get(60, TimeUnit.SECONDS));
                Set<String> present = new HashSet<>();
                for (String child : zk.getChildren("/load", false)) {
                    present.add("/load/" + child);
                }
                Set<String> missing = new HashSet<>(acknowledged);
                missing.removeAll(present);
                assertEquals(Set.of(), missing, "acknowledged writes missing on server " + id);
            }
        }
    }

    private static void deleteRecursively(Path p) throws java.io.IOException {
        try (var walk = Files.walk(p)) {
            for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }
}
