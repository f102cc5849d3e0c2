package io.paddock.coordinator.request;

import io.paddock.coordinator.acl.AuthInfo;
import io.paddock.coordinator.env.Clock;
import io.paddock.coordinator.prepare.Access;
import io.paddock.coordinator.prepare.Preparer;
import io.paddock.coordinator.txn.Txn;
import io.paddock.coordinator.txn.TxnCodec;
import io.paddock.coordinator.txn.TxnEntry;
import io.paddock.coordinator.wire.ClientRequest;
import io.paddock.coordinator.wire.ErrorCode;
import java.util.ArrayDeque;
import org.apache.zookeeper.proto.ConnectResponse;

/**
 * The leader's write path, the same for a write from its own client and one a learner forwarded:
 * prepare the txn against the pending view (the tree as it will be after every earlier proposal),
 * propose it, and remember who waits for it until it commits and applies. A standalone server is a
 * one-voter leader and takes this path too. Request thread only.
 */
final class LeaderWrites {
    /** A txn this leader proposed, waiting to commit; {@code origin} is null for forwarded ones. */
    record Proposed(long zxid, TxnEntry entry, ConnectionState origin, ConnectionState.InFlight request,
                    ConnectResponse connectResponse) {}

    private final Preparer preparer;
    private final AccessControl access;
    private final Replication replication;
    private final Clock clock;
    /** In zxid order: commits arrive in the order of proposals. */
    private final ArrayDeque<Proposed> proposed = new ArrayDeque<>();

    LeaderWrites(Preparer preparer, AccessControl access, Replication replication, Clock clock) {
        this.preparer = preparer;
        this.access = access;
        this.replication = replication;
        this.clock = clock;
    }

    /** A client write (or closeSession) of session {@code sessionId} with credentials {@code auth}. */
    void write(long sessionId, AuthInfo auth, ClientRequest.TxnRequest request, ConnectionState origin,
               ConnectionState.InFlight f) {
        long zxid = replication.nextZxid();
        Txn txn;
        if (request instanceof ClientRequest.CloseSession) {
            txn = preparer.prepareCloseSession(zxid, sessionId);
        } else {
            Access a = access.access(auth);
            if (request instanceof ClientRequest.Multi m) {
                txn = preparer.prepareMulti(zxid, sessionId, a, m.ops());
            } else {
                ClientRequest.Write w = (ClientRequest.Write) request;
                txn = preparer.prepare(zxid, sessionId, a, w.op(), w.body());
            }
        }
        propose(zxid, new TxnEntry(sessionId, request.xid(), clock.wallMillis(), txn), origin, f, null);
    }

    /** A forwarded write whose session the leader no longer knows: it fails with SESSION_EXPIRED. */
    void expired(long sessionId, int xid) {
        long zxid = replication.nextZxid();
        propose(zxid, new TxnEntry(sessionId, xid, clock.wallMillis(), new Txn.Error(ErrorCode.SESSION_EXPIRED)),
                null, null, null);
    }

    void createSession(long sessionId, int timeoutMs, byte[] password, ConnectionState origin,
                       ConnectResponse response) {
        long zxid = replication.nextZxid();
        propose(zxid, new TxnEntry(sessionId, 0, clock.wallMillis(), new Txn.CreateSession(sessionId, timeoutMs,
                password)), origin, null, response);
    }

    /** Expiry: the session's ephemerals go on every server at this txn's zxid. */
    void closeSession(long sessionId) {
        long zxid = replication.nextZxid();
        propose(zxid, new TxnEntry(sessionId, 0, clock.wallMillis(), preparer.prepareCloseSession(zxid, sessionId)),
                null, null, null);
    }

    /** Removes an empty container or expired TTL node; false when it no longer qualifies. */
    boolean deleteContainer(String path) {
        long zxid = replication.nextZxid();
        Txn txn = preparer.prepareDeleteContainer(zxid, path);
        if (txn == null) {
            return false;
        }
        propose(zxid, new TxnEntry(0, 0, clock.wallMillis(), txn), null, null, null);
        return true;
    }

    private void propose(long zxid, TxnEntry entry, ConnectionState origin, ConnectionState.InFlight f,
                         ConnectResponse response) {
        proposed.add(new Proposed(zxid, entry, origin, f, response));
        long assigned = replication.propose(TxnCodec.encode(entry));
        if (assigned != zxid) {
            throw new IllegalStateException("prepared for zxid 0x" + Long.toHexString(zxid) + " but proposed as 0x"
                    + Long.toHexString(assigned));
        }
    }

    /** The proposal committed at {@code zxid}, if it is ours (it is then the oldest outstanding). */
    Proposed takeCommitted(long zxid) {
        Proposed head = proposed.peekFirst();
        if (head != null && head.zxid() == zxid) {
            return proposed.pollFirst();
        }
        return null;
    }

    /** Leadership changed: proposals of the old epoch commit or vanish under the next leader. */
    void reset() {
        proposed.clear();
        preparer.reset();
    }
}
