package io.paddock.hdfs;

import io.paddock.testkit.hdfs.HaCluster;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.coordinator.server.PaddockServer;
import io.paddock.coordinator.server.ServerConfig;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/paddock-hdfs-fc} reads $HADOOP_CONF_DIR like {@code hdfs zkfc} and returns its exit codes. */
class LauncherScriptTest {
    @TempDir
    Path dir;

    private record Result(int code, String output) {
    }

    private Result launch(Path confDir, String... args) throws Exception {
        Path script = Path.of(System.getProperty("user.dir")).getParent().resolve("bin/paddock-hdfs-fc");
        String[] cmd = new String[args.length + 2];
        cmd[0] = "bash";
        cmd[1] = script.toString();
        System.arraycopy(args, 0, cmd, 2, args.length);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("HADOOP_CONF_DIR", confDir.toString());
        pb.environment().put("PADDOCK_FC_CLASSPATH", System.getProperty("java.class.path"));
        pb.environment().put("PADDOCK_FC_OPTS", "-Xmx256m");
        pb.environment().put("PADDOCK_LOG_DIR", dir.resolve("logs").toString());
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    private static void writeSite(Path confDir, Configuration c) throws Exception {
        Files.createDirectories(confDir);
        try (OutputStream out = Files.newOutputStream(confDir.resolve("hdfs-site.xml"))) {
            c.writeXml(out);
        }
    }

    @Test
    void formatsFromHadoopConfDirAndRefusesAMissingFencer() throws Exception {
        try (PaddockServer paddock = PaddockServer.start(ServerConfig.builder().tickTimeMs(200)
                .dataDir(dir.resolve("paddock")).clientPort(0).build())) {
            Configuration c = HaCluster.nameserviceConf(paddock.connectString());
            Path bad = dir.resolve("conf-no-fencer");
            writeSite(bad, c);
            Result r = launch(bad, "-formatZK", "-nonInteractive");
            assertEquals(4, r.code(), r.output());
            assertTrue(r.output().contains("dfs.ha.fencing.methods"), r.output());

            c.set("dfs.ha.fencing.methods", "shell(true)");
            Path good = dir.resolve("conf");
            writeSite(good, c);
            r = launch(good, "-formatZK", "-nonInteractive");
            assertEquals(0, r.code(), r.output());
            assertTrue(r.output().contains("Successfully created /hadoop-ha/ns1"), r.output());
            r = launch(good, "-formatZK", "-nonInteractive");
            assertEquals(2, r.code(), r.output());
        }
    }
}
