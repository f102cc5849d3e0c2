package io.paddock.coordinator.process;

import io.paddock.testkit.Clients;
import io.paddock.testkit.FreePorts;
import io.paddock.testkit.Await;
import io.paddock.testkit.ProcessEnsemble;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bin/paddock-ensemble start / status / kill-one / start-one / stop, as an operator runs them. */
class EnsembleLauncherTest {
    @TempDir
    Path dir;
    private String ports;

    private record Result(int code, String out) {}

    private Result launcher(String... args) throws Exception {
        Path script = Path.of(System.getProperty("user.dir")).getParent().resolve("bin").resolve("paddock-ensemble");
        List<String> cmd = new ArrayList<>(List.of("bash", script.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("PADDOCK_CLASSPATH", System.getProperty("java.class.path"));
        pb.environment().put("PADDOCK_ENSEMBLE_DIR", dir.resolve("ensemble").toString());
        pb.environment().put("PADDOCK_PORTS", ports);
        pb.environment().put("PADDOCK_HEAP", "256m");
        pb.environment().put("PADDOCK_TICK_TIME", "500");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "launcher did not return");
        return new Result(p.exitValue(), out);
    }

    @AfterEach
    void stopEverything() throws Exception {
        if (ports != null) {
            launcher("stop");
        }
    }


    @Test
    void startsAThreeNodeEnsembleSurvivesKillOneAndStops() throws Exception {
        List<String> specs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int[] p = FreePorts.distinct(3);
            specs.add(p[0] + ":" + p[1] + ":" + p[2]);
        }
        ports = String.join(" ", specs);
        Result start = launcher("start", "3");
        assertEquals(0, start.code(), start.out());
        Matcher m = Pattern.compile("connect string: (\\S+)").matcher(start.out());
        assertTrue(m.find(), start.out());
        String connect = m.group(1);
        assertEquals(3, connect.split(",").length);

        Result status = launcher("status");
        assertEquals(0, status.code(), status.out());
        assertEquals(1, count(status.out(), "mode leader"), status.out());
        assertEquals(2, count(status.out(), "mode follower"), status.out());

        try (ZooKeeper zk = Clients.connect(connect)) {
            zk.create("/before", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            Result kill = launcher("kill-one");
            assertEquals(0, kill.code(), kill.out());
            Matcher killed = Pattern.compile("killed server (\\d)").matcher(kill.out());
            assertTrue(killed.find(), kill.out());
            // the session rides through the leader's death; like any stock-client application the
            // test re-issues a create that failed with CONNECTIONLOSS once the client is connected
            // again (NODEEXISTS then means the first attempt was applied)
            createAcrossConnectionLoss(zk, "/after");
            assertTrue(zk.exists("/before", false) != null);
            Result degraded = launcher("status");
            assertTrue(degraded.out().contains("server " + killed.group(1) + ": not running"), degraded.out());
            Result back = launcher("start-one", killed.group(1));
            assertEquals(0, back.code(), back.out());
        }
        Result stop = launcher("stop");
        assertEquals(0, stop.code(), stop.out());
        assertEquals(3, launcher("status").code());
        ports = null;
    }

    private static void createAcrossConnectionLoss(ZooKeeper zk, String path) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        boolean retried = false;
        while (true) {
            try {
                zk.create(path, null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                return;
            } catch (KeeperException.NodeExistsException e) {
                if (retried) {
                    return;
                }
                throw e;
            } catch (KeeperException.ConnectionLossException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                retried = true;
                Await.until(Duration.ofSeconds(60), () -> zk.getState().isConnected());
            }
        }
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
