package io.paddock.coordinator.server;

import io.paddock.testkit.Clients;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With a tiny globalOutstandingLimit the server stops reading from sockets under a burst and
 * resumes; every request is still answered, in order, with no error.
 */
class ThrottleTest {
    @TempDir
    Path dir;

    @Test
    void aBurstFarAboveTheLimitCompletesInOrder() throws Exception {
        ServerConfig cfg = ConfigLoader.fromProperties(Map.of("dataDir", dir.toString(), "clientPort", "0",
                "clientPortAddress", "127.0.0.1", "globalOutstandingLimit", "8", "preAllocSize", "64"));
        int n = 3000;
        try (PaddockServer server = PaddockServer.start(cfg);
             ZooKeeper a = Clients.connect(server.connectString());
             ZooKeeper b = Clients.connect(server.connectString())) {
            CountDownLatch done = new CountDownLatch(2 * n);
            ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<String> orderA = new ConcurrentLinkedQueue<>();
            for (int i = 0; i < n; i++) {
                a.create("/a" + i, null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, (rc, p, c, name) -> {
                    if (rc != 0) {
                        errors.add(p + " " + rc);
                    }
                    orderA.add(name);
                    done.countDown();
                }, null);
                b.exists("/a" + i, false, (rc, p, c, stat) -> done.countDown(), null);
            }
            assertTrue(done.await(120, TimeUnit.SECONDS), "burst not completed");
            assertEquals(List.of(), List.copyOf(errors));
            int i = 0;
            for (String name : orderA) {
                assertEquals("/a" + i++, name, "replies in request order");
            }
            assertEquals(n, a.getAllChildrenNumber("/") - 3);
        }
    }
}
