package io.paddock.hdfs;

import java.io.IOException;
import java.security.PrivilegedExceptionAction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.ha.ActiveStandbyElector.ActiveStandbyElectorCallback;
import org.apache.hadoop.ha.HAServiceProtocol;
import org.apache.hadoop.ha.HAServiceProtocol.HAServiceState;
import org.apache.hadoop.ha.HealthMonitor;
import org.apache.hadoop.ha.ServiceFailedException;
import org.apache.hadoop.ha.ZKFCProtocol;
import org.apache.hadoop.hdfs.tools.NNHAServiceTarget;
import org.apache.hadoop.ipc.RPC;
import org.apache.hadoop.security.AccessControlException;
import org.apache.hadoop.security.UserGroupInformation;
import org.apache.hadoop.security.authorize.AccessControlList;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The failover controller for one NameNode: the ZKFC state machine on Hadoop's public pieces.
 * Health decides whether the NameNode stands in the election; the elector decides whether it is
 * active; {@code ZKFCProtocol} lets {@code hdfs haadmin -failover} move the active role gracefully.
 *
 * <p>All decisions run on one event thread (health reports, coordinator events, RPC requests are
 * posted to it), so the controller has a single writer and no lock ordering to get wrong. Only
 * {@link #gracefulFailover()} waits off that thread, for the election it provoked.
 */
public final class FailoverController implements ActiveStandbyElectorCallback, ZKFCProtocol {
    private static final Logger LOG = LoggerFactory.getLogger(FailoverController.class);

    /** The outcome of one attempt to make the local NameNode active. */
    private record Attempt(long number, boolean succeeded, String detail) {
    }

    private final ControllerConfig config;
    private final ActiveNodeInfoCodec codec;
    private final byte[] localData;
    private final ControllerStatus status;
    private final ScheduledExecutorService events;
    private final LockElector elector;
    private final OldActiveFencer fencer;
    private final HealthWatch health;
    private final ControllerRpcServer rpc;
    private final StatusServer statusServer;
    private final AccessControlList admins;

    private HealthMonitor.State lastHealth = HealthMonitor.State.INITIALIZING;
    private HAServiceState lastServiceState;
    /** Consecutive health reports in which the NameNode was not in the role the lock gives it. */
    private int roleMismatches;
    /** {@link System#nanoTime()} when this controller's last transitionToActive completed. */
    private long activeSinceNanos;
    private long delayJoiningUntilNanos;
    private boolean recheckScheduled;
    private final Object attempts = new Object();
    private long attemptCount;
    private Attempt lastAttempt;
    /** The last health report said SERVICE_HEALTHY; guarded by {@link #attempts}, for gracefulFailover's wait. */
    private boolean healthyForFailover;

    FailoverController(ControllerConfig config) throws IOException {
        this.config = config;
        this.codec = new ActiveNodeInfoCodec(config);
        this.localData = codec.encode(config.local);
        this.status = new ControllerStatus(config.nameserviceId, config.namenodeId);
        this.events = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "paddock-fc-events-" + config.namenodeId);
            t.setDaemon(true);
            return t;
        });
        this.elector = new LockElector(config, this, events, status);
        this.fencer = new OldActiveFencer(config, codec, status);
        this.health = new HealthWatch(config, this::onHealth);
        this.rpc = new ControllerRpcServer(config, this);
        this.statusServer = new StatusServer(config.statusAddress, status);
        this.admins = new AccessControlList(config.conf.get("dfs.cluster.administrators", " "));
        this.activeSinceNanos = System.nanoTime();
    }

    /**
     * Starts a controller for the NameNode {@code conf} names: checks the election znode exists (exit
     * code 3 otherwise) and the coordinator answers (6), then serves RPC and status and starts
     * watching health.
     */
    public static FailoverController start(org.apache.hadoop.conf.Configuration conf) throws ControllerStartException,
            IOException, InterruptedException {
        ControllerConfig config = ControllerConfig.load(conf);
        try (ElectionZnodes znodes = ElectionZnodes.connect(config)) {
            if (!znodes.exists()) {
                throw new ControllerStartException(ControllerExit.NO_PARENT_ZNODE, "election znode "
                        + config.electionPath + " does not exist: run the controller with -formatZK first");
            }
        } catch (KeeperException e) {
            throw new ControllerStartException(ControllerExit.NO_COORDINATOR, "cannot read the election znode "
                    + config.electionPath + ": " + e.getMessage());
        }
        FailoverController fc = new FailoverController(config);
        // the event thread first, so it is never created inside an RPC caller's identity
        fc.onEvents(() -> {
            fc.elector.start();
            return null;
        });
        fc.rpc.start();
        fc.statusServer.start();
        fc.health.start();
        LOG.info("failover controller for {} started: RPC {}, status http://{}:{}/status, election {}",
                config.local, fc.rpc.address(), config.statusAddress.split(":")[0], fc.statusServer.port(),
                config.electionPath);
        return fc;
    }

    /** Leaves the election (the next active still fences this NameNode) and stops every thread. */
    public void stop() throws InterruptedException {
        LOG.info("failover controller for {} stopping: leaving the election", config.local);
        health.stop();
        rpc.stop();
        try {
            // bounded: a fencer hanging on the event thread must not block SIGTERM forever
            events.submit(() -> {
                elector.quitElection(true);
                elector.close();
            }).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.warn("leaving the election cleanly failed: {}; the session ends with the process", e.toString());
        }
        events.shutdownNow();
        events.awaitTermination(30, TimeUnit.SECONDS);
        statusServer.stop();
    }

    public String statusJson() {
        return status.toJson();
    }

    public int statusPort() {
        return statusServer.port();
    }

    ControllerStatus status() {
        return status;
    }

    /** For tests: the coordinator client of the current session (null between sessions). */
    org.apache.zookeeper.ZooKeeper coordinatorClient() throws IOException {
        return onEvents(elector::client);
    }

    /** For tests: whether a new coordinator session is scheduled to be opened later. */
    boolean coordinatorReconnectScheduled() throws IOException {
        return onEvents(elector::reconnectScheduled);
    }

    // ---- health ----

    private void onHealth(HealthMonitor.State state, HAServiceState serviceState, String detail, long takenAtNanos) {
        events.execute(() -> guarded(() -> {
            status.count("health_checks");
            synchronized (attempts) {
                healthyForFailover = state == HealthMonitor.State.SERVICE_HEALTHY;
                attempts.notifyAll();
            }
            lastHealth = state;
            lastServiceState = serviceState;
            status.health(state.name());
            status.localState(serviceState == null ? "UNKNOWN" : serviceState.name());
            if (leftActiveRoleByItself(serviceState, takenAtNanos)) {
                return;
            }
            recheckElectability();
        }));
    }

    /**
     * The lock says active but the NameNode reports standby twice in a row (someone ran
     * {@code haadmin -transitionToStandby --forcemanual}, or the NameNode stepped down): holding the
     * lock would leave the nameservice without an active NameNode, so leave the election for a
     * second and let the election run again. Only reports taken after this controller's own
     * transitionToActive completed count: the health thread keeps reporting while fencing and the
     * transition run on the event thread, and the reports queued meanwhile still say "standby".
     */
    private boolean leftActiveRoleByItself(HAServiceState serviceState, long takenAtNanos) {
        if (elector.state() != LockElector.State.ACTIVE) {
            roleMismatches = 0;
            return false;
        }
        if (takenAtNanos - activeSinceNanos < 0) {
            return false;
        }
        if (serviceState != HAServiceState.STANDBY) {
            roleMismatches = 0;
            return false;
        }
        if (++roleMismatches < 2) {
            return false;
        }
        roleMismatches = 0;
        LOG.warn("{} holds the lock but its NameNode is standby; leaving the election for 1 s", config.local);
        status.transition(new ControllerStatus.Transition(Instant.now(), "STANDBY",
                "the NameNode left the active role by itself", true, 0, null));
        delayJoiningUntilNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        elector.quitElection(true);
        recheckElectability();
        return true;
    }

    private void recheckElectability() {
        switch (lastHealth) {
            case SERVICE_HEALTHY -> {
                if (lastServiceState == HAServiceState.OBSERVER) {
                    // an observer NameNode must never be elected (HDFS-14961, HDFS-15023)
                    elector.quitElection(true);
                    return;
                }
                long waitNanos = delayJoiningUntilNanos - System.nanoTime();
                if (waitNanos > 0) {
                    if (!recheckScheduled) {
                        recheckScheduled = true;
                        events.schedule(() -> guarded(() -> {
                            recheckScheduled = false;
                            recheckElectability();
                        }), waitNanos, TimeUnit.NANOSECONDS);
                    }
                    return;
                }
                elector.joinElection(localData);
            }
            case INITIALIZING -> elector.quitElection(false);
            case SERVICE_UNHEALTHY, SERVICE_NOT_RESPONDING, HEALTH_MONITOR_FAILED -> elector.quitElection(true);
            default -> throw new IllegalStateException("health " + lastHealth);
        }
    }

    // ---- elector callbacks (event thread) ----

    @Override
    public void becomeActive() throws ServiceFailedException {
        long t0 = System.nanoTime();
        HAServiceProtocol proxy = null;
        try {
            proxy = config.local.getProxy(config.conf, config.newActiveTimeoutMs);
            LOG.info("transitioning {} to active", config.local);
            transition(proxy, true);
            activeSinceNanos = System.nanoTime();
            long ms = millisSince(t0);
            LOG.info("{} is active (transitionToActive took {} ms)", config.local, ms);
            status.transition(new ControllerStatus.Transition(Instant.now(), "ACTIVE", "won the election", true, ms, null));
            status.count("transitions_to_active");
            status.currentActive(config.namenodeId);
            recordAttempt(true, "Successfully transitioned " + config.local + " to active state in " + ms + " ms");
        } catch (Throwable t) {
            long ms = millisSince(t0);
            status.transition(new ControllerStatus.Transition(Instant.now(), "ACTIVE", "won the election", false, ms,
                    t.toString()));
            status.count("transition_failures");
            recordAttempt(false, "Couldn't make " + config.local + " active: " + t);
            throw new ServiceFailedException("Couldn't transition " + config.local + " to active", t);
        } finally {
            stopProxy(proxy);
        }
    }

    @Override
    public void becomeStandby() {
        toStandby("not the lock holder");
        refreshCurrentActive();
    }

    @Override
    public void enterNeutralMode() {
        LOG.info("coordinator unreachable: {} keeps its current state until the session is resolved", config.local);
    }

    @Override
    public void notifyFatalError(String errorMessage) {
        // this elector retries instead; kept for the contract
        LOG.error("elector reported: {}", errorMessage);
    }

    @Override
    public void fenceOldActive(byte[] oldActiveData) {
        try {
            fencer.fence(oldActiveData);
        } catch (IllegalStateException e) {
            recordAttempt(false, e.getMessage());
            throw e;
        }
    }

    // ---- ZKFCProtocol (RPC handler threads) ----

    @Override
    public void cedeActive(int millisToCede) throws IOException, AccessControlException {
        checkAdmin();
        onEvents(() -> {
            if (millisToCede <= 0) {
                delayJoiningUntilNanos = 0;
                recheckElectability();
                return null;
            }
            if (lastServiceState == HAServiceState.OBSERVER) {
                LOG.info("asked to cede, but the local NameNode is an observer and never in the election");
                return null;
            }
            LOG.info("asked to cede the active role for {} ms", millisToCede);
            boolean needFence = !toStandby("asked to cede the active role for " + millisToCede + " ms");
            delayJoiningUntilNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millisToCede);
            elector.quitElection(needFence);
            recheckElectability();
            return null;
        });
    }

    @Override
    public void gracefulFailover() throws IOException, AccessControlException {
        checkAdmin();
        // the other controllers are called as this daemon, not as the haadmin caller, whose
        // credentials do not reach this process on a secure cluster
        try {
            UserGroupInformation.getLoginUser().doAs((PrivilegedExceptionAction<Void>) () -> {
                doGracefulFailover();
                return null;
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private void doGracefulFailover() throws IOException {
        int timeout = config.gracefulFenceTimeoutMs * 2;
        HealthMonitor.State h = onEvents(() -> lastHealth);
        if (h != HealthMonitor.State.SERVICE_HEALTHY) {
            throw new ServiceFailedException(config.local + " is not currently healthy (" + h
                    + "). Cannot be failover target");
        }
        byte[] data = onEvents(elector::activeData);
        if (data == null) {
            throw new ServiceFailedException("No other node is currently active.");
        }
        NNHAServiceTarget oldActive = codec.decode(data);
        if (oldActive.getNameNodeId().equals(config.namenodeId)) {
            LOG.info("{} is already active; nothing to fail over", config.local);
            return;
        }
        long before;
        synchronized (attempts) {
            before = attemptCount;
        }
        // an operator asks for this NameNode: a back-off after an earlier failure must not make the
        // request wait for up to a minute
        onEvents(() -> {
            elector.endBackoff();
            return null;
        });
        List<ZKFCProtocol> ceded = new ArrayList<>();
        try {
            List<String> order = new ArrayList<>(config.otherNamenodeIds);
            order.remove(oldActive.getNameNodeId());
            order.add(oldActive.getNameNodeId());
            for (String nn : order) {
                ZKFCProtocol remote = config.target(nn).getZKFCProxy(config.conf, timeout);
                ceded.add(remote);
                remote.cedeActive(timeout);
            }
            Attempt attempt = awaitAttempt(before, timeout + 60_000L);
            for (ZKFCProtocol remote : ceded) {
                remote.cedeActive(-1);
            }
            if (attempt == null && !healthyForFailover()) {
                throw new ServiceFailedException("Unable to become active. " + config.local
                        + " became unhealthy while trying to fail over.");
            }
            if (attempt == null) {
                throw new ServiceFailedException("Unable to become active. " + config.local + " did not get an "
                        + "opportunity from the coordinator, or took too long to transition to active.");
            }
            if (!attempt.succeeded()) {
                throw new ServiceFailedException("Failed to become active. " + attempt.detail());
            }
            LOG.info("graceful failover to {} done: {}", config.local, attempt.detail());
        } finally {
            for (ZKFCProtocol remote : ceded) {
                RPC.stopProxy(remote);
            }
        }
    }

    // ---- helpers ----

    /** Moves the local NameNode to standby; false if it could not be told (it may still be active). */
    private boolean toStandby(String reason) {
        long t0 = System.nanoTime();
        HAServiceProtocol proxy = null;
        try {
            proxy = config.local.getProxy(config.conf, config.gracefulFenceTimeoutMs);
            transition(proxy, false);
            status.transition(new ControllerStatus.Transition(Instant.now(), "STANDBY", reason, true, millisSince(t0), null));
            status.count("transitions_to_standby");
            return true;
        } catch (Throwable t) {
            LOG.error("couldn't transition {} to standby: {}", config.local, t.toString());
            status.transition(new ControllerStatus.Transition(Instant.now(), "STANDBY", reason, false, millisSince(t0),
                    t.toString()));
            status.count("transition_failures");
            return false;
        } finally {
            stopProxy(proxy);
        }
    }

    private void refreshCurrentActive() {
        try {
            byte[] data = elector.activeData();
            status.currentActive(data == null ? null : codec.decode(data).getNameNodeId());
        } catch (Exception e) {
            LOG.debug("current active unknown: {}", e.toString());
        }
    }

    private void recordAttempt(boolean succeeded, String detail) {
        synchronized (attempts) {
            attemptCount++;
            lastAttempt = new Attempt(attemptCount, succeeded, detail);
            attempts.notifyAll();
        }
    }

    /**
     * The first attempt to become active after attempt number {@code after}; null after
     * {@code timeoutMs}, or as soon as the local NameNode is reported unhealthy (it then leaves the
     * election, so no attempt will come).
     */
    private Attempt awaitAttempt(long after, long timeoutMs) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        synchronized (attempts) {
            while (attemptCount <= after) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !healthyForFailover) {
                    return null;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(attempts, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while waiting to become active", e);
                }
            }
            return lastAttempt;
        }
    }

    private boolean healthyForFailover() {
        synchronized (attempts) {
            return healthyForFailover;
        }
    }

    private void checkAdmin() throws IOException {
        UserGroupInformation caller = UserGroupInformation.getCurrentUser();
        UserGroupInformation self = UserGroupInformation.getLoginUser();
        if (admins.isUserAllowed(caller) || caller.getShortUserName().equals(self.getShortUserName())) {
            return;
        }
        throw new AccessControlException("Disallowed RPC access from " + caller
                + ": not listed in dfs.cluster.administrators");
    }

    private <T> T onEvents(Callable<T> task) throws IOException {
        try {
            return events.submit(task).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException(cause.toString(), cause);
        }
    }

    /** A failure in one step is logged and reported, never allowed to kill the event thread. */
    private static void guarded(Runnable r) {
        try {
            r.run();
        } catch (Throwable t) {
            LOG.error("controller step failed; continuing", t);
        }
    }

    private static long millisSince(long t0) {
        return NameNodeRpc.millisSince(t0);
    }

    private static void stopProxy(Object proxy) {
        NameNodeRpc.stopProxy(proxy);
    }

    private static void transition(HAServiceProtocol proxy, boolean toActive) throws IOException {
        NameNodeRpc.transition(proxy, toActive);
    }

}
