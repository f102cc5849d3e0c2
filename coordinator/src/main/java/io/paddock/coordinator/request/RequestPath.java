package io.paddock.coordinator.request;

import io.paddock.coordinator.acl.AuthInfo;
import io.paddock.coordinator.admin.ServerView;
import io.paddock.coordinator.env.Cancellable;
import io.paddock.coordinator.env.Clock;
import io.paddock.coordinator.env.Defect;
import io.paddock.coordinator.env.Entropy;
import io.paddock.coordinator.env.SerialExecutor;
import io.paddock.coordinator.net.ClientConnection;
import io.paddock.coordinator.net.ClientRequestSink;
import io.paddock.coordinator.prepare.Preparer;
import io.paddock.coordinator.session.SessionIds;
import io.paddock.coordinator.tree.DataTree;
import io.paddock.coordinator.tree.TreeSnapshotView;
import io.paddock.coordinator.tree.ZNode;
import io.paddock.coordinator.watch.WatchRegistry;
import io.paddock.coordinator.wire.ClientRequest;
import io.paddock.coordinator.wire.CreateModes;
import io.paddock.coordinator.wire.ErrorCode;
import io.paddock.coordinator.zab.Entry;
import io.paddock.coordinator.zab.Message;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.proto.ConnectRequest;
import org.apache.zookeeper.proto.ReplyHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request path of one server: where decoded client requests and the replication driver's
 * callbacks arrive, and where they are routed to the part that handles them, all on one request
 * thread. Reads are answered from the tree in per-session FIFO order ({@link Connections},
 * {@link ReadHandler}); writes take the leader's write path ({@link LeaderWrites}) or, on a
 * learner, are forwarded ({@link LearnerForwarding}); committed txns are applied and answered by
 * the {@link Applier}; sessions are created, re-attached and expired by {@link Sessions}.
 *
 * <p>Whenever the role, leader or epoch changes, every client connection is closed (clients
 * reconnect, to this or another server, with their session) and everything tied to the old leader
 * is dropped.
 */
public final class RequestPath implements ClientRequestSink, Replication.Host {
    private static final Logger LOG = LoggerFactory.getLogger(RequestPath.class);

    /** The zoo.cfg settings the request path uses. */
    public record Settings(int tickTimeMs, int minSessionTimeoutMs, int maxSessionTimeoutMs,
                           int globalOutstandingLimit, boolean extendedTypesEnabled, long containerCheckIntervalMs,
                           int containerMaxPerMinute, int maxRelayBytes) {}

    private final Settings settings;
    private final DataTree tree;
    private final AccessControl access;
    private final Replication replication;
    private final SerialExecutor thread;
    private final Clock clock;
    private final ServerStats stats = new ServerStats();
    private final WatchRegistry watches = new WatchRegistry();
    private final Connections connections;
    private final ReadHandler reads;
    private final LeaderWrites leader;
    private final LearnerForwarding learner;
    private final AppliedWaits appliedWaits;
    private final Sessions sessions;
    private final Applier applier;
    private final Defect defect;
    private final ApplyObserver observer;
    private final List<Cancellable> timers = new ArrayList<>();
    /** Leader: relayed requests that arrived before it served; run once it does (same generation). */
    private final List<Runnable> deferred = new ArrayList<>();
    private long generation = -1;
    private boolean sessionsArmed;

    public RequestPath(Settings settings, DataTree tree, AccessControl access, Replication replication,
                       SerialExecutor thread, Clock clock, Entropy entropy, long sessionIdServer,
                       Consumer<DataTree> afterApply, ApplyObserver observer, Defect defect) {
        this.settings = settings;
        this.tree = tree;
        this.access = access;
        this.replication = replication;
        this.thread = thread;
        this.clock = clock;
        this.defect = defect;
        this.observer = observer;
        Preparer preparer = new Preparer(tree, settings.extendedTypesEnabled());
        this.connections = new Connections(watches, stats, clock, settings.globalOutstandingLimit());
        this.reads = new ReadHandler(tree, watches, access, connections, thread, defect);
        connections.answerReadsWith(reads);
        this.leader = new LeaderWrites(preparer, access, replication, clock);
        this.learner = new LearnerForwarding(replication);
        this.appliedWaits = new AppliedWaits(tree::lastZxid);
        this.sessions = new Sessions(new Sessions.Limits(settings.tickTimeMs(), settings.minSessionTimeoutMs(),
                settings.maxSessionTimeoutMs()), new SessionIds(sessionIdServer, clock.wallMillis()), entropy, clock,
                tree, connections, replication, leader, learner, appliedWaits, stats, defect);
        sessions.onEstablished(this::established);
        this.applier = new Applier(tree, preparer, watches, connections, sessions, leader, learner, appliedWaits,
                stats, afterApply, observer);
    }

