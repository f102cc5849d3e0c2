package io.paddock.coordinator.ensemble;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.paddock.testkit.Clients;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An ensemble whose peer links prove a cluster secret elects, replicates and serves as any other. */
class EnsembleSecretTest {
    @TempDir
    Path dir;
    private Ensemble ensemble;

    @AfterEach
    void tearDown() {
        if (ensemble != null) {
            ensemble.close();
        }
    }

    @Test
    void membersProvingTheSameSecretFormAnEnsemble() throws Exception {
        Path secret = dir.resolve("quorum.secret");
        Files.writeString(secret, "a-cluster-secret-of-some-length\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        ensemble = new Ensemble(dir, 3, 0).quorumSecretFile(secret);
        ensemble.startAll();
        long leader = ensemble.awaitLeader(Duration.ofSeconds(30));
        long follower = leader == 1 ? 2 : 1;
        try (ZooKeeper viaFollower = Clients.connect(ensemble.connectString(follower));
             ZooKeeper viaLeader = Clients.connect(ensemble.connectString(leader))) {
            viaFollower.create("/s", "v".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            CompletableFuture<Integer> synced = new CompletableFuture<>();
            viaLeader.sync("/s", (rc, p, ctx) -> synced.complete(rc), null);
            assertEquals(0, synced.get(30, TimeUnit.SECONDS));
            assertArrayEquals("v".getBytes(), viaLeader.getData("/s", false, null));
        }
    }
}
