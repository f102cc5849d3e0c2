package io.paddock.coordinator.process;

import io.paddock.testkit.Clients;
import io.paddock.testkit.ServerProcess;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server in a child JVM under a steady pipelined write load is killed with SIGKILL at
 * seed-chosen points; after each restart every write the client saw acknowledged must be there with
 * the same data and Stat. Small snapCount and log segments make the kills land before, during and
 * after snapshots and segment rolls.
 */
class CrashRecoveryTest {
    private static final int ROUNDS = 4;
    private static final int WINDOW = 64;

    @TempDir
    Path dir;

    private record Acked(byte[] data, Stat stat) {}

    @Test
    void killNineLosesNoAcknowledgedWrite() throws Exception {
        Path cfg = dir.resolve("zoo.cfg");
        Files.writeString(cfg, String.join("\n",
                "tickTime=500",
                "dataDir=" + dir.resolve("data"),
                "clientPort=0",
                "clientPortAddress=127.0.0.1",
                "snapCount=150",
                "preAllocSize=64",
                "paddock.logSegmentBytes=65536",
                "maxSessionTimeout=20000",
                ""));
        Path log = dir.resolve("server.log");
        Random random = new Random(20261122L);
        Map<String, Acked> acked = new ConcurrentHashMap<>();
        Map<String, byte[]> sentUpdate = new ConcurrentHashMap<>();
        for (int round = 0; round < ROUNDS; round++) {
            ServerProcess server = ServerProcess.start(cfg, log);
            try (ZooKeeper zk = Clients.connect(server.connectString(), 20_000, null)) {
                verify(zk, acked, sentUpdate);
                int target = 100 + random.nextInt(400);
                AtomicInteger done = new AtomicInteger();
                CountDownLatch reached = new CountDownLatch(1);
                Semaphore window = new Semaphore(WINDOW);
                // Pipelined async writes: creates of new nodes and setData on earlier ones.
                for (int i = 0; i < 100_000 && reached.getCount() > 0; i++) {
                    if (!window.tryAcquire(30, TimeUnit.SECONDS)) {
                        break;
                    }
                    String path = "/r" + round + "-" + i;
                    byte[] data = (path + ":" + random.nextInt()).getBytes(StandardCharsets.UTF_8);
                    if (i % 3 == 2 && !acked.isEmpty()) {
                        String target0 = "/r" + round + "-" + (i - 2);
                        sentUpdate.put(target0, data);
                        zk.setData(target0, data, -1, (rc, p, ctx, stat) -> {
                            if (rc == 0) {
                                acked.put(p, new Acked(data, stat));
                            }
                            window.release();
                            if (done.incrementAndGet() >= target) {
                                reached.countDown();
                            }
                        }, null);
                    } else {
                        zk.create(path, data, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, (rc, p, ctx, name, stat) -> {
                            if (rc == 0) {
                                acked.put(p, new Acked(data, stat));
                            }
                            window.release();
                            if (done.incrementAndGet() >= target) {
                                reached.countDown();
                            }
                        }, null);
                    }
                }
                assertTrue(reached.await(60, TimeUnit.SECONDS), "write load stalled");
                // Kill while writes are still in flight.
                server.kill9();
            } finally {
                server.close();
            }
        }
        ServerProcess last = ServerProcess.start(cfg, log);
        try (ZooKeeper zk = Clients.connect(last.connectString(), 20_000, null)) {
            verify(zk, acked, sentUpdate);
            assertTrue(acked.size() > ROUNDS * 50, "the load acknowledged too little to prove anything: " + acked.size());
        } finally {
            assertEquals(0, last.terminate(), "SIGTERM is a clean stop");
        }
    }

    /**
     * Every acknowledged write is present with the acknowledged data and Stat, or, where the client
     * had sent a later setData that was not acknowledged before the kill, with exactly that update
     * applied on top (durable but unacknowledged writes may survive; acknowledged ones must).
     */
    private static void verify(ZooKeeper zk, Map<String, Acked> acked, Map<String, byte[]> sentUpdate)
            throws KeeperException, InterruptedException {
        for (Map.Entry<String, Acked> e : acked.entrySet()) {
            Stat stat = new Stat();
            byte[] data;
            try {
                data = zk.getData(e.getKey(), false, stat);
            } catch (KeeperException.NoNodeException missing) {
                throw new AssertionError("acknowledged node lost: " + e.getKey());
            }
            Acked a = e.getValue();
            assertNotNull(data);
            if (java.util.Arrays.equals(a.data(), data)) {
                assertEquals(a.stat(), stat, "Stat of " + e.getKey());
            } else {
                assertArrayEquals(sentUpdate.get(e.getKey()), data, "data of " + e.getKey());
                assertEquals(a.stat().getVersion() + 1, stat.getVersion(), "version of " + e.getKey());
                assertEquals(a.stat().getCzxid(), stat.getCzxid(), "czxid of " + e.getKey());
                assertTrue(stat.getMzxid() > a.stat().getMzxid(), "mzxid of " + e.getKey());
                acked.put(e.getKey(), new Acked(data, stat));
            }
        }
    }
}
