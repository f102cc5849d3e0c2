package io.paddock.testkit.hdfs;

import io.paddock.testkit.Await;
import io.paddock.testkit.FreePorts;
import io.paddock.testkit.ProcessEnsemble;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.DFSConfigKeys;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.hdfs.server.namenode.NameNodeResourceChecker;
import org.apache.hadoop.hdfs.qjournal.MiniQJMHACluster;
import org.apache.hadoop.hdfs.tools.DFSHAAdmin;

/**
 * A real HDFS HA pair for the tests: {@code MiniQJMHACluster} (2 NameNodes, 3 JournalNodes, 1
 * DataNode) configured for automatic failover against a coordinator connect string, with a
 * recording shell fencer. Ports are probed free because haadmin finds a controller by
 * {@code dfs.ha.zkfc.port}.
 */
public final class HaCluster implements AutoCloseable {
    // the keys an operator sets (Hadoop's, and the Paddock controller's status address)
    private static final String AUTO_FAILOVER = "dfs.ha.automatic-failover.enabled";
    private static final String FENCING_METHODS = "dfs.ha.fencing.methods";
    private static final String HEALTH_CHECK_INTERVAL = "ha.health-monitor.check-interval.ms";
    private static final String HEALTH_RPC_TIMEOUT = "ha.health-monitor.rpc-timeout.ms";
    private static final String HEALTH_SLEEP_AFTER_DISCONNECT = "ha.health-monitor.sleep-after-disconnect.ms";
    private static final String NAMENODE_ID = "dfs.ha.namenode.id";
    private static final String STATUS_ADDRESS = "paddock.hdfs.fc.status.address";
    private static final String ZK_QUORUM = "ha.zookeeper.quorum";
    private static final String ZK_SESSION_TIMEOUT = "ha.zookeeper.session-timeout.ms";

    public static final String NS = MiniQJMHACluster.NAMESERVICE;

    public final MiniQJMHACluster qjm;
    public final MiniDFSCluster dfs;
    public final Path fenceLog;

    public HaCluster(Path dir, String quorum) throws IOException {
        this(dir, quorum, true, c -> { });
    }

    public HaCluster(Path dir, String quorum, boolean fencerSucceeds) throws IOException {
        this(dir, quorum, fencerSucceeds, c -> { });
    }

    /**
     * With {@code fencerSucceeds} false the recording fencer exits 1, so fencing by it always fails;
     * {@code tune} may change the configuration before the cluster starts (the benchmark restores
     * Hadoop's default timeouts with it).
     */
    public HaCluster(Path dir, String quorum, boolean fencerSucceeds, java.util.function.Consumer<Configuration> tune)
            throws IOException {
        this(dir, quorum, fencerSucceeds, 2, tune);
    }

    public HaCluster(Path dir, String quorum, boolean fencerSucceeds, int nameNodes,
            java.util.function.Consumer<Configuration> tune) throws IOException {
        this.fenceLog = dir.resolve("fenced.log");
        Files.createDirectories(dir);
        Files.writeString(fenceLog, "");
        Configuration conf = new Configuration();
        conf.set(ZK_QUORUM, quorum);
        conf.setInt(ZK_SESSION_TIMEOUT, 4000);
        conf.setBoolean(AUTO_FAILOVER, true);
        // the shell fencer records whom it fenced; Hadoop sets $target_namenodeid for it
        conf.set(FENCING_METHODS, "shell(echo $target_namenodeid >> " + fenceLog
                + (fencerSucceeds ? "" : "; exit 1") + ")");
        conf.setInt(HEALTH_CHECK_INTERVAL, 200);
        conf.setInt(HEALTH_RPC_TIMEOUT, 5000);
        conf.setInt(HEALTH_SLEEP_AFTER_DISCONNECT, 200);
        conf.setInt("ipc.client.connect.max.retries", 1);
        conf.setInt("ipc.client.connect.retry.interval", 100);
        conf.set(STATUS_ADDRESS, "127.0.0.1:0");
        conf.set("hadoop.tmp.dir", dir.resolve("tmp").toString());
        // MiniQJMHACluster names its NameNodes nn0, nn1, ...
        for (int i = 0; i < nameNodes; i++) {
            conf.set("dfs.ha.zkfc.port." + NS + ".nn" + i, Integer.toString(FreePorts.one()));
        }
        tune.accept(conf);
        MiniQJMHACluster.Builder b = new MiniQJMHACluster.Builder(conf, dir.resolve("hdfs").toFile());
        b.setNumNameNodes(nameNodes);
        b.getDfsBuilder().numDataNodes(1);
        this.qjm = b.build();
        this.dfs = qjm.getDfsCluster();
        dfs.waitActive();
    }


