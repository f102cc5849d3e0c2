package io.paddock.hdfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.coordinator.server.PaddockServer;
import io.paddock.coordinator.server.ServerConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two Paddock failover controllers guarding a real HDFS HA pair on a Paddock coordinator. */
class PaddockControllerTest {
    @TempDir
    Path dir;
    PaddockServer paddock;
    HaCluster ha;
    FailoverController[] fc = new FailoverController[2];

    @BeforeEach
    void setUp() throws Exception {
        paddock = PaddockServer.start(ServerConfig.builder().tickTimeMs(200).dataDir(dir.resolve("paddock"))
                .clientPort(0).build());
        ha = new HaCluster(dir.resolve("ha"), paddock.connectString());
        assertEquals(0, FailoverControllerMain.run(ha.conf(0), new String[] {"-formatZK", "-nonInteractive"},
                new ByteArrayInputStream(new byte[0]), System.out, System.err));
    }

    @AfterEach
    void tearDown() throws Exception {
        for (FailoverController c : fc) {
            if (c != null) {
                c.stop();
            }
        }
        if (ha != null) {
            ha.close();
        }
        if (paddock != null) {
            paddock.close();
        }
    }

    @Test
    void electsOneActiveAndFailsOverWithHaadmin() throws Exception {
        fc[0] = FailoverController.start(ha.conf(0));
        fc[1] = FailoverController.start(ha.conf(1));
        HaCluster.await(Duration.ofSeconds(60), () -> ha.active() >= 0);
        int first = ha.active();
        int other = 1 - first;
        HaCluster.await(Duration.ofSeconds(30), () -> "STANDBY".equals(fc[other].status().electorState()));

        String firstId = ha.id(first);
        String otherId = ha.id(other);
        HaCluster.HaAdminResult st = ha.haadmin("-getServiceState", firstId);
        assertEquals(0, st.code(), st.output());
        assertEquals("active", st.output().trim());
        HaCluster.HaAdminResult all = ha.haadmin("-getAllServiceState");
        assertEquals(0, all.code(), all.output());
        assertTrue(all.output().matches("(?s).*:\\d+\\s+active\\s.*"), all.output());
        assertTrue(all.output().matches("(?s).*:\\d+\\s+standby\\s.*"), all.output());

        // manual transitions are refused while automatic failover owns the pair
        HaCluster.HaAdminResult manual = ha.haadmin("-transitionToActive", otherId);
        assertNotEquals(0, manual.code(), manual.output());
        assertTrue(manual.output().contains("Refusing to manually manage HA state"), manual.output());

        HaCluster.HaAdminResult failover = ha.haadmin("-failover", firstId, otherId);
        assertEquals(0, failover.code(), failover.output());
        assertTrue(failover.output().contains("Failover to NameNode at"), failover.output());
        assertEquals(other, ha.active());
        HaCluster.await(Duration.ofSeconds(30), () -> "STANDBY".equals(fc[first].status().electorState()));

        HaCluster.HaAdminResult back = ha.haadmin("-failover", otherId, firstId);
        assertEquals(0, back.code(), back.output());
        assertEquals(first, ha.active());
        assertEquals("[]", ha.fenced().toString(), "graceful failovers never need the fencer");
    }
}
