package io.paddock.hdfs;

import io.paddock.testkit.FreePorts;
import io.paddock.testkit.hdfs.HaCluster;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.testkit.Await;
import io.paddock.coordinator.server.PaddockServer;
import io.paddock.coordinator.server.ServerConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every Paddock daemon logs through the distribution's {@code conf/log4j.properties}: started from its
 * launcher, each writes its start-up lines (and, for the controller, Hadoop's and the ZooKeeper
 * client's lines) to a rotating file in {@code $PADDOCK_LOG_DIR} and, in the foreground, to standard
 * output.
 */
class DaemonLoggingTest {
    @TempDir
    Path dir;

    private static Path script(String name) {
        return Path.of(System.getProperty("user.dir")).getParent().resolve("bin").resolve(name);
    }

    /** Starts a launcher in the foreground, standard output to {@code stdout}. */
    private static Process launch(Map<String, String> env, Path stdout, String... cmd) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(stdout.toFile());
        pb.environment().putAll(env);
        return pb.start();
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGTERM, as an operator's stop does (the controller then exits 143 like hdfs zkfc, the server 0). */
    private static int stop(Process p) throws InterruptedException {
        p.destroy();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "daemon did not stop");
        return p.exitValue();
    }

    @Test
    void failoverControllerLogsItsOwnHadoopsAndZooKeepersLinesToItsFile() throws Exception {
        try (PaddockServer paddock = PaddockServer.start(ServerConfig.builder().tickTimeMs(200)
                .dataDir(dir.resolve("paddock")).clientPort(0).build())) {
            // a nameservice whose NameNodes are not running: the controller starts, serves its RPC
            // port, joins the coordinator and reports the NameNode not responding
            Configuration c = HaCluster.nameserviceConf(paddock.connectString());
            c.set(ControllerConfig.FENCING_METHODS, "shell(true)");
            c.set("dfs.ha.zkfc.port.ns1.nn1", Integer.toString(FreePorts.one()));
            c.set(ControllerConfig.STATUS_ADDRESS, "127.0.0.1:0");
            Path confDir = dir.resolve("hadoop-conf");
            Files.createDirectories(confDir);
            try (OutputStream out = Files.newOutputStream(confDir.resolve("hdfs-site.xml"))) {
                c.writeXml(out);
            }
            assertEquals(0, ControllerCommands.formatZk(c));
            Path logDir = dir.resolve("logs");
            Path stdout = dir.resolve("fc.stdout");
            Process fc = launch(Map.of("HADOOP_CONF_DIR", confDir.toString(),
                    "PADDOCK_FC_CLASSPATH", System.getProperty("java.class.path"),
                    "PADDOCK_FC_OPTS", "-Xmx256m", "PADDOCK_LOG_DIR", logDir.toString()),
                    stdout, "bash", script("paddock-hdfs-fc").toString());
            Path log = logDir.resolve("paddock-hdfs-fc.log");
            try {
                Await.until(Duration.ofSeconds(90), () -> {
                    String s = read(log);
                    // the last start-up line comes once SIGTERM would stop the controller cleanly
                    return s.contains("paddock-hdfs-fc running; SIGTERM") && s.contains(" started: RPC ")
                            && s.contains(" org.apache.hadoop.ipc.Server: ")
                            && s.contains(" org.apache.zookeeper.ZooKeeper: ");
                });
            } finally {
                stop(fc);
            }
            String text = read(log);
            for (String line : List.of("io.paddock.hdfs.FailoverControllerMain: paddock-hdfs-fc starting for NameNode nn1",
                    "io.paddock.hdfs.FailoverController: failover controller for", "org.apache.hadoop.ipc.Server: ",
                    "org.apache.zookeeper.ZooKeeper: Initiating client connection")) {
                assertTrue(text.contains(line), line + " missing in\n" + text);
            }
            assertTrue(text.contains("stopping: leaving the election"), text);
            // in the foreground the same lines reach standard output
            assertTrue(read(stdout).contains("paddock-hdfs-fc starting for NameNode nn1"), read(stdout));
        }
    }

    @Test
    void serverLogsItsStartUpToItsFile() throws Exception {
        Path cfg = dir.resolve("zoo.cfg");
        Files.writeString(cfg, "tickTime=500\ndataDir=" + dir.resolve("data") + "\nclientPort=0\nclientPortAddress=127.0.0.1\n");
        Path logDir = dir.resolve("server-logs");
        Path stdout = dir.resolve("server.stdout");
        Process server = launch(Map.of("PADDOCK_CLASSPATH", System.getProperty("java.class.path"),
                "PADDOCK_RUN_DIR", dir.resolve("run").toString(), "PADDOCK_LOG_DIR", logDir.toString(),
                "PADDOCK_HEAP", "256m"), stdout, "bash", script("paddock-server").toString(), "run", cfg.toString());
        Path log = logDir.resolve("paddock-server.log");
        try {
            // the "serving on" line comes after the server installed its SIGTERM handler (exit 0)
            Await.until(Duration.ofSeconds(60), () -> read(log).contains("client port listening on")
                    && read(stdout).contains("Paddock serving on"));
        } finally {
            assertEquals(0, stop(server));
        }
        String text = read(log);
        assertTrue(text.contains("io.paddock.coordinator.server.ConfigLoader: Reading configuration from " + cfg), text);
        assertTrue(read(stdout).contains("client port listening on"), read(stdout));
    }
}
