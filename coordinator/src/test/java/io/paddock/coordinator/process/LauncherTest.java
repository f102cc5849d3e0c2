package io.paddock.coordinator.process;

import io.paddock.testkit.Clients;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bin/paddock-server start / status / stop, as an operator runs them. */
class LauncherTest {
    @TempDir
    Path dir;

    private record Result(int code, String out) {}

    private Result launcher(String... args) throws Exception {
        Path script = Path.of(System.getProperty("user.dir")).getParent().resolve("bin").resolve("paddock-server");
        List<String> cmd = new java.util.ArrayList<>(List.of("bash", script.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("PADDOCK_CLASSPATH", System.getProperty("java.class.path"));
        pb.environment().put("PADDOCK_RUN_DIR", dir.resolve("run").toString());
        pb.environment().put("PADDOCK_HEAP", "256m");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "launcher did not return");
        return new Result(p.exitValue(), out);
    }

    @Test
    void startStatusStop() throws Exception {
        Path cfg = dir.resolve("zoo.cfg");
        Files.writeString(cfg, "tickTime=500\ndataDir=" + dir.resolve("data") + "\nclientPort=0\nclientPortAddress=127.0.0.1\n");
        Result start = launcher("start", cfg.toString());
        assertEquals(0, start.code(), start.out());
        Matcher m = Pattern.compile("Paddock serving on (\\S+)").matcher(start.out());
        assertTrue(m.find(), start.out());
        try (ZooKeeper zk = Clients.connect(m.group(1))) {
            zk.create("/via-launcher", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        }
        Result status = launcher("status");
        assertEquals(0, status.code());
        assertTrue(status.out().startsWith("running (pid "), status.out());
        Result again = launcher("start", cfg.toString());
        assertTrue(again.out().contains("already running"), again.out());
        Result stop = launcher("stop");
        assertEquals(0, stop.code(), stop.out());
        assertTrue(stop.out().startsWith("stopped"), stop.out());
        assertFalse(Files.exists(dir.resolve("run").resolve("paddock.pid")));
        assertEquals(3, launcher("status").code());
    }

    @Test
    void badConfigFailsStartWithTheMessage() throws Exception {
        Path cfg = dir.resolve("zoo.cfg");
        Files.writeString(cfg, "dataDir=" + dir.resolve("data") + "\nclientPort=99999\n");
        Result start = launcher("start", cfg.toString());
        assertEquals(1, start.code(), start.out());
        assertTrue(start.out().contains("clientPort") && start.out().contains("99999"), start.out());
    }
}
