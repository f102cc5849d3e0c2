package io.paddock.hdfs;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.ha.BadFencingConfigurationException;
import org.apache.hadoop.hdfs.DFSUtil;
import org.apache.hadoop.hdfs.DFSUtilClient;
import org.apache.hadoop.hdfs.HAUtil;
import org.apache.hadoop.hdfs.HdfsConfiguration;
import org.apache.hadoop.hdfs.server.namenode.NameNode;
import org.apache.hadoop.hdfs.tools.DFSHAAdmin;
import org.apache.hadoop.hdfs.tools.NNHAServiceTarget;
import org.apache.hadoop.security.SecurityUtil;
import org.apache.hadoop.util.ZKUtil;
import org.apache.zookeeper.data.ACL;

/**
 * The controller's view of {@code core-site.xml} / {@code hdfs-site.xml}: which NameNode it guards,
 * the other NameNodes of the nameservice, the coordinator and every timeout, all under the keys
 * {@code hdfs zkfc} reads (with the same per-nameservice and per-NameNode suffixes), so an operator
 * keeps their files unchanged.
 */
final class ControllerConfig {
    static final String ZK_QUORUM = "ha.zookeeper.quorum";
    static final String ZK_SESSION_TIMEOUT = "ha.zookeeper.session-timeout.ms";
    static final String ZK_PARENT = "ha.zookeeper.parent-znode";
    static final String ZK_ACL = "ha.zookeeper.acl";
    static final String ZK_AUTH = "ha.zookeeper.auth";
    static final String HEALTH_CHECK_INTERVAL = "ha.health-monitor.check-interval.ms";
    static final String HEALTH_SLEEP_AFTER_DISCONNECT = "ha.health-monitor.sleep-after-disconnect.ms";
    static final String HEALTH_RPC_TIMEOUT = "ha.health-monitor.rpc-timeout.ms";
    static final String HEALTH_CONNECT_RETRIES = "ha.health-monitor.rpc.connect.max.retries";
    static final String GRACEFUL_FENCE_TIMEOUT = "ha.failover-controller.graceful-fence.rpc-timeout.ms";
    static final String NEW_ACTIVE_TIMEOUT = "ha.failover-controller.new-active.rpc-timeout.ms";
    static final String AUTO_FAILOVER = "dfs.ha.automatic-failover.enabled";
    static final String FENCING_METHODS = "dfs.ha.fencing.methods";
    static final String NAMENODE_ID = "dfs.ha.namenode.id";
    /** Paddock's own: where the JSON status and metrics are served; port 0 picks a free port. */
    static final String STATUS_ADDRESS = "paddock.hdfs.fc.status.address";
    /**
     * Paddock's own: how often, between health checks, a TCP connect probes whether the NameNode's
     * RPC port still listens (0 disables); a refused port is detected without waiting for the next check.
     */
    static final String LIVENESS_PROBE_INTERVAL = "paddock.hdfs.fc.liveness-probe.interval.ms";
    /** Paddock's own: longest pause between two attempts after a failed fence or transition. */
    static final String RETRY_MAX_BACKOFF = "paddock.hdfs.fc.retry.max-backoff.ms";

    private static final String[] GENERIC_KEYS = {ZK_QUORUM, ZK_SESSION_TIMEOUT, ZK_PARENT, ZK_ACL, ZK_AUTH,
        HEALTH_CHECK_INTERVAL, HEALTH_SLEEP_AFTER_DISCONNECT, HEALTH_RPC_TIMEOUT, HEALTH_CONNECT_RETRIES,
        GRACEFUL_FENCE_TIMEOUT, NEW_ACTIVE_TIMEOUT, STATUS_ADDRESS, RETRY_MAX_BACKOFF,
        LIVENESS_PROBE_INTERVAL};

    final Configuration conf;
    /**
     * {@link #conf} without connection retries, for asking a previous active to step down: its port
     * has just been probed open, so a refusal now means it died meanwhile, and waiting
     * {@code ipc.client.connect.retry.interval} for a retry would only delay the fencing methods.
     */
    final Configuration gracefulFenceConf;
    final String nameserviceId;
    final String namenodeId;
    final NNHAServiceTarget local;
    final List<String> otherNamenodeIds;
    final String quorum;
    final int sessionTimeoutMs;
    final String electionPath;
    final List<ACL> acls;
    final List<ZKUtil.ZKAuthInfo> auths;
    final int healthCheckIntervalMs;
    final int healthSleepAfterDisconnectMs;
    final int healthRpcTimeoutMs;
    final int healthConnectRetries;
    final int gracefulFenceTimeoutMs;
    final int newActiveTimeoutMs;
    final String statusAddress;
    final long maxBackoffMs;
    final long livenessProbeIntervalMs;

