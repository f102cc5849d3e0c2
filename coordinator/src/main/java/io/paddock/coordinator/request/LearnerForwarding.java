package io.paddock.coordinator.request;

import io.paddock.coordinator.txn.Txn;
import io.paddock.coordinator.txn.TxnEntry;
import io.paddock.coordinator.wire.ClientRequest;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.zookeeper.proto.ConnectResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A follower's or observer's side of the write path: its clients' writes, session creations and
 * closings, syncs and re-attaches go to the leader (only the leader prepares txns and knows which
 * sessions are alive), and the committed txns that come back are matched to the connection waiting
 * for them, by session id and xid. Session activity is relayed every half tick so the leader can
 * expire sessions wherever their client is connected. Request thread only.
 */
final class LearnerForwarding {
    private static final Logger LOG = LoggerFactory.getLogger(LearnerForwarding.class);

    /** Who waits for a committed txn on this server, or nobody. */
    record Waiter(ConnectionState origin, ConnectionState.InFlight request, ConnectResponse connectResponse) {
        static final Waiter NOBODY = new Waiter(null, null, null);
    }

    private record SyncKey(long sessionId, int xid) {}

    /** A re-attach waiting for the leader's verdict. */
    record PendingReattach(ConnectionState st, long sessionId, int timeoutMs, byte[] password) {}

    private final Replication replication;
    private final Map<Long, Waiter> pendingCreates = new HashMap<>();
    private final Map<SyncKey, ConnectionState> pendingSyncs = new HashMap<>();
    private final Map<Long, PendingReattach> pendingReattaches = new HashMap<>();
    private final Set<Long> touched = new HashSet<>();
    private long nextRequestId;

    LearnerForwarding(Replication replication) {
        this.replication = replication;
    }

    private boolean send(Relay r) {
        return replication.send(replication.leaderId(), Relay.wrap(r));
    }

    /** False when the leader is unreachable (the caller drops the client, which reconnects elsewhere). */
    boolean write(ConnectionState st, ConnectionState.InFlight f, ClientRequest.TxnRequest request) {
        if (st.auth.ids().size() > Relay.MAX_IDS) {
            // the leader would refuse the relay and the client wait forever: drop it with a reason instead
            LOG.warn("session 0x{} holds {} auth ids, more than the {} a write can carry to the leader",
                    Long.toHexString(st.sessionId), st.auth.ids().size(), Relay.MAX_IDS);
            return false;
        }
        st.forwarded.add(f);
        return send(new Relay.Request(st.sessionId, st.auth.clientAddress(), st.auth.ids(), request));
    }

    boolean createSession(ConnectionState st, long sessionId, int timeoutMs, byte[] password,
                          ConnectResponse response) {
        pendingCreates.put(sessionId, new Waiter(st, null, response));
        touched.add(sessionId);
        return send(new Relay.CreateSession(sessionId, timeoutMs, password));
    }

    boolean sync(ConnectionState st, ConnectionState.InFlight f) {
        pendingSyncs.put(new SyncKey(st.sessionId, f.xid()), st);
        return send(new Relay.Sync(st.sessionId, f.xid()));
    }

    /**
     * Forgets an earlier re-attach of {@code sessionId} still waiting for the leader, so two
     * connections never both win one session; returns its connection (to be dropped), or null.
     */
    ConnectionState supersedeReattach(long sessionId) {
        var it = pendingReattaches.values().iterator();
        while (it.hasNext()) {
            PendingReattach p = it.next();
            if (p.sessionId() == sessionId) {
                it.remove();
                return p.st();
            }
        }
        return null;
    }

    boolean reattach(ConnectionState st, long sessionId, int timeoutMs, byte[] password) {
        long id = ++nextRequestId;
        pendingReattaches.put(id, new PendingReattach(st, sessionId, timeoutMs, password));
        return send(new Relay.Reattach(sessionId, password, timeoutMs, id));
    }

    /** The leader answered a sync: the connection waiting for it, or null if it is gone. */
    ConnectionState syncAnswered(Relay.SyncPoint sp) {
        return pendingSyncs.remove(new SyncKey(sp.sessionId(), sp.xid()));
    }

    PendingReattach reattachAnswered(Relay.ReattachAnswer a) {
        PendingReattach p = pendingReattaches.remove(a.requestId());
        return p != null && p.sessionId() == a.sessionId() ? p : null;
    }

    void touched(long sessionId) {
        touched.add(sessionId);
    }

    /** Relays the sessions active since the last call. */
    void relayTouches() {
        if (touched.isEmpty()) {
            return;
        }
        long[] ids = touched.stream().mapToLong(Long::longValue).toArray();
        touched.clear();
        send(new Relay.Touch(ids));
    }

    /** Who waits here for the committed {@code entry}: a connect, or a forwarded request at its queue's head. */
    Waiter waiterFor(TxnEntry entry, ConnectionState sessionOwner) {
        if (entry.txn() instanceof Txn.CreateSession cs) {
            Waiter w = pendingCreates.remove(cs.sessionId());
            return w != null ? w : Waiter.NOBODY;
        }
        ConnectionState st = sessionOwner;
        if (st != null && !st.forwarded.isEmpty() && st.forwarded.peekFirst().xid() == entry.cxid()) {
            return new Waiter(st, st.forwarded.pollFirst(), null);
        }
        return Waiter.NOBODY;
    }

    int pendingSyncs() {
        return pendingSyncs.size();
    }

    /** The leader changed: nothing asked of the old one will be answered. */
    void reset() {
        pendingCreates.clear();
        pendingSyncs.clear();
        pendingReattaches.clear();
        touched.clear();
    }
}