    /** Starts the session, container and touch timers; recovered sessions get a full timeout from now. */
    public void start() {
        thread.execute(() -> {
            sessions.armAll(false);
            observer.installed(tree.lastZxid(), tree.digest());
        });
        // Deadlines fall on bucket boundaries; checking once per bucket ends a session within one
        // bucket of its deadline, for the cost of a map peek.
        timers.add(thread.scheduleRepeating(() -> {
            if (decides()) {
                sessions.expire();
            }
        }, Sessions.expiryGranularityMs(settings.tickTimeMs())));
        timers.add(thread.scheduleRepeating(() -> {
            if (decides()) {
                cleanContainers();
            }
        }, settings.containerCheckIntervalMs()));
        timers.add(thread.scheduleRepeating(() -> {
            if (replication.learning() && replication.serving()) {
                learner.relayTouches();
            }
        }, Sessions.touchRelayMs(settings.tickTimeMs())));
    }

    public void stop() {
        timers.forEach(Cancellable::cancel);
    }

    /** The serving leader (or standalone server): prepares txns, expires sessions, reaps containers. */
    private boolean decides() {
        return replication.leading() && replication.serving();
    }

    // ================================================================== client input (any thread)

    @Override
    public void opened(ClientConnection c) {
        thread.execute(() -> connections.opened(c, access.initialAuth(c.remoteIp())));
    }

    @Override
    public void connect(ClientConnection c, ConnectRequest request) {
        thread.execute(() -> {
            ConnectionState st = connections.get(c);
            if (st != null && st.sessionId == 0 && !st.closing) {
                sessions.connect(st, request);
            }
        });
    }

    @Override
    public void request(ClientConnection c, ClientRequest request) {
        thread.execute(() -> {
            ConnectionState st = connections.get(c);
            if (st == null || st.closing) {
                return;
            }
            // Clients may pipeline requests right behind their connect request (the Netty client
            // sends auth, SetWatches and queued requests without waiting): they wait for the session.
            if (st.parked != null) {
                st.parked.add(request);
                return;
            }
            if (st.sessionId == 0) {
                return;
            }
            process(st, request);
        });
    }

    @Override
    public void fourLetterWord(ClientConnection c) {
        thread.execute(() -> {
            ConnectionState st = connections.get(c);
            if (st != null) {
                st.fourLetterWord = true;
                st.packetsReceived++;
                stats.packetsReceived++;
            }
        });
    }

    @Override
    public void closed(ClientConnection c) {
        thread.execute(() -> connections.closed(c));
    }

    // ================================================================== requests (request thread)

    /** The session is established here: requests that waited for it run, in order. */
    private void established(ConnectionState st) {
        List<ClientRequest> waiting = st.parked;
        st.parked = null;
        if (waiting != null) {
            for (ClientRequest r : waiting) {
                if (st.closing) {
                    return;
                }
                process(st, r);
            }
        }
    }

    private void process(ConnectionState st, ClientRequest request) {
        st.packetsReceived++;
        stats.packetsReceived++;
        if (!sessions.touch(st.sessionId)) {
            if (!st.inflight.isEmpty()) {
                // Like ZooKeeper, dropped unanswered: an answer now would overtake the replies still
                // owed (a ping sent behind closeSession, say); the close or expiry ends the connection.
                return;
            }
            st.conn.sendReply(new ReplyHeader(request.xid(), tree.lastZxid(), ErrorCode.SESSION_EXPIRED), null);
            connections.drop(st, "request on expired or closing session 0x" + Long.toHexString(st.sessionId));
            return;
        }
        if (request instanceof ClientRequest.Auth a) {
            authenticate(st, a);
            return;
        }
        if (request instanceof ClientRequest.Sync) {
            sync(st, connections.enqueue(st, request, true));
        } else if (request instanceof ClientRequest.TxnRequest t) {
            ConnectionState.InFlight f = connections.enqueue(st, request, true);
            if (t instanceof ClientRequest.CloseSession) {
                sessions.closing(st.sessionId);
            }
            if (replication.learning()) {
                if (!learner.write(st, f, t)) {
                    connections.drop(st, "leader unreachable");
                }
            } else {
                leader.write(st.sessionId, st.auth, t, st, f);
            }
        } else {
            connections.enqueue(st, request, false);
        }
        connections.drain(st);
    }

    private void authenticate(ConnectionState st, ClientRequest.Auth a) {
        AuthInfo updated = access.authenticate(st.auth, a.scheme(), a.data(), st.conn.remoteIp());
        if (updated == null) {
            LOG.info("authentication with scheme '{}' failed for {}", a.scheme(), st.conn.remoteAddress());
            connections.send(st, new ReplyHeader(a.xid(), 0, ErrorCode.AUTH_FAILED), null);
            connections.drop(st, "authentication failed");
            return;
        }
        st.auth = updated;
        connections.send(st, new ReplyHeader(a.xid(), 0, ErrorCode.OK), null);
    }

    /**
     * sync: answer once this server has applied everything the leader had proposed when it saw the
     * sync. The leader knows that point itself; a learner asks it, on the same ordered link as the
     * proposals, so the answer cannot overtake them.
     */
    private void sync(ConnectionState st, ConnectionState.InFlight f) {
        if (replication.learning()) {
            if (!learner.sync(st, f)) {
                connections.drop(st, "leader unreachable");
            }
            return;
        }
        syncedAt(st, f, replication.lastProposedZxid());
    }