    private ControllerConfig(Configuration conf, String nsId, String nnId) throws ControllerStartException {
        this.conf = conf;
        this.gracefulFenceConf = new Configuration(conf);
        gracefulFenceConf.setInt("ipc.client.connect.max.retries", 0);
        gracefulFenceConf.setInt("ipc.client.connect.max.retries.on.timeouts", 0);
        this.nameserviceId = nsId;
        this.namenodeId = nnId;
        this.local = new NNHAServiceTarget(conf, nsId, nnId);
        List<String> others = new ArrayList<>(DFSUtilClient.getNameNodeIds(conf, nsId));
        others.remove(nnId);
        this.otherNamenodeIds = List.copyOf(others);
        this.quorum = conf.getTrimmed(ZK_QUORUM);
        this.sessionTimeoutMs = conf.getInt(ZK_SESSION_TIMEOUT, 10_000);
        String parent = conf.getTrimmed(ZK_PARENT, "/hadoop-ha");
        if (!parent.startsWith("/") || (parent.length() > 1 && parent.endsWith("/"))) {
            throw new ControllerStartException(ControllerExit.FAILED,
                    ZK_PARENT + " must be an absolute znode path without a trailing '/', got '" + parent + "'");
        }
        this.electionPath = (parent.equals("/") ? "" : parent) + "/" + nsId;
        try {
            this.acls = ZKUtil.parseACLs(ZKUtil.resolveConfIndirection(conf.get(ZK_ACL, "world:anyone:rwcda")));
            this.auths = SecurityUtil.getZKAuthInfos(conf, ZK_AUTH);
        } catch (IOException | RuntimeException e) {
            throw new ControllerStartException(ControllerExit.FAILED,
                    "cannot read " + ZK_ACL + " / " + ZK_AUTH + ": " + e.getMessage());
        }
        this.healthCheckIntervalMs = conf.getInt(HEALTH_CHECK_INTERVAL, 1000);
        this.healthSleepAfterDisconnectMs = conf.getInt(HEALTH_SLEEP_AFTER_DISCONNECT, 1000);
        this.healthRpcTimeoutMs = conf.getInt(HEALTH_RPC_TIMEOUT, 45_000);
        this.healthConnectRetries = conf.getInt(HEALTH_CONNECT_RETRIES, 1);
        this.gracefulFenceTimeoutMs = conf.getInt(GRACEFUL_FENCE_TIMEOUT, 5000);
        this.newActiveTimeoutMs = conf.getInt(NEW_ACTIVE_TIMEOUT, 60_000);
        this.statusAddress = conf.getTrimmed(STATUS_ADDRESS, "0.0.0.0:8029");
        this.maxBackoffMs = conf.getLong(RETRY_MAX_BACKOFF, 60_000);
        this.livenessProbeIntervalMs = conf.getLong(LIVENESS_PROBE_INTERVAL, 100);
    }

    /**
     * Resolves the local NameNode the way {@code hdfs zkfc} does (the nameservice and NameNode id set
     * explicitly or found by matching a configured RPC address to this host) and validates what the
     * controller cannot run without. Each failure names the key to fix and carries the stock exit code.
     */
    static ControllerConfig load(Configuration base) throws ControllerStartException {
        Configuration conf = DFSHAAdmin.addSecurityConfiguration(new HdfsConfiguration(base));
        String nsId;
        String nnId;
        try {
            nsId = DFSUtil.getNamenodeNameServiceId(conf);
            if (nsId == null || !HAUtil.isHAEnabled(conf, nsId)) {
                throw new ControllerStartException(ControllerExit.FAILED, "HA is not enabled for this NameNode: set "
                        + "dfs.nameservices and dfs.ha.namenodes.<nameservice> (nameservice found: " + nsId + ")");
            }
            nnId = HAUtil.getNameNodeId(conf, nsId);
        } catch (RuntimeException e) {
            throw new ControllerStartException(ControllerExit.FAILED, "cannot tell which NameNode this controller "
                    + "guards: " + e.getMessage() + " (set " + NAMENODE_ID + ")");
        }
        if (nnId == null || !DFSUtilClient.getNameNodeIds(conf, nsId).contains(nnId)) {
            throw new ControllerStartException(ControllerExit.FAILED, "unknown NameNode id '" + nnId + "': "
                    + NAMENODE_ID + " must be one of dfs.ha.namenodes." + nsId + " = "
                    + DFSUtilClient.getNameNodeIds(conf, nsId) + ", or run the controller on a NameNode host");
        }
        NameNode.initializeGenericKeys(conf, nsId, nnId);
        DFSUtil.setGenericConf(conf, nsId, nnId, GENERIC_KEYS);
        ControllerConfig c = new ControllerConfig(conf, nsId, nnId);
        if (!c.local.isAutoFailoverEnabled()) {
            throw new ControllerStartException(ControllerExit.AUTO_FAILOVER_NOT_ENABLED, "automatic failover is "
                    + "not enabled for " + c.local + ": set " + AUTO_FAILOVER + "=true (or ." + nsId + ")");
        }
        try {
            c.local.checkFencingConfigured();
        } catch (BadFencingConfigurationException e) {
            throw new ControllerStartException(ControllerExit.NO_FENCER, "no usable fencing method: set "
                    + FENCING_METHODS + " (" + e.getMessage() + ")");
        }
        if (c.quorum == null || c.quorum.isEmpty()) {
            throw new ControllerStartException(ControllerExit.NO_COORDINATOR, "no coordinator configured: set "
                    + ZK_QUORUM + " to the Paddock (or ZooKeeper) connect string");
        }
        return c;
    }

    NNHAServiceTarget target(String nnId) {
        return new NNHAServiceTarget(conf, nameserviceId, nnId);
    }

    String lockPath() {
        return electionPath + "/ActiveStandbyElectorLock";
    }

    String breadcrumbPath() {
        return electionPath + "/ActiveBreadCrumb";
    }
}
