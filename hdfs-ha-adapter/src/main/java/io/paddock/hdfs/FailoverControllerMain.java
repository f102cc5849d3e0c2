package io.paddock.hdfs;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.HdfsConfiguration;
import org.apache.hadoop.util.GenericOptionsParser;
import org.apache.hadoop.util.VersionInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code paddock-hdfs-fc}: the drop-in for {@code hdfs zkfc}. Same options ({@code -formatZK [-force]
 * [-nonInteractive]}, Hadoop's generic options such as {@code -conf} and {@code -D}), same keys, same
 * exit codes.
 */
public final class FailoverControllerMain {
    private static final Logger LOG = LoggerFactory.getLogger(FailoverControllerMain.class);
    static final String USAGE = "Usage: paddock-hdfs-fc [generic options] [-formatZK [-force] [-nonInteractive]]";

    private FailoverControllerMain() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(new HdfsConfiguration(), args, System.in, System.out, System.err));
    }

    /** Runs to completion: a format returns at once, the daemon returns after SIGTERM. */
    public static int run(Configuration base, String[] argv, InputStream in, PrintStream out, PrintStream err)
            throws Exception {
        GenericOptionsParser parser = new GenericOptionsParser(base, argv);
        Configuration conf = parser.getConfiguration();
        boolean format = false;
        boolean force = false;
        boolean interactive = true;
        for (String a : parser.getRemainingArgs()) {
            switch (a) {
                case "-formatZK" -> format = true;
                case "-force" -> force = true;
                case "-nonInteractive" -> interactive = false;
                case "-h", "-help", "--help" -> {
                    out.println(USAGE);
                    return ControllerExit.OK;
                }
                default -> {
                    err.println("unknown argument '" + a + "'\n" + USAGE);
                    return ControllerExit.FAILED;
                }
            }
        }
        if ((force || !interactive) && !format) {
            err.println("-force and -nonInteractive only go with -formatZK\n" + USAGE);
            return ControllerExit.FAILED;
        }
        try {
            ControllerConfig config = ControllerConfig.load(conf);
            if (format) {
                try (ElectionZnodes znodes = ElectionZnodes.connect(config)) {
                    return znodes.format(force, interactive,
                            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)), out);
                }
            }
            LOG.info("paddock-hdfs-fc starting for NameNode {} of {}: pid {}, Java {}, Hadoop {}", config.namenodeId,
                    config.nameserviceId, ProcessHandle.current().pid(), Runtime.version(), VersionInfo.getVersion());
            FailoverController fc = FailoverController.start(conf);
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    fc.stop();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    stopped.countDown();
                }
            }, "paddock-fc-shutdown"));
            LOG.info("paddock-hdfs-fc running; SIGTERM leaves the election and stops it");
            stopped.await();
            return ControllerExit.OK;
        } catch (ControllerStartException e) {
            err.println("paddock-hdfs-fc: " + e.getMessage());
            return e.exitCode();
        }
    }
}