    private void syncedAt(ConnectionState st, ConnectionState.InFlight f, long zxid) {
        appliedWaits.after(zxid, () -> connections.complete(st, f, () -> reads.answer(st, f)));
    }

    private void cleanContainers() {
        long now = clock.wallMillis();
        int budget = Math.max(1, (int) ((long) settings.containerMaxPerMinute() * settings.containerCheckIntervalMs()
                / 60_000));
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
            leader.deleteContainer(path);
        }
    }

    // ================================================================== replication callbacks (request thread)

    @Override
    public void apply(Entry committed) {
        applier.apply(committed);
    }

    @Override
    public void install(DataInputStream body, long zxid) {
        applier.install(body, zxid);
    }

    @Override
    public long appliedZxid() {
        return tree.lastZxid();
    }

    /**
     * The state a leader sends a learner too far behind for a DIFF: the applied tree, as a view opened
     * now in O(1) and written later by the transport on a thread of its own (request thread only).
     */
    public TreeSnapshotView openImage() {
        return tree.image();
    }

    /** Views of the tree opened and not yet released (any thread; diagnostics and tests). */
    public int openImages() {
        return tree.openViews();
    }

    @Override
    public void relayed(long from, Message.Relay frame) {
        Relay relay;
        try {
            relay = Relay.unwrap(frame, settings.maxRelayBytes());
        } catch (IOException e) {
            LOG.warn("dropping a malformed relay from server {}: {}", from, e.getMessage());
            return;
        }
        if (relay instanceof Relay.SyncPoint sp) {
            ConnectionState st = learner.syncAnswered(sp);
            if (st != null && !st.closing) {
                for (ConnectionState.InFlight f : st.inflight) {
                    if (f.xid() == sp.xid() && f.request instanceof ClientRequest.Sync && !f.done) {
                        syncedAt(st, f, sp.zxid());
                        break;
                    }
                }
            }
            return;
        }
        if (relay instanceof Relay.ReattachAnswer a) {
            sessions.reattachAnswered(a);
            return;
        }
        if (!replication.leading()) {
            LOG.debug("ignoring {} from server {}: not leading", relay.getClass().getSimpleName(), from);
            return;
        }
        if (!replication.serving()) {
            long gen = replication.generation();
            deferred.add(() -> {
                if (replication.generation() == gen) {
                    toLeader(from, relay);
                }
            });
            return;
        }
        toLeader(from, relay);
    }

    /** What learners ask of the serving leader. */
    private void toLeader(long from, Relay relay) {
        if (relay instanceof Relay.Touch t) {
            sessions.touchedElsewhere(t.sessionIds());
        } else if (relay instanceof Relay.Sync sy) {
            replication.send(from, Relay.wrap(new Relay.SyncPoint(sy.sessionId(), sy.xid(),
                    replication.lastProposedZxid())));
        } else if (relay instanceof Relay.CreateSession cs) {
            sessions.createdElsewhere(cs);
        } else if (relay instanceof Relay.Reattach r) {
            sessions.reattachRequested(from, r);
        } else if (relay instanceof Relay.Request rq) {
            boolean close = rq.request() instanceof ClientRequest.CloseSession;
            if (!sessions.touch(rq.sessionId()) && !close) {
                leader.expired(rq.sessionId(), rq.request().xid());
                return;
            }
            if (close) {
                sessions.closing(rq.sessionId());
            }
            AuthInfo auth = AuthInfo.forClient(rq.clientAddress());
            for (Id id : rq.ids()) {
                auth = auth.plus(id);
            }
            leader.write(rq.sessionId(), auth, rq.request(), null, null);
        }
    }

    @Override
    public void stateChanged() {
        if (replication.generation() != generation) {
            generation = replication.generation();
            sessionsArmed = false;
            connections.dropAllSessions("server is now " + replication.roleName()
                    + "; the client reconnects with its session");
            // Proposals of the old epoch still commit or vanish under the next leader; either way
            // they apply as plain entries from now on.
            leader.reset();
            learner.reset();
            appliedWaits.clear();
            deferred.clear();
        }
        if (decides()) {
            if (!sessionsArmed) {
                // Like ZooKeeper, a new leader gives every session a full timeout from now.
                sessionsArmed = true;
                sessions.armAll(false);
            }
            List<Runnable> waiting = new ArrayList<>(deferred);
            deferred.clear();
            waiting.forEach(Runnable::run);
        }
    }

    // ================================================================== admin

    /** A consistent view of the server, taken on the request thread. */
    public CompletableFuture<ServerView> view() {
        CompletableFuture<ServerView> result = new CompletableFuture<>();
        thread.execute(() -> result.complete(ServerViews.of(tree, connections, watches, stats,
                sessions.expiryBuckets(), replication.view(learner.pendingSyncs() + appliedWaits.size()))));
        return result;
    }

    /** srst. */
    public void resetStats() {
        thread.execute(stats::reset);
    }
}
