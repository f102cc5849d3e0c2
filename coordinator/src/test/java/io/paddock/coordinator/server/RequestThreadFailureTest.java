package io.paddock.coordinator.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.coordinator.request.ApplyObserver;
import io.paddock.coordinator.txn.Txn;
import io.paddock.coordinator.txn.TxnEntry;
import io.paddock.testkit.Await;
import io.paddock.testkit.Clients;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An unexpected error on the request thread (here: while applying a committed txn) stops the server
 * instead of being logged and ignored with half-applied state; the txn is in the log, so a restart
 * applies it and nothing acknowledged or committed is lost.
 */
class RequestThreadFailureTest {
    @TempDir
    Path dir;

    @Test
    void anErrorWhileApplyingStopsTheServerAndARestartAppliesTheTxn() throws Exception {
        ServerConfig cfg = ConfigLoader.fromProperties(Map.of("dataDir", dir.resolve("data").toString(),
                "clientPort", "0", "clientPortAddress", "127.0.0.1", "preAllocSize", "16", "tickTime", "200"));
        IllegalStateException planted = new IllegalStateException("planted apply failure");
        ApplyObserver failOnBoom = (zxid, entry, digest) -> {
            if (entry.txn() instanceof Txn.Create c && c.path().equals("/boom")) {
                throw planted;
            }
        };
        ServerEnvironment prod = ServerEnvironment.production();
        ServerEnvironment env = new ServerEnvironment(prod.clock(), prod.entropy(), prod.scheduler(), prod.disk(),
                prod.network(), failOnBoom, prod.defect(), prod.zabDefect());
        PaddockServer server = PaddockServer.start(cfg, QuorumConfig.standalone(), env);
        try (ZooKeeper zk = Clients.connect(server.connectString())) {
            zk.create("/before", "b".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                    CreateMode.PERSISTENT);
            KeeperException e = assertThrows(KeeperException.class, () -> zk.create("/boom", new byte[0],
                    ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
            assertEquals(KeeperException.Code.CONNECTIONLOSS, e.code(), "the server stops without answering");
            Await.until(Duration.ofSeconds(30), "the server to stop", server::failed);
            server.awaitStop();
            assertTrue(server.failure() == planted, String.valueOf(server.failure()));
        } finally {
            server.close();
        }
        try (PaddockServer restarted = PaddockServer.start(cfg);
             ZooKeeper zk = Clients.connect(restarted.connectString())) {
            assertArrayEquals("b".getBytes(StandardCharsets.UTF_8), zk.getData("/before", false, null));
            assertEquals(0, zk.exists("/boom", false).getVersion(), "the logged txn is applied on restart");
        }
    }
}
