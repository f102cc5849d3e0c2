package io.paddock.coordinator.request;

import io.paddock.coordinator.env.Clock;
import io.paddock.coordinator.env.Defect;
import io.paddock.coordinator.env.Entropy;
import io.paddock.coordinator.session.SessionIds;
import io.paddock.coordinator.session.SessionTracker;
import io.paddock.coordinator.tree.DataTree;
import io.paddock.coordinator.txn.Txn;
import java.security.MessageDigest;
import java.util.function.Consumer;
import org.apache.zookeeper.proto.ConnectRequest;
import org.apache.zookeeper.proto.ConnectResponse;
import org.apache.zookeeper.proto.ReplyHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sessions: creating one, re-attaching a client to one, tracking liveness and expiring. Creation
 * and closing are txns, so every server applies them at the same zxid; liveness and expiry are the
 * leader's alone (learners relay activity). A re-attach on a learner is validated by the leader,
 * as in ZooKeeper: a learner's own state may lag, and accepting a session the leader already
 * expired would let two clients believe they own the same ephemeral lock. Request thread only.
 */
final class Sessions {
    private static final Logger LOG = LoggerFactory.getLogger(Sessions.class);
    private static final int PASSWORD_BYTES = 16;

    /** The session limits of zoo.cfg. */
    record Limits(int tickTimeMs, int minSessionTimeoutMs, int maxSessionTimeoutMs) {}

    private final Limits limits;
    private final SessionTracker tracker;
    private final SessionIds ids;
    private final Entropy entropy;
    private final Clock clock;
    private final DataTree tree;
    private final Connections connections;
    private final Replication replication;
    private final LeaderWrites leader;
    private final LearnerForwarding learner;
    private final AppliedWaits appliedWaits;
    private final ServerStats stats;
    private final Defect defect;
    private Consumer<ConnectionState> onEstablished = st -> { };

    Sessions(Limits limits, SessionIds ids, Entropy entropy, Clock clock, DataTree tree, Connections connections,
             Replication replication, LeaderWrites leader, LearnerForwarding learner, AppliedWaits appliedWaits,
             ServerStats stats, Defect defect) {
        this.limits = limits;
        this.tracker = new SessionTracker(expiryGranularityMs(limits.tickTimeMs()));
        this.ids = ids;
        this.entropy = entropy;
        this.clock = clock;
        this.tree = tree;
        this.connections = connections;
        this.replication = replication;
        this.leader = leader;
        this.learner = learner;
        this.appliedWaits = appliedWaits;
        this.stats = stats;
        this.defect = defect;
    }

    /** Where a connection goes once its session is established here (its parked requests run). */
    void onEstablished(Consumer<ConnectionState> c) {
        this.onEstablished = c;
    }

    // ------------------------------------------------------------------ connect and re-attach

    void connect(ConnectionState st, ConnectRequest req) {
        if (!replication.serving()) {
            // ZooKeeper's answer too: a server without a leader closes the connection, and the
            // client tries the next server in its list.
            connections.drop(st, "not serving clients while " + replication.roleName());
            return;
        }
        // Defence in depth: a re-attach on a learner waits for the leader's zxid anyway, and a new
        // session is answered only after its createSession applied here.
        if (req.getLastZxidSeen() > tree.lastZxid()) {
            connections.drop(st, "client has seen zxid 0x" + Long.toHexString(req.getLastZxidSeen())
                    + " but our last zxid is 0x" + Long.toHexString(tree.lastZxid()));
            return;
        }
        int timeout = Math.max(limits.minSessionTimeoutMs(), Math.min(limits.maxSessionTimeoutMs(), req.getTimeOut()));
        st.packetsReceived++;
        st.timeoutMs = timeout;
        st.park();
        if (req.getSessionId() == 0) {
            create(st, timeout);
        } else {
            reattach(st, req.getSessionId(), timeout, req.getPasswd() == null ? new byte[0] : req.getPasswd());
        }
    }

    private void create(ConnectionState st, int timeout) {
        long sessionId = ids.next();
        byte[] password = new byte[PASSWORD_BYTES];
        entropy.nextBytes(password);
        tracker.add(sessionId, timeout, clock.monotonicMillis());
        connections.bind(st, sessionId);
        ConnectResponse response = new ConnectResponse(0, timeout, sessionId, password, false);
        if (replication.learning()) {
            if (!learner.createSession(st, sessionId, timeout, password, response)) {
                connections.drop(st, "leader unreachable");
            }
        } else {
            leader.createSession(sessionId, timeout, password, st, response);
        }
    }

