package io.paddock.hdfs;

import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.ha.ActiveStandbyElector.ActiveStandbyElectorCallback;
import org.apache.hadoop.util.ZKUtil;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hadoop's {@code ActiveStandbyElector} contract on a stock ZooKeeper client, with the stock znode
 * layout: whoever creates the ephemeral {@code ActiveStandbyElectorLock} is active; the persistent
 * {@code ActiveBreadCrumb} names the last active so its successor fences it unless the data is its
 * own. Callbacks: becomeActive, becomeStandby, enterNeutralMode, fenceOldActive (notifyFatalError is
 * never called: every error here is retried).
 *
 * <p>Differences from the stock elector, on purpose: quitting the election deletes the lock but keeps
 * the session (the stock one closes it, churning sessions on every health flap); a failed fence or
 * transition releases the lock and retries with exponential back-off instead of every second
 * forever; a lost session is replaced inside the process instead of relying on a supervisor.
 *
 * <p>Threading: every method runs on the controller's single event thread, and ZooKeeper events are
 * posted to it, so no state here needs a lock. Events from a replaced session are dropped by
 * generation.
 */
final class LockElector {
    private static final Logger LOG = LoggerFactory.getLogger(LockElector.class);

    enum State { NOT_IN_ELECTION, NEUTRAL, ACTIVE, STANDBY, BACKING_OFF }

    private final ControllerConfig config;
    private final ActiveStandbyElectorCallback callback;
    private final ScheduledExecutorService events;
    private final ControllerStatus status;

    private ZooKeeper zk;
    private int generation;
    private Watcher watcher;
    private boolean connected;
    private boolean wantElection;
    private byte[] appData;
    private State state = State.NOT_IN_ELECTION;
    /** The role held when the session last disconnected, and that session, for a silent resume. */
    private State beforeNeutral = State.NEUTRAL;
    private long neutralSession;
    private int electionFailures;
    private int connectFailures;
    private ScheduledFuture<?> backoffRetry;
    /** During this back-off another controller took the lock and the local NameNode was told to be standby. */
    private boolean followedDuringBackoff;
    private ScheduledFuture<?> connectRetry;
    private boolean closed;

    LockElector(ControllerConfig config, ActiveStandbyElectorCallback callback, ScheduledExecutorService events,
            ControllerStatus status) {
        this.config = config;
        this.callback = callback;
        this.events = events;
        this.status = status;
    }

    State state() {
        return state;
    }

    long sessionId() {
        return zk == null ? 0 : zk.getSessionId();
    }

    ZooKeeper client() {
        return zk;
    }

    boolean reconnectScheduled() {
        return connectRetry != null && !connectRetry.isDone();
    }

    /** Opens the session; the election starts on {@link #joinElection}. */
    void start() {
        connect();
    }

    void joinElection(byte[] data) {
        appData = data.clone();
        wantElection = true;
        if (state == State.NOT_IN_ELECTION) {
            setState(State.NEUTRAL);
        }
        if (state != State.BACKING_OFF) {
            check();
        }
    }

    /**
     * Leaves the election. {@code needFence} false means the local NameNode is known to be out of the
     * active role, so its breadcrumb goes too and the next active does not fence it.
     */
    void quitElection(boolean needFence) {
        if (!wantElection && state == State.NOT_IN_ELECTION) {
            return;
        }
        LOG.info("quitting the election (fencing of this node {})", needFence ? "stays required" : "not needed");
        wantElection = false;
        cancelBackoff();
        if (state == State.ACTIVE && !needFence) {
            deleteOwnBreadcrumb();
        }
        releaseLock();
        setState(State.NOT_IN_ELECTION);
    }

    /** The current lock holder's data, or null when nobody holds it. */
    byte[] activeData() throws KeeperException, InterruptedException {
        if (zk == null) {
            throw new KeeperException.ConnectionLossException();
        }
        try {
            return zk.getData(config.lockPath(), false, null);
        } catch (KeeperException.NoNodeException e) {
            return null;
        }
    }

