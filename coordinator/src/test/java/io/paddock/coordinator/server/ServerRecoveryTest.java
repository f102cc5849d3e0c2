package io.paddock.coordinator.server;

import io.paddock.testkit.Clients;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.coordinator.storage.CorruptLogException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Restart paths of a whole server: snapshot + log replay, torn tail, mid-log corruption, purge. */
class ServerRecoveryTest {
    @TempDir
    Path dir;

    private ServerConfig config(Map<String, String> extra) {
        Map<String, String> m = new HashMap<>(Map.of("dataDir", dir.resolve("data").toString(), "clientPort", "0",
                "clientPortAddress", "127.0.0.1", "preAllocSize", "16", "tickTime", "200"));
        m.putAll(extra);
        return ConfigLoader.fromProperties(m);
    }

    private static Map<String, Stat> write(ZooKeeper zk, String prefix, int n) throws Exception {
        Map<String, Stat> stats = new HashMap<>();
        for (int i = 0; i < n; i++) {
            Stat s = new Stat();
            zk.create(prefix + i, ("v" + i).getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, s);
            stats.put(prefix + i, s);
        }
        return stats;
    }

    private static void assertPresent(ZooKeeper zk, Map<String, Stat> stats) throws Exception {
        for (Map.Entry<String, Stat> e : stats.entrySet()) {
            assertEquals(e.getValue(), zk.exists(e.getKey(), false), e.getKey());
        }
    }

    private Path logDir() {
        return dir.resolve("data").resolve(PaddockServer.LOG_DIR);
    }

