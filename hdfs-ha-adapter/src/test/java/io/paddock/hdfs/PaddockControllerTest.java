package io.paddock.hdfs;

import io.paddock.testkit.hdfs.HaCluster;
import io.paddock.testkit.hdfs.FileWriter;
import io.paddock.testkit.Await;
import io.paddock.testkit.ProcessEnsemble;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.coordinator.server.PaddockServer;
import io.paddock.coordinator.server.ServerConfig;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.util.List;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.hdfs.server.namenode.ha.HATestUtil;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two Paddock failover controllers guarding a real HDFS HA pair on a Paddock coordinator. */
class PaddockControllerTest {
    @TempDir
    java.nio.file.Path dir;
    PaddockServer paddock;
    HaCluster ha;
    FailoverController[] fc = new FailoverController[2];

    @BeforeEach
    void setUp() throws Exception {
        paddock = PaddockServer.start(ServerConfig.builder().tickTimeMs(200).dataDir(dir.resolve("paddock"))
                .clientPort(0).build());
        ha = new HaCluster(dir.resolve("ha"), paddock.connectString());
        assertEquals(0, ControllerCommands.formatZk(ha.conf(0)));
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
    void activeNameNodeDiesStandbyTakesOverFencesItAndTheClientKeepsWriting() throws Exception {
        fc[0] = FailoverController.start(ha.conf(0));
        Await.until(Duration.ofSeconds(60), () -> ha.active() == 0);
        fc[1] = FailoverController.start(ha.conf(1));
        Await.until(Duration.ofSeconds(30), () -> "STANDBY".equals(fc[1].status().electorState()));

        DistributedFileSystem fs = HATestUtil.configureFailoverFs(ha.dfs, ha.conf(0));
        try (FSDataOutputStream out = fs.create(new Path("/before"))) {
            out.write("written before the failover".getBytes(StandardCharsets.UTF_8));
        }
        try (FileWriter writer = new FileWriter(fs, "/writer", 100_000)) {
            Await.until(Duration.ofSeconds(30), () -> writer.written() >= 20);
            ha.dfs.shutdownNameNode(0);
            int atKill = writer.written();
            Await.until(Duration.ofSeconds(60), () -> ha.active() == 1);
            long activeAt = System.nanoTime();
            int atActive = writer.written();
            Await.until(Duration.ofSeconds(60), () -> writer.written() >= atActive + 20);
            assertTrue(writer.written() >= atKill + 20);
            // at most the one create that was in flight on the dying NameNode failed; once the
            // standby is active nothing fails
            assertTrue(writer.errors().size() <= 1, writer.errors().toString());
            assertEquals(List.of(), writer.errorsAfter(activeAt), "the client must ride through the failover");
        }
        try (FSDataInputStream in = fs.open(new Path("/before"))) {
            assertEquals("written before the failover", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        // nn0 could not be asked to step down (it is gone), so the shell fencer ran, once
        assertEquals(List.of(ha.id(0)), ha.fenced());
        List<ControllerStatus.Fencing> fencing = fc[1].status().fencings();
        assertEquals(2, fencing.size(), fencing.toString());
        assertFalse(fencing.get(0).succeeded(), "graceful fence of a dead NameNode cannot succeed");
        assertTrue(fencing.get(0).method().startsWith("graceful"), fencing.toString());
        assertTrue(fencing.get(1).succeeded(), fencing.toString());
        assertTrue(fencing.get(1).method().startsWith("shell("), fencing.toString());

        String json = http("http://127.0.0.1:" + fc[1].statusPort() + "/status");
        assertTrue(json.contains("\"electorState\":\"ACTIVE\""), json);
        assertTrue(json.contains("\"currentActive\":\"" + ha.id(1) + "\""), json);
        assertTrue(json.contains("\"to\":\"ACTIVE\",\"reason\":\"won the election\",\"succeeded\":true"), json);
        String metrics = http("http://127.0.0.1:" + fc[1].statusPort() + "/metrics");
        assertTrue(metrics.contains("paddock_hdfs_fc_fencings_total{nameservice=\"ns1\",namenode=\"" + ha.id(1)
                + "\"} 2"), metrics);
        assertTrue(metrics.contains("paddock_hdfs_fc_fencing_failures_total{nameservice=\"ns1\",namenode=\""
                + ha.id(1) + "\"} 1"), metrics);
    }

    /** The controller of NameNode {@code i} in its own JVM, so a test can SIGKILL it. */
    private Process childController(int i) throws Exception {
        java.nio.file.Path confFile = dir.resolve("nn" + i + "-site.xml");
        try (java.io.OutputStream out = java.nio.file.Files.newOutputStream(confFile)) {
            ha.conf(i).writeXml(out);
        }
        ProcessBuilder pb = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), FailoverControllerMain.class.getName(),
                "-conf", confFile.toString());
        pb.redirectErrorStream(true).redirectOutput(dir.resolve("fc" + i + ".log").toFile());
        return pb.start();
    }

    @Test
    void hostDeathControllerAndNameNodeTogetherEndsInShellFencing() throws Exception {
        Process child = childController(0);
        try {
            Await.until(Duration.ofSeconds(90), () -> ha.active() == 0);
            fc[1] = FailoverController.start(ha.conf(1));
            Await.until(Duration.ofSeconds(30), () -> "STANDBY".equals(fc[1].status().electorState()));
            child.destroyForcibly();
            child.waitFor();
            ha.dfs.shutdownNameNode(0);
            // nobody is left to release the lock: the coordinator expires the session, then the
            // standby's controller cannot ask nn0 to step down and runs the shell fencer
            Await.until(Duration.ofSeconds(60), () -> ha.active() == 1);
        } finally {
            child.destroyForcibly();
            child.waitFor();
        }
        assertEquals(List.of(ha.id(0)), ha.fenced());
        List<ControllerStatus.Fencing> fencing = fc[1].status().fencings();
        assertEquals(2, fencing.size(), fencing.toString());
        assertFalse(fencing.get(0).succeeded(), fencing.toString());
        assertTrue(fencing.get(1).succeeded() && fencing.get(1).method().startsWith("shell("), fencing.toString());
    }

    @Test
    void killedControllerLosesItsSessionAndTheOtherFencesGracefully() throws Exception {
        Process child = childController(0);
        try {
            Await.until(Duration.ofSeconds(90), () -> ha.active() == 0);
            fc[1] = FailoverController.start(ha.conf(1));
            Await.until(Duration.ofSeconds(30), () -> "STANDBY".equals(fc[1].status().electorState()));
            long killedAt = System.nanoTime();
            child.destroyForcibly(); // SIGKILL: the session stays until the coordinator expires it
            child.waitFor();
            Await.until(Duration.ofSeconds(60), () -> ha.active() == 1);
            long tookMs = (System.nanoTime() - killedAt) / 1_000_000;
            // no earlier than the 4 s session timeout: nothing else could tell the controller was gone
            assertTrue(tookMs >= 3000, "took " + tookMs + " ms");
        } finally {
            child.destroyForcibly();
            child.waitFor();
        }
        List<ControllerStatus.Fencing> fencing = fc[1].status().fencings();
        assertEquals(1, fencing.size(), fencing.toString());
        assertEquals(ha.id(0), fencing.get(0).target());
        assertTrue(fencing.get(0).succeeded() && fencing.get(0).method().startsWith("graceful"), fencing.toString());
        assertEquals(List.of(), ha.fenced(), "the old active stepped down when asked, no shell fencing needed");
        assertFalse(ha.dfs.getNameNode(0).isActiveState());
    }

    static String http(String url) throws Exception {
        HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
        try (InputStream in = c.getInputStream()) {
            assertEquals(200, c.getResponseCode());
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } finally {
            c.disconnect();
        }
    }

    @Test
    void electsOneActiveAndFailsOverWithHaadmin() throws Exception {
        fc[0] = FailoverController.start(ha.conf(0));
        fc[1] = FailoverController.start(ha.conf(1));
        Await.until(Duration.ofSeconds(60), () -> ha.active() >= 0);
        int first = ha.active();
        int other = 1 - first;
        Await.until(Duration.ofSeconds(30), () -> "STANDBY".equals(fc[other].status().electorState()));

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
        Await.until(Duration.ofSeconds(30), () -> "STANDBY".equals(fc[first].status().electorState()));

        HaCluster.HaAdminResult back = ha.haadmin("-failover", otherId, firstId);
        assertEquals(0, back.code(), back.output());
        assertEquals(first, ha.active());
        assertEquals("[]", ha.fenced().toString(), "graceful failovers never need the fencer");
    }
}