    void close() {
        closed = true;
        cancelBackoff();
        cancelReconnect();
        closeSession();
    }

    /**
     * Opens a new session, closing the current one and cancelling any scheduled reconnect first: the
     * controller never has two sessions, whichever path (expiry, rejected credentials, a lock that
     * could not be deleted, a scheduled retry) asked for a new one. A forgotten session would keep
     * heartbeating and could hold the lock forever.
     */
    private void connect() {
        cancelReconnect();
        closeSession();
        connected = false;
        int gen = ++generation;
        watcher = event -> {
            try {
                events.execute(() -> onEvent(gen, event));
            } catch (RejectedExecutionException stopped) {
                // the controller is stopping; its session's last events have no one to act on them
            }
        };
        try {
            zk = new ZooKeeper(config.quorum, config.sessionTimeoutMs, watcher);
            for (ZKUtil.ZKAuthInfo auth : config.auths) {
                zk.addAuthInfo(auth.getScheme(), auth.getAuth());
            }
            status.coordinator("CONNECTING", 0);
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot open a coordinator session to {}: {}; retrying", config.quorum, e.toString());
            zk = null;
            scheduleConnect();
        }
    }

    private void onEvent(int gen, WatchedEvent event) {
        if (gen != generation || closed || zk == null) {
            // from a session this elector has replaced or closed
            return;
        }
        if (event.getType() == Watcher.Event.EventType.None) {
            switch (event.getState()) {
                case SyncConnected, ConnectedReadOnly -> {
                    connected = true;
                    connectFailures = 0;
                    status.coordinator("CONNECTED", zk.getSessionId());
                    // only the first look after a reconnect of the same session may resume silently
                    State resumable = neutralSession == zk.getSessionId() ? beforeNeutral : State.NEUTRAL;
                    beforeNeutral = State.NEUTRAL;
                    if (state == State.BACKING_OFF && backoffRetry == null) {
                        setState(State.NEUTRAL);
                    }
                    check(resumable);
                }
                case Disconnected -> {
                    connected = false;
                    status.coordinator("DISCONNECTED", zk.getSessionId());
                    status.count("coordinator_disconnects");
                    enterNeutral();
                }
                case Expired -> {
                    LOG.warn("coordinator session 0x{} expired; opening a new one", Long.toHexString(zk.getSessionId()));
                    connected = false;
                    status.count("session_expiries");
                    enterNeutral();
                    connect();
                }
                case AuthFailed -> {
                    LOG.error("coordinator rejected the credentials of {}; retrying with back-off", ControllerConfig.ZK_AUTH);
                    connected = false;
                    status.coordinator("AUTH_FAILED", 0);
                    enterNeutral();
                    closeSession();
                    scheduleConnect();
                }
                default -> LOG.debug("coordinator event {}", event);
            }
            return;
        }
        if (config.lockPath().equals(event.getPath())) {
            if (state == State.BACKING_OFF) {
                followDuringBackoff();
            } else {
                check();
            }
        }
    }

