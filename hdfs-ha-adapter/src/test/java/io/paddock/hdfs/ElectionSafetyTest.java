package io.paddock.hdfs;

import io.paddock.testkit.hdfs.HaCluster;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.testkit.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher.Event.EventType;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The election's corner cases that could leave the nameservice without an active NameNode, or with
 * two: health reports queued behind a slow fence, election znodes deleted under the active, a
 * session replaced twice, a failover whose target turns unhealthy.
 */
class ElectionSafetyTest {
    @TempDir
    Path dir;
    ProxiedControllers pair;

    @AfterEach
    void tearDown() throws Exception {
        if (pair != null) {
            pair.close();
        }
    }

    /**
     * A fencer that takes 1 s: the new active's health thread keeps reporting "standby" meanwhile, and
     * those reports are handled only after the transition. Counting them as "the NameNode left the
     * active role" would make the new active leave the election at once. The dead NameNode's port
     * refuses connections, so it is not asked to step down first: the fencing method runs at once.
     */
    @Test
    void slowFencingDoesNotMakeTheNewActiveLeaveTheElection() throws Exception {
        pair = new ProxiedControllers(dir, true, c -> c.set(ControllerConfig.FENCING_METHODS,
                c.get(ControllerConfig.FENCING_METHODS).replace("shell(", "shell(sleep 1; ")));
        pair.startBoth();
        HaCluster ha = pair.ha;
        FailoverController fc = pair.fc[1];
        ha.dfs.shutdownNameNode(0);
        Await.until(Duration.ofSeconds(60), () -> ha.active() == 1);
        // about 3 s of health checks (every 200 ms) after the new active: far more than were queued
        long checks = fc.status().counter("health_checks");
        Await.until(Duration.ofSeconds(60), () -> fc.status().counter("health_checks") >= checks + 15);

        assertEquals(1, ha.active());
        assertEquals("ACTIVE", fc.status().electorState(), fc.statusJson());
        assertEquals(1, fc.status().counter("elections_won"), fc.statusJson());
        Stat lock = pair.zk.exists(ProxiedControllers.LOCK, false);
        assertEquals(fc.status().sessionId(), lock.getEphemeralOwner(), "the lock owner did not change");
        assertFalse(fc.status().transitions().stream()
                .anyMatch(t -> t.reason().equals("the NameNode left the active role by itself")), fc.statusJson());

        List<ControllerStatus.Fencing> fencing = fc.status().fencings();
        assertEquals(2, fencing.size(), fencing.toString());
        assertFalse(fencing.get(0).succeeded(), fencing.toString());
        assertTrue(fencing.get(0).detail().contains("refuses connections"), fencing.toString());
        assertTrue(fencing.get(1).succeeded() && fencing.get(1).method().startsWith("shell("), fencing.toString());
        assertEquals(List.of(ha.id(0)), ha.fenced());
    }

