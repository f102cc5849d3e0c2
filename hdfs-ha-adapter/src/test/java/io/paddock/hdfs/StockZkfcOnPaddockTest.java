package io.paddock.hdfs;

import io.paddock.testkit.hdfs.HaCluster;
import io.paddock.testkit.hdfs.StockZkfc;
import io.paddock.testkit.Await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.coordinator.server.PaddockServer;
import io.paddock.coordinator.server.ServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hadoop's stock ZKFC on a Paddock coordinator: two stock controllers, and a mixed fleet of one
 * stock and one Paddock controller on the same nameservice (the migration path).
 */
class StockZkfcOnPaddockTest {
    @TempDir
    Path dir;
    PaddockServer paddock;
    HaCluster ha;

    @BeforeEach
    void setUp() throws Exception {
        paddock = PaddockServer.start(ServerConfig.builder().tickTimeMs(200).dataDir(dir.resolve("paddock"))
                .clientPort(0).build());
        ha = new HaCluster(dir.resolve("ha"), paddock.connectString());
    }

    @AfterEach
    void tearDown() {
        if (ha != null) {
            ha.close();
        }
        if (paddock != null) {
            paddock.close();
        }
    }

    @Test
    void twoStockControllersElectFailOverAndSurviveAnActiveDeath() throws Exception {
        assertEquals(0, StockZkfc.formatZk(ha.conf(0)));
        try (StockZkfc z0 = new StockZkfc(ha.conf(0))) {
            Await.until(Duration.ofSeconds(60), () -> ha.active() == 0);
            try (StockZkfc z1 = new StockZkfc(ha.conf(1))) {
                // haadmin both ways (gracefulFailover and cedeActive over the stock RPC)
                HaCluster.HaAdminResult to1 = awaitFailover(ha.id(0), ha.id(1));
                assertEquals(1, ha.active(), to1.output());
                HaCluster.HaAdminResult to0 = awaitFailover(ha.id(1), ha.id(0));
                assertEquals(0, ha.active(), to0.output());

                ha.dfs.shutdownNameNode(0);
                Await.until(Duration.ofSeconds(60), () -> ha.active() == 1);
                assertEquals(List.of(ha.id(0)), ha.fenced());
                assertTrue(z0.running() && z1.running(), "stock controllers keep running");
            }
        }
    }

    @Test
    void mixedFleetStockAndPaddockControllersFailOverBothWays() throws Exception {
        assertEquals(0, ControllerCommands.formatZk(ha.conf(0)));
        FailoverController paddockFc = null;
        try (StockZkfc stock = new StockZkfc(ha.conf(0))) {
            Await.until(Duration.ofSeconds(60), () -> ha.active() == 0);
            paddockFc = FailoverController.start(ha.conf(1));
            FailoverController fc = paddockFc;
            // the elector's state shows STANDBY before the controller has moved its NameNode and read
            // the current active, so wait for both
            Await.until(Duration.ofSeconds(30), () -> "STANDBY".equals(fc.status().electorState())
                    && fc.status().currentActive() != null);
            assertEquals(ha.id(0), fcCurrentActive(fc), "the Paddock controller reads the stock controller's lock data");

            // to the Paddock side: its gracefulFailover asks the stock controller to cedeActive
            HaCluster.HaAdminResult to1 = awaitFailover(ha.id(0), ha.id(1));
            assertEquals(1, ha.active(), to1.output());
            assertEquals("ACTIVE", fc.status().electorState());
            // and back: the stock gracefulFailover asks the Paddock controller to cedeActive
            HaCluster.HaAdminResult to0 = awaitFailover(ha.id(1), ha.id(0));
            assertEquals(0, ha.active(), to0.output());
            Await.until(Duration.ofSeconds(30), () -> "STANDBY".equals(fc.status().electorState()));

            // automatic failover from the stock side to the Paddock side
            ha.dfs.shutdownNameNode(0);
            Await.until(Duration.ofSeconds(60), () -> ha.active() == 1);
            assertEquals(List.of(ha.id(0)), ha.fenced());
        } finally {
            if (paddockFc != null) {
                paddockFc.stop();
            }
        }
    }

    private static String fcCurrentActive(FailoverController fc) {
        String json = fc.statusJson();
        int i = json.indexOf("\"currentActive\":\"");
        return i < 0 ? null : json.substring(i + 17, json.indexOf('"', i + 17));
    }

    private HaCluster.HaAdminResult awaitFailover(String from, String to) throws Exception {
        HaCluster.HaAdminResult r = ha.awaitFailover(from, to);
        assertEquals(0, r.code(), r.output());
        return r;
    }
}