    /** The configuration a controller (or stock ZKFC) for NameNode {@code index} reads. */
    public Configuration conf(int index) {
        return new Configuration(dfs.getConfiguration(index));
    }

    /** The NameNode id of index {@code index}. */
    public String id(int index) {
        return dfs.getConfiguration(index).get(NAMENODE_ID);
    }

    /** Index of the single active NameNode, -1 while there is none; fails on two. */
    public int active() {
        int found = -1;
        for (int i = 0; i < dfs.getNumNameNodes(); i++) {
            if (dfs.isNameNodeUp(i) && dfs.getNameNode(i).isActiveState()) {
                if (found >= 0) {
                    throw new AssertionError("two active NameNodes");
                }
                found = i;
            }
        }
        return found;
    }

    /**
     * Makes NameNode {@code index} find its name directories short of space, or back to normal: the
     * NameNode's own resource checker then fails (or passes) its next {@code monitorHealth}, the
     * health drop a failing disk causes.
     */
    public void diskFull(int index, boolean full) throws IOException {
        Configuration c = new Configuration(dfs.getConfiguration(index));
        if (full) {
            c.setLong(DFSConfigKeys.DFS_NAMENODE_DU_RESERVED_KEY, Long.MAX_VALUE);
        }
        dfs.getNameNode(index).getNamesystem().setNNResourceChecker(new NameNodeResourceChecker(c));
    }

    public List<String> fenced() throws IOException {
        return Files.readAllLines(fenceLog).stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** Runs {@code hdfs haadmin} (the stock DFSHAAdmin) and returns exit code and output. */
    public HaAdminResult haadmin(String... args) throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8);
        DFSHAAdmin admin = new DFSHAAdmin() {
            {
                setOut(ps);
                setErrOut(ps);
            }
        };
        admin.setConf(conf(0));
        int rc = admin.run(args);
        return new HaAdminResult(rc, buf.toString(StandardCharsets.UTF_8));
    }

    /**
     * {@code haadmin -failover from to}. A controller that has just started (or whose NameNode has
     * just restarted) may not have reported health yet, and haadmin then refuses with "not currently
     * healthy": the condition waited for is any other answer, which is returned.
     */
    public HaAdminResult awaitFailover(String from, String to) throws InterruptedException {
        HaAdminResult[] r = {null};
        Await.until(Duration.ofSeconds(180), () -> {
            try {
                r[0] = haadmin("-failover", from, to);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return r[0].code() == 0 || !r[0].output().contains("not currently healthy");
        });
        return r[0];
    }

    public record HaAdminResult(int code, String output) {
    }

    /**
     * A two-NameNode nameservice {@code ns1} as a controller for {@code nn1} reads it, on free ports
     * where no NameNode runs: enough for start-up and format checks.
     */
    public static Configuration nameserviceConf(String quorum) throws IOException {
        Configuration c = new Configuration(false);
        c.set("dfs.nameservices", "ns1");
        c.set("dfs.ha.namenodes.ns1", "nn1,nn2");
        c.set("dfs.namenode.rpc-address.ns1.nn1", "127.0.0.1:" + FreePorts.one());
        c.set("dfs.namenode.rpc-address.ns1.nn2", "127.0.0.1:" + FreePorts.one());
        c.set(NAMENODE_ID, "nn1");
        c.setBoolean(AUTO_FAILOVER, true);
        c.set(ZK_QUORUM, quorum);
        return c;
    }

    @Override
    public void close() {
        qjm.close();
    }
}