    private void reattach(ConnectionState st, long sessionId, int timeout, byte[] offered) {
        // Like ZooKeeper, a re-attach first drops the session's current connection, whether or not
        // the new attempt then proves the password.
        ConnectionState previous = connections.owner(sessionId);
        if (previous != null && previous != st) {
            connections.unbind(sessionId);
            connections.drop(previous, "session 0x" + Long.toHexString(sessionId) + " re-attaching from "
                    + st.conn.remoteAddress());
        }
        if (replication.learning() && defect != Defect.REATTACH_FROM_LOCAL_STATE) {
            ConnectionState earlier = learner.supersedeReattach(sessionId);
            if (earlier != null && earlier != st) {
                connections.drop(earlier, "session 0x" + Long.toHexString(sessionId) + " re-attaching again from "
                        + st.conn.remoteAddress());
            }
            if (!learner.reattach(st, sessionId, timeout, offered)) {
                connections.drop(st, "leader unreachable");
            }
            return;
        }
        String refusal = localRefusal(sessionId, offered);
        if (refusal != null) {
            refuse(st, sessionId, refusal);
            return;
        }
        tracker.add(sessionId, timeout, clock.monotonicMillis());
        if (replication.learning()) {
            learner.touched(sessionId);
        }
        accept(st, sessionId, timeout);
    }

    /** Why this server's own state refuses the session, or null. */
    private String localRefusal(long sessionId, byte[] offered) {
        DataTree.SessionRecord record = tree.sessions().get(sessionId);
        if (record == null || !tracker.contains(sessionId)) {
            return "expired or unknown";
        }
        if (tracker.isClosing(sessionId)) {
            return "closing";
        }
        return MessageDigest.isEqual(record.password(), offered) ? null : "wrong password";
    }

    /** Leader: a learner asks whether a client may re-attach. */
    void reattachRequested(long from, Relay.Reattach r) {
        String refusal = localRefusal(r.sessionId(), r.password());
        if (refusal == null) {
            // the renegotiated timeout, and a fresh one from now
            tracker.add(r.sessionId(), r.timeoutMs(), clock.monotonicMillis());
        } else {
            LOG.info("refusing re-attach of session 0x{} through server {}: {}", Long.toHexString(r.sessionId()), from,
                    refusal);
        }
        replication.send(from, Relay.wrap(new Relay.ReattachAnswer(r.sessionId(), r.requestId(), refusal == null,
                replication.lastProposedZxid())));
    }

    /** Learner: the leader's verdict; the client is answered once everything it implies is applied here. */
    void reattachAnswered(Relay.ReattachAnswer a) {
        LearnerForwarding.PendingReattach p = learner.reattachAnswered(a);
        if (p == null || p.st().closing) {
            return;
        }
        if (!a.valid()) {
            refuse(p.st(), a.sessionId(), "expired or unknown at the leader");
            return;
        }
        appliedWaits.after(a.zxid(), () -> {
            if (p.st().closing) {
                return;
            }
            String refusal = localRefusal(p.sessionId(), p.password());
            if (refusal != null) {
                refuse(p.st(), p.sessionId(), refusal);
                return;
            }
            tracker.add(p.sessionId(), p.timeoutMs(), clock.monotonicMillis());
            learner.touched(p.sessionId());
            accept(p.st(), p.sessionId(), p.timeoutMs());
        });
    }

    private void accept(ConnectionState st, long sessionId, int timeout) {
        DataTree.SessionRecord record = tree.sessions().get(sessionId);
        // two re-attaches through a learner can both be approved: the one accepted last keeps the session
        ConnectionState other = connections.owner(sessionId);
        if (other != null && other != st) {
            connections.unbind(sessionId);
            connections.drop(other, "session 0x" + Long.toHexString(sessionId) + " re-attached from "
                    + st.conn.remoteAddress());
        }
        connections.bind(st, sessionId);
        st.timeoutMs = timeout;
        st.lastOp = "SESS";
        st.conn.sendConnectResponse(new ConnectResponse(0, timeout, sessionId, record.password(), false), false);
        established(st);
    }