    private List<Path> files(Path d, String prefix) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().toList();
        }
    }

    @Test
    void restartReplaysSnapshotThenLog() throws Exception {
        ServerConfig cfg = config(Map.of("snapCount", "50"));
        Map<String, Stat> stats;
        try (PaddockServer server = PaddockServer.start(cfg); ZooKeeper zk = Clients.connect(server.connectString())) {
            stats = write(zk, "/n", 180);
            zk.setData("/n0", "changed".getBytes(), 0);
            stats.put("/n0", zk.exists("/n0", false));
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (server.lastSnapshotZxid() < 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertTrue(server.lastSnapshotZxid() > 0, "a snapshot was taken");
        }
        assertTrue(files(dir.resolve("data").resolve(PaddockServer.SNAPSHOT_DIR), "snapshot.").size() >= 1);
        try (PaddockServer server = PaddockServer.start(cfg); ZooKeeper zk = Clients.connect(server.connectString())) {
            assertPresent(zk, stats);
            assertEquals("changed", new String(zk.getData("/n0", false, null)));
        }
    }

    /** Walks the records of a segment (16-byte header; records: int length, int crc, body) to the last one. */
    private static long lastRecordOffset(Path segment) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "r")) {
            long pos = 16;
            long last = -1;
            while (pos + 8 <= f.length()) {
                f.seek(pos);
                int len = f.readInt();
                if (len == 0) {
                    break;
                }
                last = pos;
                pos += 8 + len;
            }
            return last;
        }
    }

    @Test
    void tornLastRecordIsTruncatedAndTheRestServes() throws Exception {
        ServerConfig cfg = config(Map.of());
        Map<String, Stat> stats;
        try (PaddockServer server = PaddockServer.start(cfg); ZooKeeper zk = Clients.connect(server.connectString())) {
            stats = write(zk, "/t", 20);
            zk.create("/torn", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        }
        List<Path> segments = files(logDir(), "log.");
        Path last = segments.get(segments.size() - 1);
        long offset = lastRecordOffset(last);
        // The last record is the client's closeSession (written after /torn): damage it as a torn
        // write would, i.e. a record whose bytes never fully reached the disk.
        try (RandomAccessFile f = new RandomAccessFile(last.toFile(), "rw")) {
            f.seek(offset + 12);
            int b = f.read();
            f.seek(offset + 12);
            f.write(b ^ 0xFF);
        }
        try (PaddockServer server = PaddockServer.start(cfg); ZooKeeper zk = Clients.connect(server.connectString())) {
            assertPresent(zk, stats);
            assertNotNull(zk.exists("/torn", false), "only the torn closeSession record was dropped");
            zk.create("/after", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        }
        try (PaddockServer server = PaddockServer.start(cfg); ZooKeeper zk = Clients.connect(server.connectString())) {
            assertNotNull(zk.exists("/after", false), "appends after a truncated tail are durable");
        }
    }

    @Test
    void corruptionInTheMiddleRefusesToStartWithFileAndOffset() throws Exception {
        ServerConfig cfg = config(Map.of());
        try (PaddockServer server = PaddockServer.start(cfg); ZooKeeper zk = Clients.connect(server.connectString())) {
            write(zk, "/c", 10);
        }
        Path segment = files(logDir(), "log.").get(0);
        try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
            f.seek(16 + 12);
            int b = f.read();
            f.seek(16 + 12);
            f.write(b ^ 0x01);
        }
        CorruptLogException e = assertThrows(CorruptLogException.class, () -> PaddockServer.start(cfg));
        assertTrue(e.getMessage().contains(segment.getFileName().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("offset"), e.getMessage());
    }

    @Test
    void purgeKeepsThreeSnapshotsAndOnlyTheLogTheyNeed() throws Exception {
        ServerConfig cfg = config(Map.of("snapCount", "20", "paddock.logSegmentBytes", "2048"));
        Map<String, Stat> stats;
        try (PaddockServer server = PaddockServer.start(cfg); ZooKeeper zk = Clients.connect(server.connectString())) {
            stats = new HashMap<>();
            for (int batch = 0; batch < 8; batch++) {
                long before = server.lastSnapshotZxid();
                stats.putAll(write(zk, "/p" + batch + "-", 25));
                long deadline = System.nanoTime() + 30_000_000_000L;
                while (server.lastSnapshotZxid() == before && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
            }
            Path snaps = dir.resolve("data").resolve(PaddockServer.SNAPSHOT_DIR);
            assertTrue(files(snaps, "snapshot.").size() > 3);
            int segmentsBefore = files(logDir(), "log.").size();
            server.purgeNow();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while ((files(snaps, "snapshot.").size() != 3 || files(logDir(), "log.").size() >= segmentsBefore)
                    && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertEquals(3, files(snaps, "snapshot.").size());
            assertTrue(files(logDir(), "log.").size() < segmentsBefore, "old segments purged");
        }
        try (PaddockServer server = PaddockServer.start(cfg); ZooKeeper zk = Clients.connect(server.connectString())) {
            assertPresent(zk, stats);
        }
    }

    @Test
    void refusesAnotherClustersDataDirectory() throws Exception {
        try (PaddockServer server = PaddockServer.start(config(Map.of("paddock.clusterId", "east")))) {
            assertNotNull(server.connectString());
        }
        IOException e = assertThrows(IOException.class,
                () -> PaddockServer.start(config(Map.of("paddock.clusterId", "west"))));
        assertTrue(e.getMessage().contains("east") && e.getMessage().contains("west"), e.getMessage());
    }

    @Test
    void sessionsSurviveARestart() throws Exception {
        ServerConfig cfg = config(Map.of("maxSessionTimeout", "30000"));
        long session;
        try (PaddockServer server = PaddockServer.start(cfg)) {
            ZooKeeper zk = Clients.connect(server.connectString(), 30_000, null);
            zk.create("/eph", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
            session = zk.getSessionId();
            byte[] password = zk.getSessionPasswd();
            server.close();
            try (PaddockServer again = PaddockServer.start(cfg);
                 ZooKeeper same = new ZooKeeper(again.connectString(), 30_000, e -> { }, session, password)) {
                long deadline = System.nanoTime() + 30_000_000_000L;
                while (same.getState() != ZooKeeper.States.CONNECTED && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                assertEquals(session, same.getSessionId());
                assertEquals(session, same.exists("/eph", false).getEphemeralOwner());
                same.close();
                try (ZooKeeper other = Clients.connect(again.connectString())) {
                    assertNull(other.exists("/eph", false), "closing the re-attached session removed its ephemeral");
                }
            }
            zk.close();
        }
    }
}
