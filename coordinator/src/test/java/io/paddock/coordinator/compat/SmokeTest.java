package io.paddock.coordinator.compat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.paddock.coordinator.server.ConfigLoader;
import io.paddock.coordinator.server.PaddockServer;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmokeTest {
    @TempDir
    Path dir;

    @Test
    void createAndRead() throws Exception {
        try (PaddockServer server = PaddockServer.start(ConfigLoader.fromProperties(Map.of(
                "dataDir", dir.toString(), "clientPort", "0", "preAllocSize", "64")))) {
            CountDownLatch connected = new CountDownLatch(1);
            ZooKeeper zk = new ZooKeeper(server.connectString(), 30000, e -> {
                if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                    connected.countDown();
                }
            });
            connected.await(30, TimeUnit.SECONDS);
            zk.create("/a", "x".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            Stat stat = new Stat();
            assertArrayEquals("x".getBytes(), zk.getData("/a", false, stat));
            assertEquals(0, stat.getVersion());
            zk.close();
        }
    }
}
