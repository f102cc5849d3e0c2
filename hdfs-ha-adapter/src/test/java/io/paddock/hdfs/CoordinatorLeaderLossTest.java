package io.paddock.hdfs;

import io.paddock.testkit.hdfs.HaCluster;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.paddock.testkit.Await;
import io.paddock.testkit.ProcessEnsemble;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordinator's leader is {@code kill -9}ed while HDFS is steady (3 Paddock JVMs, tickTime 2000,
 * syncLimit 5, Hadoop's default 10 s controller session): the controllers' sessions move to the
 * surviving servers and no NameNode changes state.
 */
class CoordinatorLeaderLossTest {
    @TempDir
    Path dir;

    @Test
    void paddockLeaderLossChangesNoNameNodeState() throws Exception {
        try (ProcessEnsemble ensemble = new ProcessEnsemble(dir.resolve("paddock"), 3, 0,
                List.of("tickTime=2000", "initLimit=10", "syncLimit=5"))) {
            ensemble.startAll();
            int leader = ensemble.awaitServing(Duration.ofSeconds(60));
            FailoverController[] fc = new FailoverController[2];
            try (HaCluster ha = new HaCluster(dir.resolve("ha"), ensemble.connectStringAll(), true,
                    c -> c.setInt(ControllerConfig.ZK_SESSION_TIMEOUT, 10_000))) {
                assertEquals(0, ControllerCommands.formatZk(ha.conf(0)));
                try {
                    fc[0] = FailoverController.start(ha.conf(0));
                    Await.until(Duration.ofSeconds(60), () -> ha.active() == 0);
                    fc[1] = FailoverController.start(ha.conf(1));
                    Await.until(Duration.ofSeconds(30), () -> "STANDBY".equals(fc[1].status().electorState()));
                    long[] transitions = {transitions(fc[0]), transitions(fc[1])};

                    ensemble.kill9(leader);
                    ensemble.awaitServing(Duration.ofSeconds(60));
                    // every server closes its clients when it leaves the old epoch; wait until both
                    // controllers have been through a disconnect and are connected again
                    Await.until(Duration.ofSeconds(60), () -> rejoined(fc[0]) && rejoined(fc[1]));
                    // and until each has held or followed the lock again in the new epoch
                    Await.until(Duration.ofSeconds(30), () -> "ACTIVE".equals(fc[0].status().electorState())
                            && "STANDBY".equals(fc[1].status().electorState()));

                    assertEquals(0, ha.active(), "the active NameNode stays active");
                    assertEquals(transitions[0], transitions(fc[0]), fc[0].statusJson());
                    assertEquals(transitions[1], transitions(fc[1]), fc[1].statusJson());
                    assertEquals(0, fc[0].status().counter("session_expiries"));
                    assertEquals(0, fc[1].status().counter("session_expiries"));
                    assertEquals(0, fc[1].status().fencings().size());
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

    private static long transitions(FailoverController fc) {
        return fc.status().transitions().size();
    }

    private static boolean rejoined(FailoverController fc) {
        String json = fc.statusJson();
        return fc.status().counter("coordinator_disconnects") >= 1 && json.contains("\"coordinator\":\"CONNECTED\"");
    }

}
