package io.paddock.hdfs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.util.ZKUtil;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;

/**
 * The nameservice's election znode, {@code <ha.zookeeper.parent-znode>/<nameservice>}: the start-up
 * check that it exists and {@code -formatZK}. Only that znode and what is under it are ever touched,
 * never another nameservice's.
 */
final class ElectionZnodes implements AutoCloseable {
    private final ControllerConfig config;
    private final ZooKeeper zk;

    private ElectionZnodes(ControllerConfig config, ZooKeeper zk) {
        this.config = config;
        this.zk = zk;
    }

    /** A session to the coordinator, or exit code 6 naming the quorum if it cannot be reached in time. */
    static ElectionZnodes connect(ControllerConfig config) throws ControllerStartException {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk;
        try {
            zk = new ZooKeeper(config.quorum, config.sessionTimeoutMs, e -> {
                if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                    connected.countDown();
                }
            });
        } catch (IOException | IllegalArgumentException e) {
            throw new ControllerStartException(ControllerExit.NO_COORDINATOR,
                    "bad " + ControllerConfig.ZK_QUORUM + " '" + config.quorum + "': " + e.getMessage());
        }
        try {
            if (!connected.await(Math.max(config.sessionTimeoutMs, 5000), TimeUnit.MILLISECONDS)) {
                zk.close();
                throw new ControllerStartException(ControllerExit.NO_COORDINATOR, "cannot reach the coordinator at "
                        + ControllerConfig.ZK_QUORUM + "=" + config.quorum + " within "
                        + Math.max(config.sessionTimeoutMs, 5000) + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            try {
                zk.close();
            } catch (InterruptedException again) {
                Thread.currentThread().interrupt();
            }
            throw new ControllerStartException(ControllerExit.NO_COORDINATOR, "interrupted while connecting");
        }
        for (ZKUtil.ZKAuthInfo auth : config.auths) {
            zk.addAuthInfo(auth.getScheme(), auth.getAuth());
        }
        return new ElectionZnodes(config, zk);
    }

    boolean exists() throws KeeperException, InterruptedException {
        return zk.exists(config.electionPath, false) != null;
    }

    /**
     * {@code -formatZK}: an existing election znode is cleared only with {@code force} or the operator's
     * yes; returns the stock exit code.
     */
    int format(boolean force, boolean interactive, BufferedReader in, PrintStream out)
            throws KeeperException, InterruptedException, IOException {
        if (exists()) {
            if (!force && (!interactive || !confirm(in, out))) {
                out.println("Format of " + config.electionPath + " aborted: it exists (use -force to clear it)");
                return ControllerExit.FORMAT_DENIED;
            }
            try {
                org.apache.zookeeper.ZKUtil.deleteRecursive(zk, config.electionPath);
            } catch (KeeperException e) {
                out.println("Unable to clear " + config.electionPath + ": " + e.getMessage());
                return ControllerExit.FAILED;
            }
        }
        ensure();
        out.println("Successfully created " + config.electionPath + " in the coordinator.");
        return ControllerExit.OK;
    }

    private boolean confirm(BufferedReader in, PrintStream out) throws IOException {
        out.print("===============================================\n"
                + "The configured parent znode " + config.electionPath + " already exists.\n"
                + "Are you sure you want to clear all failover information from the coordinator?\n"
                + "WARNING: Before proceeding, ensure that all HDFS services and failover controllers are "
                + "stopped!\n===============================================\nProceed formatting "
                + config.electionPath + "? (Y or N) ");
        out.flush();
        String line = in.readLine();
        return line != null && line.trim().equalsIgnoreCase("y");
    }

    private void ensure() throws KeeperException, InterruptedException {
        StringBuilder prefix = new StringBuilder();
        for (String part : config.electionPath.substring(1).split("/")) {
            prefix.append('/').append(part);
            try {
                zk.create(prefix.toString(), new byte[0], config.acls, CreateMode.PERSISTENT);
            } catch (KeeperException.NodeExistsException exists) {
                // an ancestor shared with other nameservices
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        zk.close();
    }
}
