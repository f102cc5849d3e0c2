package io.paddock.hdfs;

import io.paddock.testkit.Await;
import io.paddock.testkit.ProcessEnsemble;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.testkit.TcpProxy;
import io.paddock.coordinator.server.PaddockServer;
import io.paddock.coordinator.server.ServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stock ZKFC's weak spots, fixed: a coordinator disconnect rides through, an expired session is
 * replaced inside the daemon, and a fencing failure backs off instead of spinning every second.
 * Each controller reaches Paddock through its own TCP proxy so one can be cut off alone.
 */
class ControllerResilienceTest {
    @TempDir
    Path dir;
    PaddockServer paddock;
    HaCluster ha;
    TcpProxy[] proxy = new TcpProxy[2];
    FailoverController[] fc = new FailoverController[2];

    void start(boolean fencerSucceeds) throws Exception {
        paddock = PaddockServer.start(ServerConfig.builder().tickTimeMs(200).dataDir(dir.resolve("paddock"))
                .clientPort(0).build());
        ha = new HaCluster(dir.resolve("ha"), paddock.connectString(), fencerSucceeds);
        assertEquals(0, ha.formatZk());
        for (int i = 0; i < 2; i++) {
            proxy[i] = TcpProxy.start(paddock.connectString());
        }
        fc[0] = FailoverController.start(viaProxy(0));
        Await.until(Duration.ofSeconds(60), () -> ha.active() == 0);
        fc[1] = FailoverController.start(viaProxy(1));
        Await.until(Duration.ofSeconds(30), () -> "STANDBY".equals(fc[1].status().electorState()));
    }

    private Configuration viaProxy(int i) {
        Configuration c = ha.conf(i);
        c.set(ControllerConfig.ZK_QUORUM, proxy[i].connectString());
        return c;
    }

    @AfterEach
    void tearDown() throws Exception {
        for (FailoverController c : fc) {
            if (c != null) {
                c.stop();
            }
        }
        for (TcpProxy p : proxy) {
            if (p != null) {
                p.close();
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
    void disconnectRidesThroughAndExpiryIsReplacedInsideTheDaemon() throws Exception {
        start(true);
        int transitionsBefore = fc[0].status().transitions().size();
        long sessionBefore = sessionOf(fc[0]);

        // a disconnect shorter than the session timeout: nothing changes on the NameNodes
        proxy[0].cut();
        Await.until(Duration.ofSeconds(30), () -> fc[0].statusJson().contains("\"coordinator\":\"DISCONNECTED\""));
        proxy[0].restore();
        Await.until(Duration.ofSeconds(30), () -> "ACTIVE".equals(fc[0].status().electorState()));
        assertEquals(0, ha.active());
        assertEquals(transitionsBefore, fc[0].status().transitions().size(), fc[0].statusJson());
        assertEquals(sessionBefore, sessionOf(fc[0]));
        assertEquals(0, fc[0].status().counter("session_expiries"));

        // cut off for longer than the session timeout: the session expires, the other side takes
        // over (asking nn0 to step down), and when the link is back the daemon rejoins on a fresh
        // session as standby, without exiting
        proxy[0].cut();
        Await.until(Duration.ofSeconds(60), () -> ha.active() == 1);
        proxy[0].restore();
        Await.until(Duration.ofSeconds(60), () -> fc[0].status().counter("session_expiries") == 1
                && "STANDBY".equals(fc[0].status().electorState()));
        assertNotEquals(sessionBefore, sessionOf(fc[0]));
        assertEquals(1, ha.active());
        assertEquals(List.of(), ha.fenced(), "nn0 stepped down when asked");
        assertEquals(ha.id(0), fc[1].status().fencings().get(0).target());

        // the rejoined controller still works: fail back through it
        HaCluster.HaAdminResult back = ha.haadmin("-failover", ha.id(1), ha.id(0));
        assertEquals(0, back.code(), back.output());
        assertEquals(0, ha.active());

        // the active NameNode is moved to standby behind the controllers' backs (what
        // haadmin -transitionToStandby --forcemanual does): the lock holder notices, leaves the
        // election, and the pair elects an active again
        ha.dfs.transitionToStandby(0);
        Await.until(Duration.ofSeconds(60), () -> ha.active() >= 0);
        assertTrue(fc[0].status().transitions().stream()
                .anyMatch(t -> t.reason().equals("the NameNode left the active role by itself")), fc[0].statusJson());
    }

    @Test
    void fencingFailureBacksOffAndIsReportedAndNeverSpins() throws Exception {
        start(false);
        ha.dfs.shutdownNameNode(0);
        // nn0 is gone and the fencer fails: nn1 must not become active; attempts are spaced 1 s, 2 s, ...
        Await.until(Duration.ofSeconds(60), () -> fencerRuns() >= 3);
        assertEquals(-1, ha.active(), "never active without a successful fence");
        List<ControllerStatus.Fencing> shell = fc[1].status().fencings().stream()
                .filter(f -> f.method().startsWith("shell(")).toList();
        assertTrue(shell.size() >= 3, shell.toString());
        for (ControllerStatus.Fencing f : shell) {
            assertFalse(f.succeeded(), f.toString());
        }
        long gap1 = Duration.between(shell.get(0).at(), shell.get(1).at()).toMillis();
        long gap2 = Duration.between(shell.get(1).at(), shell.get(2).at()).toMillis();
        assertTrue(gap1 >= 1000, "first retry after " + gap1 + " ms");
        assertTrue(gap2 >= 2000, "second retry after " + gap2 + " ms");
        assertTrue(fc[1].status().counter("fencing_failures") >= 3);
        assertTrue(fc[1].statusJson().contains("\"method\":\"shell("), fc[1].statusJson());

        // nn0 comes back (as standby): the pair recovers by itself, one NameNode becomes active
        ha.dfs.restartNameNode(0);
        Await.until(Duration.ofSeconds(90), () -> ha.active() >= 0);
    }

    private int fencerRuns() {
        try {
            return ha.fenced().size();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static long sessionOf(FailoverController c) {
        String json = c.statusJson();
        int i = json.indexOf("\"sessionId\":\"0x") + 15;
        return Long.parseUnsignedLong(json.substring(i, json.indexOf('"', i)), 16);
    }
}