    /**
     * Both election znodes vanish under the active controller (what {@code -formatZK -force} or a
     * hand-made delete does): it takes the lock again and writes its breadcrumb again, so when it is
     * later cut off past its session timeout, the other controller fences its NameNode before
     * activating its own; there is never a second active NameNode. Without the parent znode it cannot
     * take the lock at all, and its NameNode steps down until it can.
     */
    @Test
    void electionZnodesDeletedUnderTheActiveComeBackWithTheBreadcrumb() throws Exception {
        pair = new ProxiedControllers(dir, true, c -> { });
        HaCluster ha = pair.ha;
        FailoverController fc0 = pair.start(0);
        Await.until(Duration.ofSeconds(60), () -> ha.active() == 0 && "ACTIVE".equals(fc0.status().electorState()));
        byte[] crumb = pair.zk.getData(ProxiedControllers.BREADCRUMB, false, null);
        assertArrayEquals(pair.electionData(0), crumb);

        pair.zk.multi(List.of(Op.delete(ProxiedControllers.LOCK, -1), Op.delete(ProxiedControllers.BREADCRUMB, -1)));
        Await.until(Duration.ofSeconds(30), () -> {
            try {
                Stat lock = pair.zk.exists(ProxiedControllers.LOCK, false);
                return lock != null && lock.getEphemeralOwner() == fc0.status().sessionId()
                        && pair.zk.exists(ProxiedControllers.BREADCRUMB, false) != null;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertArrayEquals(crumb, pair.zk.getData(ProxiedControllers.BREADCRUMB, false, null));
        assertEquals(0, ha.active());

        // the election's parent znode goes too: the lock cannot be taken again, so the NameNode steps
        // down rather than stay active outside the election with no breadcrumb naming it; once the
        // parent is back, the controller is elected again after its back-off
        pair.zk.multi(List.of(Op.delete(ProxiedControllers.LOCK, -1), Op.delete(ProxiedControllers.BREADCRUMB, -1),
                Op.delete(ProxiedControllers.ELECTION, -1)));
        Await.until(Duration.ofSeconds(30), () -> ha.active() == -1);
        pair.zk.create(ProxiedControllers.ELECTION, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        Await.until(Duration.ofSeconds(30), () -> ha.active() == 0 && "ACTIVE".equals(fc0.status().electorState()));
        assertArrayEquals(crumb, pair.zk.getData(ProxiedControllers.BREADCRUMB, false, null));

        FailoverController fc1 = pair.start(1);
        Await.until(Duration.ofSeconds(30), () -> "STANDBY".equals(fc1.status().electorState()));
        pair.proxy[0].cut();
        // HaCluster.active() fails the wait at once if both NameNodes are ever seen active
        Await.until(Duration.ofSeconds(60), () -> ha.active() == 1);
        assertFalse(ha.dfs.getNameNode(0).isActiveState());
        List<ControllerStatus.Fencing> fencing = fc1.status().fencings();
        assertEquals(ha.id(0), fencing.get(0).target(), fencing.toString());
        assertTrue(fencing.get(0).succeeded() && fencing.get(0).method().startsWith("graceful"), fencing.toString());

        pair.proxy[0].restore();
        Await.until(Duration.ofSeconds(60), () -> "STANDBY".equals(fc0.status().electorState()));
        assertEquals(1, ha.active());
    }

    /**
     * The coordinator rejects a session's credentials (AuthFailed; a reconnect is scheduled), and
     * before that reconnect the NameNode's health drops, which makes the controller leave the
     * election: afterwards the controller has exactly one session, not the one it opened when leaving
     * plus the scheduled one (a leaked session keeps heartbeating and could hold the lock forever).
     */
    @Test
    void authFailureThenHealthDropLeavesOneCoordinatorSessionPerController() throws Exception {
        pair = new ProxiedControllers(dir, true, c -> { });
        pair.startBoth();
        HaCluster ha = pair.ha;
        FailoverController fc = pair.fc[1];
        // delivered through the stock client's own event queue, as the coordinator's rejection is
        fc.coordinatorClient().getTestable().queueEvent(new WatchedEvent(EventType.None, KeeperState.AuthFailed, null));
        Await.until(Duration.ofSeconds(30), () -> "AUTH_FAILED".equals(fc.status().coordinator()));
        ha.diskFull(1, true);
        Await.until(Duration.ofSeconds(30), () -> "NOT_IN_ELECTION".equals(fc.status().electorState()));
        ha.diskFull(1, false);
        Await.until(Duration.ofSeconds(60), () -> {
            try {
                return "STANDBY".equals(fc.status().electorState()) && "CONNECTED".equals(fc.status().coordinator())
                        && !fc.coordinatorReconnectScheduled() && pair.proxy[1].activeConnections() == 1;
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertEquals(1, pair.proxy[0].activeConnections());

        // and the controller still does its job: a failover to it
        HaCluster.HaAdminResult to1 = ha.haadmin("-failover", ha.id(0), ha.id(1));
        assertEquals(0, to1.code(), to1.output());
        assertEquals(1, ha.active());
        assertEquals(1, pair.proxy[1].activeConnections());
    }

    /**
     * {@code haadmin -failover nn0 nn1} while the lock stays with someone that never lets go (here the
     * test's own session holding nn0's data): nn1's controller waits for a chance to become active.
     * When nn1 turns unhealthy meanwhile it answers at once, as the stock ZKFC does, instead of after
     * its full timeout.
     */
    @Test
    void gracefulFailoverEndsWhenTheTargetTurnsUnhealthy() throws Exception {
        pair = new ProxiedControllers(dir, true, c -> { });
        HaCluster ha = pair.ha;
        pair.zk.create(ProxiedControllers.LOCK, pair.electionData(0), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        FailoverController fc0 = pair.start(0);
        FailoverController fc1 = pair.start(1);
        Await.until(Duration.ofSeconds(60), () -> "STANDBY".equals(fc0.status().electorState())
                && "STANDBY".equals(fc1.status().electorState()) && "SERVICE_HEALTHY".equals(fc1.status().health()));

        CompletableFuture<HaCluster.HaAdminResult> failover = CompletableFuture.supplyAsync(() -> {
            try {
                return ha.haadmin("-failover", ha.id(0), ha.id(1));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Await.until(Duration.ofSeconds(60), () -> fc0.status().transitions().stream()
                .anyMatch(t -> t.reason().startsWith("asked to cede")));
        ha.diskFull(1, true);
        // without the early answer it would take the wait's full 70 s and say something else
        HaCluster.HaAdminResult r = failover.get(120, TimeUnit.SECONDS);
        assertEquals(-1, r.code(), r.output());
        assertTrue(r.output().contains("became unhealthy"), r.output());
        assertEquals(-1, ha.active());
    }
}
