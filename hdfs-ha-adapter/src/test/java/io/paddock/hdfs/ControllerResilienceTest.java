package io.paddock.hdfs;

import io.paddock.testkit.hdfs.HaCluster;
import io.paddock.testkit.Await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stock ZKFC's weak spots, fixed: a coordinator disconnect rides through, an expired session is
 * replaced inside the daemon, and a fencing failure backs off instead of spinning every second.
 */
class ControllerResilienceTest {
    @TempDir
    Path dir;
    ProxiedControllers pair;

    @AfterEach
    void tearDown() throws Exception {
        if (pair != null) {
            pair.close();
        }
    }

    @Test
    void disconnectRidesThroughAndExpiryIsReplacedInsideTheDaemon() throws Exception {
        pair = new ProxiedControllers(dir, true, c -> { });
        pair.startBoth();
        HaCluster ha = pair.ha;
        FailoverController[] fc = pair.fc;
        int transitionsBefore = fc[0].status().transitions().size();
        long sessionBefore = fc[0].status().sessionId();

        // a disconnect shorter than the session timeout: nothing changes on the NameNodes
        pair.proxy[0].cut();
        Await.until(Duration.ofSeconds(30), () -> "DISCONNECTED".equals(fc[0].status().coordinator()));
        pair.proxy[0].restore();
        Await.until(Duration.ofSeconds(30), () -> "ACTIVE".equals(fc[0].status().electorState()));
        assertEquals(0, ha.active());
        assertEquals(transitionsBefore, fc[0].status().transitions().size(), fc[0].statusJson());
        assertEquals(sessionBefore, fc[0].status().sessionId());
        assertEquals(0, fc[0].status().counter("session_expiries"));

        // cut off for longer than the session timeout: the session expires, the other side takes
        // over (asking nn0 to step down), and when the link is back the daemon rejoins on a fresh
        // session as standby, without exiting
        pair.proxy[0].cut();
        Await.until(Duration.ofSeconds(60), () -> ha.active() == 1);
        pair.proxy[0].restore();
        Await.until(Duration.ofSeconds(60), () -> fc[0].status().counter("session_expiries") == 1
                && "STANDBY".equals(fc[0].status().electorState()));
        assertNotEquals(sessionBefore, fc[0].status().sessionId());
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
        pair = new ProxiedControllers(dir, false, c -> { });
        pair.startBoth();
        HaCluster ha = pair.ha;
        FailoverController[] fc = pair.fc;
        ha.dfs.shutdownNameNode(0);
        // nn0 is gone and the fencer fails: nn1 must not become active; attempts are spaced 1 s, 2 s, ...
        // (waiting for the third failure to be recorded and the back-off after it to begin)
        Await.until(Duration.ofSeconds(60), () -> shellFencings(fc[1]).size() >= 3
                && "BACKING_OFF".equals(fc[1].status().electorState()));
        assertEquals(-1, ha.active(), "never active without a successful fence");
        assertTrue(fencerRuns(ha) >= 3);
        List<ControllerStatus.Fencing> shell = shellFencings(fc[1]);
        for (ControllerStatus.Fencing f : shell) {
            assertFalse(f.succeeded(), f.toString());
        }
        long gap1 = Duration.between(shell.get(0).at(), shell.get(1).at()).toMillis();
        long gap2 = Duration.between(shell.get(1).at(), shell.get(2).at()).toMillis();
        assertTrue(gap1 >= 1000, "first retry after " + gap1 + " ms");
        assertTrue(gap2 >= 2000, "second retry after " + gap2 + " ms");
        assertTrue(fc[1].status().counter("fencing_failures") >= 3);
        assertTrue(fc[1].statusJson().contains("\"method\":\"shell("), fc[1].statusJson());

        // another controller takes the lock during the back-off (here the test's own session with
        // nn0's data, as nn0's controller would write it): nn1's controller follows it at once and
        // keeps its NameNode standby, instead of noticing only when its back-off (4 s now) ends
        Instant taken = Instant.now();
        pair.zk.create(ProxiedControllers.LOCK, pair.electionData(0), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        Await.until(Duration.ofSeconds(30), () -> fc[1].status().transitions().stream()
                .anyMatch(t -> t.to().equals("STANDBY") && !t.at().isBefore(taken)));
        assertEquals("BACKING_OFF", fc[1].status().electorState(), fc[1].statusJson());
        assertEquals(ha.id(0), fc[1].status().currentActive());
        pair.zk.delete(ProxiedControllers.LOCK, -1);

        // nn0 comes back (as standby): the pair recovers by itself, one NameNode becomes active
        ha.dfs.restartNameNode(0);
        Await.until(Duration.ofSeconds(90), () -> ha.active() >= 0);
    }

    private static List<ControllerStatus.Fencing> shellFencings(FailoverController fc) {
        return fc.status().fencings().stream().filter(f -> f.method().startsWith("shell(")).toList();
    }

    private static int fencerRuns(HaCluster ha) {
        try {
            return ha.fenced().size();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
