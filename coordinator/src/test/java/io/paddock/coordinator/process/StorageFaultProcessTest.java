package io.paddock.coordinator.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.testkit.Clients;
import io.paddock.testkit.ProcessEnsemble;
import io.paddock.testkit.ServerProcess;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Storage faults with real server JVMs: a disk whose fsync fails stops the server with exit code 4
 * (never continuing with state it cannot make durable); a member whose newest snapshot is damaged
 * after a snapshot synchronization never serves the hole that fallback would leave, it resyncs.
 */
class StorageFaultProcessTest {
    private static final Duration SETTLE = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @Test
    void aFailingFsyncStopsTheServerWithExitCode4() throws Exception {
        Path fail = dir.resolve("fail-fsync");
        Path cfg = dir.resolve("zoo.cfg");
        Files.writeString(cfg, "tickTime=500\ndataDir=" + dir.resolve("data") + "\nclientPort=0\n"
                + "clientPortAddress=127.0.0.1\npaddock.faultInjection.fsyncFailFile=" + fail + "\n");
        Path log = dir.resolve("server.log");
        try (ServerProcess server = ServerProcess.start(cfg, log);
             ZooKeeper zk = Clients.connect(server.connectString())) {
            zk.create("/before", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            Files.createFile(fail);
            try {
                zk.create("/after", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            } catch (KeeperException expected) {
                // the server stops instead of acknowledging what is not durable
            }
            assertEquals(4, server.awaitExit(Duration.ofSeconds(60)), "exit code of a fatal storage error");
        }
        String text = Files.readString(log);
        assertTrue(text.contains("fatal error; the server stops"), text);
        assertTrue(text.contains("injected fsync failure"), text);
        // Restarted on a healthy disk it recovers everything acknowledged.
        Files.delete(fail);
        try (ServerProcess server = ServerProcess.start(cfg, dir.resolve("server2.log"));
             ZooKeeper zk = Clients.connect(server.connectString())) {
            assertNotNull(zk.exists("/before", false));
        }
    }

    @Test
    void aMemberWhoseNewestSnapshotIsDamagedAfterASnapSyncResyncsInsteadOfServingAHole() throws Exception {
        List<String> settings = List.of("tickTime=200", "initLimit=10", "syncLimit=5", "snapCount=50");
        try (ProcessEnsemble ensemble = new ProcessEnsemble(dir, 3, 0, settings)) {
            ensemble.startAll();
            int leader = ensemble.awaitServing(SETTLE);
            int follower = leader == 1 ? 2 : 1;
            ensemble.terminate(follower);
            try (ZooKeeper zk = Clients.connect(ensemble.connectString(leader))) {
                for (int i = 0; i < 400; i++) {
                    zk.create("/n" + i, new byte[100], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                }
                // far behind the leader's log: it is brought up to date with a snapshot
                ensemble.start(follower);
                ensemble.awaitServing(SETTLE);
                ensemble.awaitSameDigest(SETTLE);
                for (int i = 400; i < 420; i++) {
                    zk.create("/n" + i, new byte[100], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                }
                ensemble.awaitSameDigest(SETTLE);
                ensemble.terminate(follower);
                damageNewestSnapshot(ensemble.dataDir(follower).resolve("snapshots"));
                ensemble.start(follower);
                ensemble.awaitServing(SETTLE);
                ensemble.awaitSameDigest(SETTLE);
            }
            String log = Files.readString(ensemble.log(follower));
            assertTrue(log.contains("Skipping snapshot"), "the damaged snapshot was not noticed");
            // falling back to an older state meets the hole the snapshot sync left in the log
            assertTrue(log.contains("txn log hole"), "no hole detected:\n" + log);
            try (ZooKeeper zk = Clients.connect(ensemble.connectString(follower))) {
                for (int i = 0; i < 420; i++) {
                    assertNotNull(zk.exists("/n" + i, false), "/n" + i + " missing on the resynced member");
                }
            }
        }
    }

    /** Flips a byte in the middle of the newest snapshot file. */
    private static void damageNewestSnapshot(Path snapshots) throws Exception {
        Path newest;
        try (Stream<Path> files = Files.list(snapshots)) {
            newest = files.filter(p -> p.getFileName().toString().startsWith("snapshot."))
                    .max(Comparator.comparing(p -> p.getFileName().toString())).orElseThrow();
        }
        try (FileChannel ch = FileChannel.open(newest, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long at = ch.size() / 2;
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, at);
            b.put(0, (byte) (b.get(0) ^ 0x5A)).rewind();
            ch.write(b, at);
        }
    }
}
