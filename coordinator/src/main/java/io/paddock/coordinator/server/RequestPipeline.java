package io.paddock.coordinator.server;

import io.paddock.coordinator.acl.AuthInfo;
import io.paddock.coordinator.prepare.Access;
import io.paddock.coordinator.prepare.Preparer;
import io.paddock.coordinator.session.SessionIds;
import io.paddock.coordinator.session.SessionTracker;
import io.paddock.coordinator.tree.ApplyResult;
import io.paddock.coordinator.tree.DataTree;
import io.paddock.coordinator.tree.WatchTrigger;
import io.paddock.coordinator.tree.ZNode;
import io.paddock.coordinator.txn.Txn;
import io.paddock.coordinator.txn.TxnCodec;
import io.paddock.coordinator.txn.TxnEntry;
import io.paddock.coordinator.watch.WatchRegistry;
import io.paddock.coordinator.wire.CreateModes;
import io.paddock.coordinator.wire.ErrorCode;
import io.paddock.coordinator.wire.MultiCodec;
import io.paddock.coordinator.wire.MultiOp;
import io.paddock.coordinator.wire.OpCode;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.jute.Record;
import org.apache.zookeeper.proto.ConnectRequest;
import org.apache.zookeeper.proto.ConnectResponse;
import org.apache.zookeeper.proto.Create2Response;
import org.apache.zookeeper.proto.CreateResponse;
import org.apache.zookeeper.proto.ReplyHeader;
import org.apache.zookeeper.proto.SetACLResponse;
import org.apache.zookeeper.proto.SetDataResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request thread: the one place that owns the tree, the session table, the watches and the
 * pending view. Network threads hand it decoded requests; it answers reads directly, turns writes
 * into txns, hands them to the {@link GroupCommitter} and applies them once durable, in zxid order.
 *
 * <p>Per connection, requests are answered strictly in arrival order: a read waits behind the same
 * connection's earlier writes, so it sees them (ZooKeeper's FIFO client order).
 *
 * <p>In an ensemble the same thread also drives the Zab peer ({@link QuorumDriver}). Only the leader
 * prepares txns: it proposes them and applies each once committed. A follower or observer forwards
 * its clients' writes, session creations and syncs to the leader ({@link Relay}) and answers them
 * when the committed txn (matched by session id and xid) applies locally. Session expiry is the
 * leader's alone, fed by the touches learners relay. Whenever the role, leader or epoch changes,
 * every client connection is closed (clients reconnect, to this or another server, with their
 * session) and everything tied to the old leader is dropped.
 */
