package io.paddock.bench.hdfs;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;

/**
 * One failover controller in its own JVM, started as operators start it: Paddock's through
 * {@code bin/paddock-hdfs-fc} (its own jar and library folder), Hadoop's stock
 * {@code DFSZKFailoverController} through {@code java} on Hadoop's jars (the same library folder).
 * Each reads an {@code hdfs-site.xml} from its own {@code HADOOP_CONF_DIR} and logs through the
 * distribution's {@code conf/log4j.properties} into {@code <dir>/controller.log}.
 */
final class ControllerProcess implements AutoCloseable {
    enum Kind { PADDOCK, STOCK }

    private static final String LOG_FILE = "controller.log";

    final Kind kind;
    final Path log;
    private final Process process;

    private ControllerProcess(Kind kind, Path log, Process process) {
        this.kind = kind;
        this.log = log;
        this.process = process;
    }

    /** {@code root} is the repository, whose {@code bin/}, {@code conf/} and built adapter are used. */
    static ControllerProcess start(Kind kind, Configuration conf, Path dir, Path root) throws IOException {
        Path confDir = dir.resolve("hadoop-conf");
        Files.createDirectories(confDir);
        try (OutputStream out = Files.newOutputStream(confDir.resolve("hdfs-site.xml"))) {
            conf.writeXml(out);
        }
        List<String> cmd = new ArrayList<>();
        ProcessBuilder pb = new ProcessBuilder(cmd);
        if (kind == Kind.PADDOCK) {
            cmd.addAll(List.of("bash", root.resolve("bin/paddock-hdfs-fc").toString()));
            pb.environment().put("HADOOP_CONF_DIR", confDir.toString());
            pb.environment().put("PADDOCK_FC_OPTS", "-Xmx256m");
            pb.environment().put("PADDOCK_LOG_DIR", dir.toString());
            pb.environment().put("PADDOCK_LOG_FILE", LOG_FILE);
            pb.environment().put("PADDOCK_ROOT_LOGGER", "INFO,RFA");
        } else {
            cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                    "-Dlog4j.configuration=file:" + root.resolve("conf/log4j.properties"),
                    "-Dpaddock.log.dir=" + dir, "-Dpaddock.log.file=" + LOG_FILE, "-Dpaddock.root.logger=INFO,RFA",
                    "-cp", confDir + ":" + root.resolve("hdfs-ha-adapter/target/lib") + "/*",
                    "org.apache.hadoop.hdfs.tools.DFSZKFailoverController"));
        }
        pb.redirectErrorStream(true).redirectOutput(dir.resolve("stdout.txt").toFile());
        return new ControllerProcess(kind, dir.resolve(LOG_FILE), pb.start());
    }

    boolean alive() {
        return process.isAlive();
    }

    /** SIGKILL, as a crashed host or an OOM killer would. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(60, TimeUnit.SECONDS);
    }

    /** SIGTERM: the controller leaves the election. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            kill9();
        }
    }
}