    /**
     * A lock event while backing off: no attempt to take the lock before the back-off ends (that is
     * what keeps failing controllers from spinning), but a lock another controller took is followed
     * at once: the local NameNode is told to be standby and the status names the new active, instead
     * of all that waiting for the end of a back-off of up to a minute. The watch is set again.
     */
    private void followDuringBackoff() {
        if (!connected || closed) {
            return;
        }
        try {
            Stat stat = zk.exists(config.lockPath(), watcher);
            if (stat != null && stat.getEphemeralOwner() != zk.getSessionId() && !followedDuringBackoff) {
                LOG.info("another controller took the lock while this one backs off; following it as standby");
                followedDuringBackoff = true;
                callback.becomeStandby();
            }
        } catch (KeeperException e) {
            LOG.info("cannot look at the lock while backing off ({}); the back-off's end will", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A failover to this NameNode was requested (gracefulFailover): a back-off in progress ends now. */
    void endBackoff() {
        if (state != State.BACKING_OFF) {
            return;
        }
        LOG.info("back-off ended early: a failover to {} was requested", config.local);
        cancelBackoff();
        setState(State.NEUTRAL);
        check(afterBackoff());
    }

    /** The role to resume silently when a back-off ends: standby if it was followed meanwhile. */
    private State afterBackoff() {
        State resumable = followedDuringBackoff ? State.STANDBY : State.NEUTRAL;
        followedDuringBackoff = false;
        return resumable;
    }

    private void check() {
        check(State.NEUTRAL);
    }

    private void enterNeutral() {
        if (state == State.ACTIVE || state == State.STANDBY) {
            beforeNeutral = state;
            neutralSession = zk == null ? 0 : zk.getSessionId();
            setState(State.NEUTRAL);
            callback.enterNeutralMode();
        }
    }

    /**
     * Looks at the lock (leaving a watch on it) and takes it, follows it or waits for it.
     * {@code resumable} is the role this same session held before a disconnect: finding the lock as
     * it was, the role is resumed without repeating the NameNode transition.
     */
    private void check(State resumable) {
        if (!connected || !wantElection || state == State.BACKING_OFF || closed) {
            return;
        }
        try {
            Stat stat = zk.exists(config.lockPath(), watcher);
            if (stat == null) {
                try {
                    zk.create(config.lockPath(), appData, config.acls, CreateMode.EPHEMERAL);
                } catch (KeeperException.NodeExistsException raced) {
                    events.execute(this::check);
                    return;
                }
                zk.exists(config.lockPath(), watcher);
                LOG.info("took the lock {} (session 0x{})", config.lockPath(), Long.toHexString(zk.getSessionId()));
                if (state == State.ACTIVE) {
                    // the lock was deleted under this active (-formatZK -force, by hand) and taken
                    // again: the breadcrumb may be gone with it, and without it a successor would not
                    // fence this NameNode; so the full path again, as after any won election
                    LOG.warn("the lock vanished while {} was active and was taken again; rewriting the breadcrumb",
                            config.local);
                }
                becomeActive();
            } else if (stat.getEphemeralOwner() == zk.getSessionId()) {
                if (state == State.NEUTRAL && resumable == State.ACTIVE) {
                    LOG.info("reconnected; still active");
                    setState(State.ACTIVE);
                } else if (state != State.ACTIVE) {
                    becomeActive();
                }
            } else if (state == State.NEUTRAL && resumable == State.STANDBY) {
                LOG.info("still standby");
                setState(State.STANDBY);
                electionFailures = 0;
            } else if (state != State.STANDBY) {
                setState(State.STANDBY);
                electionFailures = 0;
                callback.becomeStandby();
            }
        } catch (KeeperException.ConnectionLossException | KeeperException.SessionExpiredException e) {
            LOG.info("coordinator connection lost while electing; continuing when it is back");
        } catch (KeeperException.NoNodeException e) {
            LOG.error("election znode {} does not exist: run the controller with -formatZK; retrying with back-off",
                    config.electionPath);
            backOff();
        } catch (KeeperException e) {
            LOG.error("election step failed: {}; retrying with back-off", e.toString());
            backOff();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void becomeActive() throws InterruptedException {
        try {
            Stat crumbStat = new Stat();
            byte[] previous = null;
            try {
                previous = zk.getData(config.breadcrumbPath(), false, crumbStat);
            } catch (KeeperException.NoNodeException absent) {
                // first active of this nameservice
            }
            if (previous != null && !Arrays.equals(previous, appData)) {
                callback.fenceOldActive(previous);
            }
            if (previous == null) {
                zk.create(config.breadcrumbPath(), appData, config.acls, CreateMode.PERSISTENT);
            } else {
                zk.setData(config.breadcrumbPath(), appData, crumbStat.getVersion());
            }
            callback.becomeActive();
            setState(State.ACTIVE);
            electionFailures = 0;
            status.count("elections_won");
        } catch (KeeperException.ConnectionLossException | KeeperException.SessionExpiredException e) {
            LOG.info("coordinator connection lost while becoming active; retrying when it is back");
            setState(State.NEUTRAL);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            LOG.error("could not become active: {}; releasing the lock and backing off", e.toString());
            releaseLock();
            backOff();
        }
    }

    /** After a failed election step: out of the election for 1 s, 2 s, 4 s ... up to the maximum. */
    private void backOff() {
        if (state == State.ACTIVE) {
            // the lock is lost or in doubt (its parent znode missing, an unexpected error) while the
            // local NameNode is active, and the breadcrumb may be gone too, so nobody would fence it:
            // it steps down now rather than stay active outside the election
            LOG.warn("cannot hold the lock while {} is active; moving it to standby", config.local);
            setState(State.BACKING_OFF);
            callback.becomeStandby();
            releaseLock();
        }
        setState(State.BACKING_OFF);
        cancelBackoff();
        followedDuringBackoff = false;
        watchLock();
        electionFailures++;
        long delay = delay(electionFailures);
        LOG.info("next election attempt in {} ms (failure {} in a row)", delay, electionFailures);
        backoffRetry = events.schedule(() -> {
            backoffRetry = null;
            if (closed) {
                return;
            }
            if (state == State.BACKING_OFF) {
                setState(State.NEUTRAL);
            }
            check(afterBackoff());
        }, delay, TimeUnit.MILLISECONDS);
    }

    /** Sets a watch on the lock, so a back-off hears when another controller takes it. */
    private void watchLock() {
        if (zk == null || !connected) {
            return;
        }
        try {
            zk.exists(config.lockPath(), watcher);
        } catch (KeeperException e) {
            LOG.debug("no watch on the lock during the back-off: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A session could not be opened or was refused: try again later, on its own schedule. */
    private void scheduleConnect() {
        cancelReconnect();
        connectFailures++;
        long delay = delay(connectFailures);
        LOG.info("next coordinator connection attempt in {} ms", delay);
        connectRetry = events.schedule(() -> {
            connectRetry = null;
            if (!closed) {
                connect();
            }
        }, delay, TimeUnit.MILLISECONDS);
    }

    private void cancelReconnect() {
        if (connectRetry != null) {
            connectRetry.cancel(false);
            connectRetry = null;
        }
    }

    private long delay(int failures) {
        return Math.min(config.maxBackoffMs, 1000L << Math.min(failures - 1, 16));
    }

    private void cancelBackoff() {
        if (backoffRetry != null) {
            backoffRetry.cancel(false);
            backoffRetry = null;
        }
    }

    /** Deletes the lock if this session holds it; if the coordinator cannot be told, drops the session. */
    private void releaseLock() {
        if (zk == null) {
            return;
        }
        try {
            Stat stat = zk.exists(config.lockPath(), false);
            if (stat != null && stat.getEphemeralOwner() == zk.getSessionId()) {
                zk.delete(config.lockPath(), stat.getVersion());
            }
        } catch (KeeperException.NoNodeException gone) {
            // released already
        } catch (KeeperException e) {
            LOG.warn("could not delete the lock ({}); closing the session so it expires", e.toString());
            connect();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void deleteOwnBreadcrumb() {
        if (zk == null) {
            return;
        }
        try {
            Stat stat = new Stat();
            byte[] data = zk.getData(config.breadcrumbPath(), false, stat);
            if (Arrays.equals(data, appData)) {
                zk.delete(config.breadcrumbPath(), stat.getVersion());
            }
        } catch (KeeperException e) {
            LOG.warn("could not delete this node's breadcrumb ({}); the next active will fence it", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Closes the current session, if any; until the next {@link #connect()} there is none. */
    private void closeSession() {
        if (zk != null) {
            try {
                zk.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            zk = null;
        }
    }

    private void setState(State s) {
        state = s;
        status.electorState(s.name());
    }
}