public final class RequestPipeline implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RequestPipeline.class);
    private static final int PING_XID = -2;
    private static final int AUTH_XID = -4;
    /** Body marker: the request body could not be decoded (answered with MARSHALLING_ERROR). */
    public static final Object MALFORMED = new Object();
    /** Body marker: an opcode a client may not send (answered with UNIMPLEMENTED, then closed). */
    public static final Object INVALID_OPCODE = new Object();

    private final ServerConfig config;
    private final DataTree tree;
    private final SessionTracker tracker;
    private final SessionIds sessionIds;
    private final WatchRegistry watches = new WatchRegistry();
    private final Preparer preparer;
    private final AccessControl accessControl;
    private final ReadHandler reads;
    private final ScheduledExecutorService thread;
    private final SnapshotScheduler snapshots;
    private final ServerStats stats;
    private final SecureRandom random = new SecureRandom();
    private GroupCommitter committer;

    private final Map<ClientConnection, ConnectionState> connections = new HashMap<>();
    private final Map<Long, ConnectionState> bySession = new HashMap<>();
    private final ArrayDeque<PendingTxn> awaitingDurable = new ArrayDeque<>();
    private final Set<ConnectionState> throttled = new HashSet<>();
    private long lastAssignedZxid;
    private int outstanding;
    private volatile boolean running;

    // ensemble mode (all null/empty when standalone)
    private QuorumDriver quorum;
    private long quorumGeneration = -1;
    private boolean leaderSessionsArmed;
    /** Learner: new sessions forwarded to the leader, by session id, until their txn applies. */
    private final Map<Long, PendingTxn> pendingConnects = new HashMap<>();
    /** Learner: syncs forwarded to the leader, until it names the zxid to wait for. */
    private final Map<SyncKey, ConnectionState> pendingSyncs = new HashMap<>();
    /** Syncs waiting for this server to apply up to a zxid. */
    private final List<SyncWait> syncWaits = new ArrayList<>();
    /** Learner: sessions with client activity since the last touch relayed to the leader. */
    private final Set<Long> touched = new HashSet<>();
    /** Leader: relayed requests that arrived before it caught up; run once it serves. */
    private final List<Runnable> deferred = new ArrayList<>();

    private record SyncKey(long sessionId, int xid) {}

    private record SyncWait(long zxid, ConnectionState st, ConnectionState.InFlight f) {}

    /** A txn handed to the log, waiting to be durable and applied. */
    private record PendingTxn(long zxid, TxnEntry entry, ConnectionState origin, ConnectionState.InFlight request,
                              ConnectResponse connectResponse) {}

    RequestPipeline(ServerConfig config, DataTree tree, AccessControl accessControl, SnapshotScheduler snapshots,
                    ServerStats stats, long serverId) {
        this.config = config;
        this.tree = tree;
        this.accessControl = accessControl;
        this.snapshots = snapshots;
        this.stats = stats;
        this.tracker = new SessionTracker(config.tickTimeMs());
        this.sessionIds = new SessionIds(serverId, System.currentTimeMillis());
        this.preparer = new Preparer(tree, config.extendedTypesEnabled());
        this.reads = new ReadHandler(tree, watches, accessControl);
        this.lastAssignedZxid = tree.lastZxid();
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "paddock-requests");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        this.thread = executor;
    }

    /** Starts expiry and cleanup timers. Sessions recovered from disk get a full timeout from now. */
    void start(GroupCommitter committer) {
        this.committer = committer;
        running = true;
        run(() -> {
            long now = monotonicMs();
            for (DataTree.SessionRecord s : tree.sessions().values()) {
                tracker.add(s.sessionId(), s.timeoutMs(), now);
            }
        });
        // Deadlines fall on tick boundaries (expiry buckets); checking only once per tick, unaligned,
        // let a session outlive its bucket by up to another tick (bench: ephemerals of a dead client
        // vanished ~7 s after a 4 s timeout). Checking ten times per tick costs a map peek.
        long expiryCheckMs = Math.max(1, config.tickTimeMs() / 10);
        thread.scheduleWithFixedDelay(() -> guarded(this::expireSessions), expiryCheckMs, expiryCheckMs,
                TimeUnit.MILLISECONDS);
        thread.scheduleWithFixedDelay(() -> guarded(this::cleanContainers), config.containerCheckIntervalMs(),
                config.containerCheckIntervalMs(), TimeUnit.MILLISECONDS);
        if (quorum != null) {
            long zabTick = QuorumTiming.zabTickMs(config.tickTimeMs());
            thread.scheduleWithFixedDelay(() -> guarded(quorum::tick), zabTick, zabTick, TimeUnit.MILLISECONDS);
            long touchEvery = Math.max(1, config.tickTimeMs() / 2);
            thread.scheduleWithFixedDelay(() -> guarded(this::relayTouches), touchEvery, touchEvery,
                    TimeUnit.MILLISECONDS);
            run(quorum::pump);
        }
    }

    /** Makes this pipeline an ensemble member driven by {@code driver}; call before {@link #start}. */
    void attachQuorum(QuorumDriver driver) {
        this.quorum = driver;
    }

    /** The callbacks through which the quorum driver reaches the tree; all on the request thread. */
    QuorumDriver.Host quorumHost() {
        return new QuorumDriver.Host() {
            @Override
            public void execute(Runnable task) {
                run(task);
            }

            @Override
            public void apply(io.paddock.coordinator.zab.Entry committed) {
                applyCommitted(committed);
            }

            @Override
            public void install(byte[] snapshot, long zxid) {
                installSnapshot(snapshot, zxid);
            }

            @Override
            public void relayed(long from, Relay relay) {
                onRelay(from, relay);
            }

            @Override
            public void stateChanged() {
                quorumStateChanged();
            }

            @Override
            public long appliedZxid() {
                return tree.lastZxid();
            }
        };
    }

    /** The snapshot a leader sends a learner too far behind for a DIFF: the applied tree, now. */
    io.paddock.coordinator.zab.ZabPeer.Snapshot takeSnapshot() {
        return new io.paddock.coordinator.zab.ZabPeer.Snapshot(tree.lastZxid(), tree.snapshotBytes());
    }

    // ================================================================== entry points (any thread)

    public void connectionOpened(ClientConnection conn) {
        run(() -> connections.put(conn, new ConnectionState(conn, System.currentTimeMillis(),
                accessControl.initialAuth(conn.remoteIp()))));
    }

    public void connectionClosed(ClientConnection conn) {
        run(() -> closed(conn));
    }

    public void connect(ClientConnection conn, ConnectRequest request) {
        run(() -> handleConnect(conn, request));
    }

    /** A decoded request: {@code body} is its record, a {@code List<MultiOp>} for multi, or null. */
    public void request(ClientConnection conn, int xid, int op, Object body) {
        run(() -> handleRequest(conn, xid, op, body));
    }

    /** Runs {@code f} on the request thread, for admin commands that read server state. */
    public <T> CompletableFuture<T> inspect(Function<ServerView, T> f) {
        CompletableFuture<T> result = new CompletableFuture<>();
        run(() -> result.complete(f.apply(view())));
        return result;
    }

    /** A four-letter word arrived on this connection (it shows in stat/cons as ZooKeeper shows it). */
    public void fourLetterWordReceived(ClientConnection conn) {
        run(() -> {
            ConnectionState st = connections.get(conn);
            if (st != null) {
                st.fourLetterWord = true;
                st.packetsReceived++;
                stats.packetsReceived++;
            }
        });
    }

    /** Resets the request counters (srst). */
    public void resetStats() {
        run(stats::reset);
    }

    void durable(long zxid) {
        run(() -> applyDurable(zxid));
    }

    private void run(Runnable task) {
        if (!running && committer != null) {
            return;
        }
        try {
            thread.execute(() -> guarded(task));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.debug("request thread stopped; dropping task");
        }
    }

    private static void guarded(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.error("unexpected error on the request thread", e);
        }
    }

    // ================================================================== connections and sessions

    private void closed(ClientConnection conn) {
        ConnectionState st = connections.remove(conn);
        if (st == null) {
            return;
        }
        watches.removeAll(conn);
        throttled.remove(st);
        outstanding -= st.inflight.size();
        st.inflight.clear();
        st.closing = true;
        if (st.sessionId != 0 && bySession.get(st.sessionId) == st) {
            bySession.remove(st.sessionId);
        }
    }

    private void handleConnect(ClientConnection conn, ConnectRequest req) {
        ConnectionState st = connections.get(conn);
        if (st == null) {
            return;
        }
        if (quorum != null && !quorum.serving()) {
            // ZooKeeper's answer too: a server without a leader closes the connection, and the
            // client tries the next server in its list.
            conn.close("not serving clients while " + quorum.publishedRole());
            return;
        }
        if (req.getLastZxidSeen() > tree.lastZxid()) {
            conn.close("client has seen zxid 0x" + Long.toHexString(req.getLastZxidSeen())
                    + " but our last zxid is 0x" + Long.toHexString(tree.lastZxid()));
            return;
        }
        int timeout = Math.max(config.minSessionTimeoutMs(), Math.min(config.maxSessionTimeoutMs(), req.getTimeOut()));
        long now = monotonicMs();
        if (req.getSessionId() == 0) {
            long sessionId = sessionIds.next();
            byte[] password = new byte[16];
            random.nextBytes(password);
            tracker.add(sessionId, timeout, now);
            st.sessionId = sessionId;
            st.timeoutMs = timeout;
            st.packetsReceived++;
            st.parkedUntilSession = new ArrayList<>();
            bySession.put(sessionId, st);
            ConnectResponse response = new ConnectResponse(0, timeout, sessionId, password, false);
            if (isLearner()) {
                pendingConnects.put(sessionId, new PendingTxn(0, null, st, null, response));
                touched.add(sessionId);
                if (!quorum.relay(quorum.peer().leaderId(), new Relay.CreateSession(sessionId, timeout, password))) {
                    dropClient(st, "leader unreachable");
                }
                return;
            }
            long zxid = peekZxid();
            TxnEntry entry = new TxnEntry(sessionId, 0, System.currentTimeMillis(),
                    new Txn.CreateSession(sessionId, timeout, password));
            submit(new PendingTxn(zxid, entry, st, null, response));
            return;
        }
        long sessionId = req.getSessionId();
        // Like ZooKeeper, a re-attach first drops the session's current connection, whether or not
        // the new attempt then proves the password.
        ConnectionState previous = bySession.get(sessionId);
        if (previous != null && previous != st) {
            bySession.remove(sessionId);
            previous.closing = true;
            previous.conn.close("session 0x" + Long.toHexString(sessionId) + " re-attaching from " + conn.remoteAddress());
        }
        DataTree.SessionRecord record = tree.sessions().get(sessionId);
        byte[] offered = req.getPasswd() == null ? new byte[0] : req.getPasswd();
        if (record == null || tracker.isClosing(sessionId) || !tracker.contains(sessionId)
                || !MessageDigest.isEqual(record.password(), offered)) {
            LOG.info("refusing re-attach of session 0x{} from {}: {}", Long.toHexString(sessionId),
                    conn.remoteAddress(), record == null || !tracker.contains(sessionId) ? "expired or unknown"
                            : tracker.isClosing(sessionId) ? "closing" : "wrong password");
            conn.sendConnectResponse(new ConnectResponse(0, 0, 0, new byte[16], false), true);
            return;
        }
        bySession.put(sessionId, st);
        tracker.add(sessionId, timeout, now);
        if (isLearner()) {
            touched.add(sessionId);
        }
        st.sessionId = sessionId;
        st.timeoutMs = timeout;
        st.packetsReceived++;
        st.lastOp = "SESS";
        conn.sendConnectResponse(new ConnectResponse(0, timeout, sessionId, record.password(), false), false);
    }

    private void expireSessions() {
        if (!decides()) {
            return;
        }
        for (long sessionId : tracker.expire(monotonicMs())) {
            LOG.info("session 0x{} expired", Long.toHexString(sessionId));
            stats.sessionsExpired++;
            long zxid = peekZxid();
            Txn txn = preparer.prepareCloseSession(zxid, sessionId);
            submit(new PendingTxn(zxid, new TxnEntry(sessionId, 0, System.currentTimeMillis(), txn), null, null, null));
        }
    }

    private void cleanContainers() {
        if (!decides()) {
            return;
        }
        long now = System.currentTimeMillis();
        int budget = Math.max(1, (int) ((long) config.containerMaxPerMinute() * config.containerCheckIntervalMs() / 60_000));
        List<String> candidates = new ArrayList<>();
        for (String path : tree.containers()) {
            ZNode n = tree.get(path);
            if (n != null && n.cversion() > 0 && n.numChildren() == 0) {
                candidates.add(path);
            }
        }
        for (String path : tree.ttlNodes()) {
            ZNode n = tree.get(path);
            if (n != null && n.numChildren() == 0 && now - n.mtime() > CreateModes.ttlOf(n.ephemeralOwner())) {
                candidates.add(path);
            }
        }
        candidates.sort(null);
        for (String path : candidates) {
            if (budget-- <= 0) {
                break;
            }
            long zxid = peekZxid();
            Txn txn = preparer.prepareDeleteContainer(zxid, path);
            if (txn != null) {
                submit(new PendingTxn(zxid, new TxnEntry(0, 0, now, txn), null, null, null));
            }
        }
    }

    // ================================================================== requests

    private void handleRequest(ClientConnection conn, int xid, int op, Object body) {
        ConnectionState st = connections.get(conn);
        if (st == null || st.sessionId == 0 || st.closing) {
            return;
        }
        if (st.parkedUntilSession != null) {
            st.parkedUntilSession.add(() -> handleRequest(conn, xid, op, body));
            return;
        }
        st.packetsReceived++;
        stats.packetsReceived++;
        if (!tracker.touch(st.sessionId, monotonicMs())) {
            conn.sendReply(new ReplyHeader(xid, tree.lastZxid(), ErrorCode.SESSION_EXPIRED), null);
            conn.close("request on expired or closing session 0x" + Long.toHexString(st.sessionId));
            st.closing = true;
            return;
        }
        if (isLearner()) {
            touched.add(st.sessionId);
        }
        if (xid == PING_XID || op == OpCode.PING) {
            if (st.inflight.isEmpty()) {
                send(st, new ReplyHeader(PING_XID, tree.lastZxid(), 0), null);
            } else {
                enqueueRead(st, PING_XID, OpCode.PING, null);
            }
            return;
        }
        if (op == OpCode.AUTH && body instanceof org.apache.zookeeper.proto.AuthPacket packet) {
            handleAuth(st, xid, packet);
            return;
        }
        long now = System.currentTimeMillis();
        ConnectionState.InFlight f = new ConnectionState.InFlight(xid, op, body, now);
        st.inflight.add(f);
        outstanding++;
        if (quorum != null && op == OpCode.SYNC && body != MALFORMED) {
            startSync(st, f);
        } else if (isLearner() && OpCode.isWrite(op) && body != MALFORMED && body != INVALID_OPCODE) {
            forward(st, f);
        } else if (OpCode.isWrite(op) && body != MALFORMED && body != INVALID_OPCODE) {
            long zxid = peekZxid();
            f.zxid = zxid;
            Txn txn;
            if (op == OpCode.CLOSE_SESSION) {
                tracker.setClosing(st.sessionId);
                txn = preparer.prepareCloseSession(zxid, st.sessionId);
            } else {
                Access access = accessControl.access(st.auth);
                if (op == OpCode.MULTI) {
                    @SuppressWarnings("unchecked")
                    List<MultiOp> ops = (List<MultiOp>) body;
                    txn = preparer.prepareMulti(zxid, st.sessionId, access, ops);
                } else {
                    txn = preparer.prepare(zxid, st.sessionId, access, op, (Record) body);
                }
            }
            submit(new PendingTxn(zxid, new TxnEntry(st.sessionId, xid, now, txn), st, f, null));
        }
        if (outstanding > config.globalOutstandingLimit() && throttled.add(st)) {
            conn.setReading(false);
        }
        drain(st);
    }

    private void enqueueRead(ConnectionState st, int xid, int op, Object body) {
        st.inflight.add(new ConnectionState.InFlight(xid, op, body, System.currentTimeMillis()));
        outstanding++;
    }

    private void handleAuth(ConnectionState st, int xid, org.apache.zookeeper.proto.AuthPacket packet) {
        AuthInfo updated = accessControl.authenticate(st.auth, packet.getScheme(), packet.getAuth(), st.conn.remoteIp());
        if (updated == null) {
            LOG.info("authentication with scheme '{}' failed for {}", packet.getScheme(), st.conn.remoteAddress());
            send(st, new ReplyHeader(xid, 0, ErrorCode.AUTH_FAILED), null);
            st.conn.close("authentication failed");
            st.closing = true;
            return;
        }
        st.auth = updated;
        send(st, new ReplyHeader(xid, 0, ErrorCode.OK), null);
    }

    /** Answers, in order, every request at the head of the connection's queue that can be answered. */
    private void drain(ConnectionState st) {
        while (!st.inflight.isEmpty() && !st.closing) {
            ConnectionState.InFlight head = st.inflight.peekFirst();
            if (head.zxid >= 0) {
                if (!head.done) {
                    return;
                }
                st.inflight.pollFirst();
                outstanding--;
                head.reply.run();
            } else {
                st.inflight.pollFirst();
                outstanding--;
                executeRead(st, head);
            }
            st.lastOp = LastOp.of(head.op);
            if (head.xid >= 0) {
                st.lastCxid = head.xid;
            }
            long latency = System.currentTimeMillis() - head.receivedMs;
            st.recordLatency(latency);
            stats.recordLatency(latency);
        }
        if (!throttled.isEmpty() && outstanding <= config.globalOutstandingLimit() / 2) {
            for (ConnectionState t : throttled) {
                t.conn.setReading(true);
            }
            throttled.clear();
        }
    }

    private void executeRead(ConnectionState st, ConnectionState.InFlight req) {
        if (req.request == MALFORMED) {
            send(st, new ReplyHeader(req.xid, tree.lastZxid(), ErrorCode.MARSHALLING_ERROR), null);
            return;
        }
        if (req.request == INVALID_OPCODE) {
            send(st, new ReplyHeader(req.xid, -1, ErrorCode.UNIMPLEMENTED), null);
            st.closing = true;
            st.conn.close("unimplemented opcode " + req.op);
            return;
        }
        if (req.op == OpCode.PING) {
            send(st, new ReplyHeader(PING_XID, tree.lastZxid(), 0), null);
            return;
        }
        if (req.op == OpCode.MULTI_READ) {
            @SuppressWarnings("unchecked")
            List<MultiOp> ops = (List<MultiOp>) req.request;
            List<MultiCodec.Result> results = reads.multiRead(st.conn, st.auth, ops);
            if (results == null) {
                send(st, new ReplyHeader(req.xid, tree.lastZxid(), ErrorCode.MARSHALLING_ERROR), null);
            } else {
                sendMulti(st, new ReplyHeader(req.xid, tree.lastZxid(), 0), results);
            }
            return;
        }
        ReadHandler.Reply reply = reads.execute(st.conn, st.sessionId, st.auth, req.op, req.request);
        // Every reply echoes the request's xid (SetWatches included: 3.9 clients number it normally).
        send(st, new ReplyHeader(req.xid, tree.lastZxid(), reply.err()), reply.body());
    }

    // ================================================================== writes

    /** The zxid the next txn will get: the leader's next proposal, or the standalone log's next entry. */
    private long peekZxid() {
        return quorum == null ? lastAssignedZxid + 1 : quorum.nextZxid();
    }

    private void submit(PendingTxn p) {
        awaitingDurable.add(p);
        if (quorum == null) {
            lastAssignedZxid = p.zxid();
            committer.append(p.zxid(), TxnCodec.encode(p.entry()));
            return;
        }
        long zxid = quorum.propose(TxnCodec.encode(p.entry()));
        if (zxid != p.zxid()) {
            throw new IllegalStateException("prepared for zxid 0x" + Long.toHexString(p.zxid()) + " but proposed as 0x"
                    + Long.toHexString(zxid));
        }
    }

    private void applyDurable(long durableZxid) {
        while (!awaitingDurable.isEmpty() && awaitingDurable.peekFirst().zxid() <= durableZxid) {
            applyOne(awaitingDurable.pollFirst());
        }
    }

    private void applyOne(PendingTxn p) {
        {
            ApplyResult result = tree.apply(p.zxid(), p.entry());
            preparer.applied(p.zxid());
            stats.txnsApplied++;
            for (WatchTrigger t : result.triggers()) {
                watches.trigger(t.path(), t.type(), p.zxid());
            }
            Txn txn = p.entry().txn();
            if (txn instanceof Txn.CreateSession) {
                ConnectionState origin = p.origin();
                if (origin != null && !origin.closing) {
                    origin.lastOp = "SESS";
                    origin.packetsSent++;
                    origin.lastZxidSent = p.zxid();
                    origin.conn.sendConnectResponse(p.connectResponse(), false);
                    List<Runnable> parked = origin.parkedUntilSession;
                    origin.parkedUntilSession = null;
                    if (parked != null) {
                        parked.forEach(Runnable::run);
                    }
                }
            } else if (txn instanceof Txn.CloseSession c) {
                sessionClosed(c.sessionId(), p);
            } else if (p.request() != null) {
                ConnectionState.InFlight f = p.request();
                f.done = true;
                f.reply = () -> replyToWrite(p.origin(), f, p.zxid(), txn, result);
                drain(p.origin());
            }
            if (txn instanceof Txn.CreateSession cs && !tracker.contains(cs.sessionId())) {
                // Every server tracks every session, so a new leader can expire any of them.
                tracker.add(cs.sessionId(), cs.timeoutMs(), monotonicMs());
            }
            if (!syncWaits.isEmpty()) {
                releaseSyncs();
            }
            snapshots.txnApplied(tree);
        }
    }

    private void sessionClosed(long sessionId, PendingTxn p) {
        tracker.remove(sessionId);
        ConnectionState owner = bySession.remove(sessionId);
        if (p.request() != null && p.origin() != null) {
            ConnectionState.InFlight f = p.request();
            f.done = true;
            ConnectionState origin = p.origin();
            f.reply = () -> {
                send(origin, new ReplyHeader(f.xid, p.zxid(), 0), null);
                origin.closing = true;
                origin.conn.close("session 0x" + Long.toHexString(sessionId) + " closed by the client");
            };
            drain(origin);
        }
        if (owner != null && owner != p.origin()) {
            owner.closing = true;
            owner.conn.close("session 0x" + Long.toHexString(sessionId) + " expired");
        }
    }

    private void replyToWrite(ConnectionState st, ConnectionState.InFlight f, long zxid, Txn txn, ApplyResult r) {
        if (f.op == OpCode.MULTI && txn instanceof Txn.Multi) {
            // A failed multi still answers err 0; the failure is in the per-op results.
            sendMulti(st, new ReplyHeader(f.xid, zxid, 0), multiResults(f, txn, r));
            return;
        }
        if (r.err() != ErrorCode.OK) {
            send(st, new ReplyHeader(f.xid, zxid, r.err()), null);
            return;
        }
        Record body = switch (f.op) {
            case OpCode.CREATE -> new CreateResponse(r.path());
            case OpCode.CREATE2, OpCode.CREATE_CONTAINER, OpCode.CREATE_TTL -> new Create2Response(r.path(), r.stat());
            case OpCode.SET_DATA -> new SetDataResponse(r.stat());
            case OpCode.SET_ACL -> new SetACLResponse(r.stat());
            default -> null;
        };
        send(st, new ReplyHeader(f.xid, zxid, 0), body);
    }

    private static List<MultiCodec.Result> multiResults(ConnectionState.InFlight f, Txn txn, ApplyResult r) {
        @SuppressWarnings("unchecked")
        List<MultiOp> ops = (List<MultiOp>) f.request;
        List<Txn> txns = ((Txn.Multi) txn).ops();
        List<MultiCodec.Result> out = new ArrayList<>(ops.size());
        for (int i = 0; i < ops.size(); i++) {
            ApplyResult sub = r.multi().get(i);
            if (txns.get(i) instanceof Txn.Error || sub.err() != ErrorCode.OK) {
                out.add(new MultiCodec.Result(OpCode.ERROR, sub.err(), null));
                continue;
            }
            out.add(switch (ops.get(i).type()) {
                case OpCode.CREATE -> new MultiCodec.Result(OpCode.CREATE, 0, new CreateResponse(sub.path()));
                case OpCode.CREATE2, OpCode.CREATE_CONTAINER, OpCode.CREATE_TTL ->
                        new MultiCodec.Result(OpCode.CREATE2, 0, new Create2Response(sub.path(), sub.stat()));
                case OpCode.SET_DATA -> new MultiCodec.Result(OpCode.SET_DATA, 0, new SetDataResponse(sub.stat()));
                case OpCode.DELETE -> new MultiCodec.Result(OpCode.DELETE, 0, null);
                default -> new MultiCodec.Result(OpCode.CHECK, 0, null);
            });
        }
        return out;
    }

    private void send(ConnectionState st, ReplyHeader header, Record body) {
        st.lastResponseMs = monotonicMs();
        st.packetsSent++;
        st.lastZxidSent = header.getZxid();
        stats.packetsSent++;
        st.conn.sendReply(header, body);
    }

    private void sendMulti(ConnectionState st, ReplyHeader header, List<MultiCodec.Result> results) {
        st.lastResponseMs = monotonicMs();
        st.packetsSent++;
        st.lastZxidSent = header.getZxid();
        stats.packetsSent++;
        st.conn.sendMultiReply(header, results);
    }

    // ================================================================== ensemble

    /** A follower or observer that is serving: it forwards writes to its leader. */
    private boolean isLearner() {
        return quorum != null && !quorum.leading();
    }

    /** Standalone, or the serving leader: the one server that prepares txns, expires sessions, reaps containers. */
    private boolean decides() {
        return quorum == null || quorum.leading() && quorum.serving();
    }

    private void dropClient(ConnectionState st, String why) {
        st.closing = true;
        st.conn.close(why);
    }

    private void forward(ConnectionState st, ConnectionState.InFlight f) {
        f.zxid = 0;
        if (f.op == OpCode.CLOSE_SESSION) {
            tracker.setClosing(st.sessionId);
        }
        st.forwarded.add(f);
        Relay.Request r = new Relay.Request(st.sessionId, f.xid, f.op, st.auth.clientAddress(), st.auth.ids(),
                f.request);
        if (!quorum.relay(quorum.peer().leaderId(), r)) {
            dropClient(st, "leader unreachable");
        }
    }

    /**
     * sync: answer once this server has applied everything the leader had proposed when it saw the
     * sync. The leader knows that point itself; a learner asks it, on the same ordered link as the
     * proposals, so the answer cannot overtake them.
     */
    private void startSync(ConnectionState st, ConnectionState.InFlight f) {
        f.zxid = 0;
        if (quorum.leading()) {
            waitForApplied(st, f, quorum.peer().lastZxid());
            return;
        }
        pendingSyncs.put(new SyncKey(st.sessionId, f.xid), st);
        if (!quorum.relay(quorum.peer().leaderId(), new Relay.Sync(st.sessionId, f.xid))) {
            dropClient(st, "leader unreachable");
        }
    }

    private void waitForApplied(ConnectionState st, ConnectionState.InFlight f, long zxid) {
        if (tree.lastZxid() >= zxid) {
            f.done = true;
            f.reply = () -> executeRead(st, f);
            drain(st);
        } else {
            syncWaits.add(new SyncWait(zxid, st, f));
        }
    }

    private void releaseSyncs() {
        long applied = tree.lastZxid();
        List<SyncWait> ready = new ArrayList<>();
        syncWaits.removeIf(w -> w.zxid() <= applied && ready.add(w));
        for (SyncWait w : ready) {
            w.f().done = true;
            w.f().reply = () -> executeRead(w.st(), w.f());
            drain(w.st());
        }
    }

    /** A committed entry: ours (proposed by this leader) or found by session and xid among forwarded requests. */
    private void applyCommitted(io.paddock.coordinator.zab.Entry e) {
        PendingTxn p;
        if (!awaitingDurable.isEmpty() && awaitingDurable.peekFirst().zxid() == e.zxid()) {
            p = awaitingDurable.pollFirst();
        } else {
            TxnEntry entry;
            try {
                entry = TxnCodec.decode(e.payload());
            } catch (java.io.IOException ex) {
                // A committed entry every server must apply: being unable to is fatal, never skippable.
                throw new IllegalStateException("committed entry 0x" + Long.toHexString(e.zxid()) + " is undecodable", ex);
            }
            p = matchForwarded(e.zxid(), entry);
        }
        applyOne(p);
        quorum.noteState();
    }

    private PendingTxn matchForwarded(long zxid, TxnEntry entry) {
        if (entry.txn() instanceof Txn.CreateSession cs) {
            PendingTxn waiting = pendingConnects.remove(cs.sessionId());
            if (waiting != null) {
                return new PendingTxn(zxid, entry, waiting.origin(), null, waiting.connectResponse());
            }
        } else {
            ConnectionState st = bySession.get(entry.sessionId());
            if (st != null && !st.forwarded.isEmpty() && st.forwarded.peekFirst().xid == entry.cxid()) {
                return new PendingTxn(zxid, entry, st, st.forwarded.pollFirst(), null);
            }
        }
        return new PendingTxn(zxid, entry, null, null, null);
    }

    private void installSnapshot(byte[] bytes, long zxid) {
        try {
            tree.replaceWith(io.paddock.coordinator.tree.TreeImage.readFrom(
                    new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes))));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("the leader's snapshot at 0x" + Long.toHexString(zxid) + " is unreadable", e);
        }
        preparer.reset();
        long now = monotonicMs();
        for (DataTree.SessionRecord s : tree.sessions().values()) {
            tracker.add(s.sessionId(), s.timeoutMs(), now);
        }
    }

    private void onRelay(long from, Relay relay) {
        if (relay instanceof Relay.SyncPoint sp) {
            ConnectionState st = pendingSyncs.remove(new SyncKey(sp.sessionId(), sp.xid()));
            if (st != null && !st.closing) {
                for (ConnectionState.InFlight f : st.inflight) {
                    if (f.xid == sp.xid() && f.op == OpCode.SYNC && !f.done) {
                        waitForApplied(st, f, sp.zxid());
                        break;
                    }
                }
            }
            return;
        }
        if (!quorum.leading()) {
            LOG.debug("ignoring {} from server {}: not leading", relay.getClass().getSimpleName(), from);
            return;
        }
        if (!quorum.serving()) {
            long generation = quorum.generation();
            deferred.add(() -> {
                if (quorum.generation() == generation) {
                    onRelay(from, relay);
                }
            });
            return;
        }
        long now = monotonicMs();
        if (relay instanceof Relay.Touch t) {
            for (long id : t.sessionIds()) {
                tracker.touch(id, now);
            }
        } else if (relay instanceof Relay.Sync sy) {
            quorum.relay(from, new Relay.SyncPoint(sy.sessionId(), sy.xid(), quorum.peer().lastZxid()));
        } else if (relay instanceof Relay.CreateSession cs) {
            tracker.add(cs.sessionId(), cs.timeoutMs(), now);
            long zxid = peekZxid();
            submit(new PendingTxn(zxid, new TxnEntry(cs.sessionId(), 0, System.currentTimeMillis(),
                    new Txn.CreateSession(cs.sessionId(), cs.timeoutMs(), cs.password())), null, null, null));
        } else if (relay instanceof Relay.Request rq) {
            long zxid = peekZxid();
            Txn txn;
            if (!tracker.touch(rq.sessionId(), now) && rq.op() != OpCode.CLOSE_SESSION) {
                txn = new Txn.Error(ErrorCode.SESSION_EXPIRED);
            } else if (rq.op() == OpCode.CLOSE_SESSION) {
                tracker.setClosing(rq.sessionId());
                txn = preparer.prepareCloseSession(zxid, rq.sessionId());
            } else {
                io.paddock.coordinator.acl.AuthInfo auth = io.paddock.coordinator.acl.AuthInfo.forClient(rq.clientAddress());
                for (org.apache.zookeeper.data.Id id : rq.ids()) {
                    auth = auth.plus(id);
                }
                Access access = accessControl.access(auth);
                if (rq.op() == OpCode.MULTI) {
                    @SuppressWarnings("unchecked")
                    List<MultiOp> ops = (List<MultiOp>) rq.body();
                    txn = preparer.prepareMulti(zxid, rq.sessionId(), access, ops);
                } else {
                    txn = preparer.prepare(zxid, rq.sessionId(), access, rq.op(), (Record) rq.body());
                }
            }
            submit(new PendingTxn(zxid, new TxnEntry(rq.sessionId(), rq.xid(), System.currentTimeMillis(), txn),
                    null, null, null));
        }
    }

    /** Role, leader or serving changed. */
    private void quorumStateChanged() {
        if (quorum.generation() != quorumGeneration) {
            quorumGeneration = quorum.generation();
            leaderSessionsArmed = false;
            for (ConnectionState st : new ArrayList<>(connections.values())) {
                if (st.sessionId != 0 && !st.closing) {
                    dropClient(st, "server is now " + quorum.publishedRole() + "; the client reconnects with its session");
                }
            }
            // Proposals of the old epoch still commit or vanish under the next leader; either way
            // they apply as plain entries from now on.
            awaitingDurable.clear();
            pendingConnects.clear();
            pendingSyncs.clear();
            syncWaits.clear();
            deferred.clear();
            touched.clear();
            preparer.reset();
        }
        if (quorum.leading() && quorum.serving()) {
            if (!leaderSessionsArmed) {
                // Like ZooKeeper, a new leader gives every session a full timeout from now.
                leaderSessionsArmed = true;
                long now = monotonicMs();
                for (DataTree.SessionRecord s : tree.sessions().values()) {
                    tracker.add(s.sessionId(), s.timeoutMs(), now);
                }
            }
            List<Runnable> waiting = new ArrayList<>(deferred);
            deferred.clear();
            waiting.forEach(Runnable::run);
        }
    }

    private void relayTouches() {
        if (!isLearner() || !quorum.serving() || touched.isEmpty()) {
            return;
        }
        long[] ids = touched.stream().mapToLong(Long::longValue).toArray();
        touched.clear();
        quorum.relay(quorum.peer().leaderId(), new Relay.Touch(ids));
    }

    // ================================================================== introspection

    private ServerView view() {
        List<ServerView.Connection> conns = new ArrayList<>();
        for (ConnectionState st : connections.values()) {
            conns.add(new ServerView.Connection(st.conn.remoteAddress(), st.sessionId, st.timeoutMs,
                    st.inflight.size(), st.packetsReceived, st.packetsSent, st.lastZxidSent, st.lastLatencyMs,
                    st.completed == 0 ? 0 : st.minLatencyMs, st.completed == 0 ? 0 : st.totalLatencyMs / st.completed,
                    st.maxLatencyMs, st.connectedAtMs, st.conn, st.fourLetterWord, st.lastOp, st.lastCxid,
                    st.lastResponseMs));
        }
        Map<Long, Set<String>> ephemerals = new HashMap<>();
        for (long sessionId : tree.sessions().keySet()) {
            Set<String> paths = tree.ephemeralsOf(sessionId);
            if (!paths.isEmpty()) {
                ephemerals.put(sessionId, Set.copyOf(paths));
            }
        }
        return new ServerView(tree.lastZxid(), tree.nodeCount(), tree.approximateDataSize(), tree.ephemeralCount(),
                tree.sessions().size(), outstanding, watches.watchCount(), watches.dataWatchSummary(),
                watches.dataPathsBySink(), conns, ephemerals, Map.copyOf(tree.sessions()), tracker.buckets(),
                new ServerView.Stats(stats.packetsReceived, stats.packetsSent,
                        stats.completed == 0 ? 0 : stats.minLatencyMs,
                        stats.completed == 0 ? 0.0 : (double) stats.totalLatencyMs / stats.completed,
                        stats.maxLatencyMs, stats.txnsApplied, stats.sessionsExpired), tree.digest(), quorumView());
    }

    private ServerView.Quorum quorumView() {
        if (quorum == null) {
            return null;
        }
        io.paddock.coordinator.zab.ZabPeer peer = quorum.peer();
        String mode = switch (peer.role()) {
            case LEADING -> "leader";
            case FOLLOWING -> "follower";
            case OBSERVING -> "observer";
            case LOOKING -> "looking";
        };
        return new ServerView.Quorum(mode, quorum.serving(), peer.leaderId(), peer.epoch(), peer.acceptedEpoch(),
                peer.currentEpoch(), peer.lastZxid(), peer.committedZxid(), peer.followers(), peer.syncedFollowers(),
                pendingSyncs.size() + syncWaits.size());
    }

    private static long monotonicMs() {
        return System.nanoTime() / 1_000_000L;
    }

    @Override
    public void close() {
        running = false;
        thread.shutdown();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
