package io.paddock.hdfs;

import io.paddock.testkit.hdfs.HaCluster;
import io.paddock.testkit.Await;
import io.paddock.testkit.ProcessEnsemble;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.coordinator.server.PaddockServer;
import io.paddock.coordinator.server.ServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An observer NameNode's controller never puts it in the election (HDFS-14961, HDFS-15023). */
class ObserverNameNodeTest {
    @TempDir
    Path dir;

    @Test
    void observerIsNeverElectedEvenWhenItIsTheLastNameNodeUp() throws Exception {
        FailoverController[] fc = new FailoverController[3];
        try (PaddockServer paddock = PaddockServer.start(ServerConfig.builder().tickTimeMs(200)
                .dataDir(dir.resolve("paddock")).clientPort(0).build());
                HaCluster ha = new HaCluster(dir.resolve("ha"), paddock.connectString(), true, 3, c -> { })) {
            assertEquals(0, ControllerCommands.formatZk(ha.conf(0)));
            ha.dfs.transitionToObserver(2);
            try {
                for (int i = 0; i < 3; i++) {
                    fc[i] = FailoverController.start(ha.conf(i));
                }
                Await.until(Duration.ofSeconds(60), () -> ha.active() == 0 || ha.active() == 1);
                Await.until(Duration.ofSeconds(30), () -> fc[2].statusJson().contains("\"localState\":\"OBSERVER\""));
                assertEquals("NOT_IN_ELECTION", fc[2].status().electorState());

                int first = ha.active();
                int second = 1 - first;
                Await.until(Duration.ofSeconds(30), () -> "STANDBY".equals(fc[second].status().electorState()));
                ha.dfs.shutdownNameNode(first);
                Await.until(Duration.ofSeconds(60), () -> ha.active() == second);

                // the last non-observer goes too: once its controller has left the election, nobody is active
                ha.dfs.shutdownNameNode(second);
                Await.until(Duration.ofSeconds(60), () -> "NOT_IN_ELECTION".equals(fc[second].status().electorState())
                        && "SERVICE_NOT_RESPONDING".equals(fc[second].status().health()));
                assertEquals(-1, ha.active());
                assertTrue(ha.dfs.getNameNode(2).isObserverState());
                assertEquals("NOT_IN_ELECTION", fc[2].status().electorState());
                assertEquals(0, fc[2].status().transitions().size(), fc[2].statusJson());
            } finally {
                for (FailoverController c : fc) {
                    if (c != null) {
                        c.stop();
                    }
                }
            }
        }
    }
}