    private void refuse(ConnectionState st, long sessionId, String why) {
        LOG.info("refusing re-attach of session 0x{} from {}: {}", Long.toHexString(sessionId), st.conn.remoteAddress(),
                why);
        st.closing = true;
        st.conn.sendConnectResponse(new ConnectResponse(0, 0, 0, new byte[PASSWORD_BYTES], false), true);
    }

    private void established(ConnectionState st) {
        onEstablished.accept(st);
    }

    // ------------------------------------------------------------------ liveness

    /** Client activity on an established session; false when it is unknown or closing here. */
    boolean touch(long sessionId) {
        if (!tracker.touch(sessionId, clock.monotonicMillis())) {
            return false;
        }
        if (replication.learning()) {
            learner.touched(sessionId);
        }
        return true;
    }

    /** Leader: activity a learner relayed. */
    void touchedElsewhere(long[] sessionIds) {
        long now = clock.monotonicMillis();
        for (long id : sessionIds) {
            tracker.touch(id, now);
        }
    }

    /** A closeSession is on its way: later requests of the session fail, and expiry leaves it alone. */
    /**
     * The width of an expiry bucket, and how often the leader checks them: a tenth of a tick, at
     * most 50 ms. A session then ends within 50 ms of its deadline. (ZooKeeper rounds deadlines up
     * to a whole tick, so a session outlives its timeout by up to 2 s with the default tickTime; a
     * failover controller waiting for the expiry of a dead peer's session waits that long too.)
     */
    static long expiryGranularityMs(long tickMs) {
        return Math.max(1, Math.min(50, tickMs / 10));
    }

    /**
     * How often a learner relays its clients' activity to the leader: half a tick, at most 50 ms.
     * The leader times a session from the relay it receives, so the relay delay adds to every
     * session's life as seen from the last real activity.
     */
    static long touchRelayMs(long tickMs) {
        return Math.max(1, Math.min(50, tickMs / 2));
    }

    void closing(long sessionId) {
        tracker.setClosing(sessionId);
    }

    /** Leader: sessions past their deadline become closeSession txns. */
    void expire() {
        for (long sessionId : tracker.expire(clock.monotonicMillis())) {
            LOG.info("session 0x{} expired", Long.toHexString(sessionId));
            stats.sessionsExpired++;
            leader.closeSession(sessionId);
        }
    }

    /** Every session of the tree gets a full timeout from now (start-up, a new leader, a snapshot). */
    void armAll(boolean forget) {
        if (forget) {
            tracker.clear();
        }
        long now = clock.monotonicMillis();
        for (DataTree.SessionRecord s : tree.sessions().values()) {
            tracker.add(s.sessionId(), s.timeoutMs(), now);
        }
    }

    /** Leader: a learner created a session (it chose the id and password). */
    void createdElsewhere(Relay.CreateSession cs) {
        tracker.add(cs.sessionId(), cs.timeoutMs(), clock.monotonicMillis());
        leader.createSession(cs.sessionId(), cs.timeoutMs(), cs.password(), null, null);
    }

    // ------------------------------------------------------------------ applied txns

    /** A createSession applied; {@code waiter} is the connection that asked for it here, if any. */
    void created(Txn.CreateSession cs, long zxid, ConnectionState origin, ConnectResponse response) {
        if (!tracker.contains(cs.sessionId())) {
            // Every server tracks every session, so a new leader can expire any of them.
            tracker.add(cs.sessionId(), cs.timeoutMs(), clock.monotonicMillis());
        }
        if (origin == null || origin.closing || response == null) {
            return;
        }
        origin.lastOp = "SESS";
        origin.packetsSent++;
        origin.lastZxidSent = zxid;
        origin.conn.sendConnectResponse(response, false);
        established(origin);
    }

    /** A closeSession applied: its ephemerals are gone; the session's connection here closes. */
    void closed(long sessionId, long zxid, ConnectionState origin, ConnectionState.InFlight request) {
        tracker.remove(sessionId);
        ConnectionState owner = connections.unbind(sessionId);
        if (request != null && origin != null) {
            connections.complete(origin, request, () -> {
                connections.send(origin, new ReplyHeader(request.xid(), zxid, 0), null);
                connections.drop(origin, "session 0x" + Long.toHexString(sessionId) + " closed by the client");
            });
        }
        if (owner != null && owner != origin) {
            connections.drop(owner, "session 0x" + Long.toHexString(sessionId) + " expired");
        }
    }

    java.util.SortedMap<Long, java.util.List<Long>> expiryBuckets() {
        return tracker.buckets();
    }
}
