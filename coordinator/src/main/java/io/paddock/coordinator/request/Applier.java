package io.paddock.coordinator.request;

import io.paddock.coordinator.prepare.Preparer;
import io.paddock.coordinator.tree.ApplyResult;
import io.paddock.coordinator.tree.DataTree;
import io.paddock.coordinator.tree.WatchTrigger;
import io.paddock.coordinator.txn.Txn;
import io.paddock.coordinator.txn.TxnCodec;
import io.paddock.coordinator.txn.TxnEntry;
import io.paddock.coordinator.watch.WatchRegistry;
import io.paddock.coordinator.wire.ClientRequest;
import io.paddock.coordinator.wire.ErrorCode;
import io.paddock.coordinator.wire.MultiCodec;
import io.paddock.coordinator.wire.MultiOp;
import io.paddock.coordinator.wire.OpCode;
import io.paddock.coordinator.zab.Entry;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.jute.Record;
import org.apache.zookeeper.proto.Create2Response;
import org.apache.zookeeper.proto.CreateResponse;
import org.apache.zookeeper.proto.ReplyHeader;
import org.apache.zookeeper.proto.SetACLResponse;
import org.apache.zookeeper.proto.SetDataResponse;

/**
 * Apply and reply: every committed txn, in zxid order, through the one {@code DataTree.apply} that
 * recovery and synchronization use too; then the watches it triggers fire, and the connection that
 * waits for it (here) is answered. Request thread only.
 */
final class Applier {
    private final DataTree tree;
    private final Preparer preparer;
    private final WatchRegistry watches;
    private final Connections connections;
    private final Sessions sessions;
    private final LeaderWrites leader;
    private final LearnerForwarding learner;
    private final AppliedWaits appliedWaits;
    private final ServerStats stats;
    private final Consumer<DataTree> afterApply;
    private final ApplyObserver observer;

    Applier(DataTree tree, Preparer preparer, WatchRegistry watches, Connections connections, Sessions sessions,
            LeaderWrites leader, LearnerForwarding learner, AppliedWaits appliedWaits, ServerStats stats,
            Consumer<DataTree> afterApply, ApplyObserver observer) {
        this.observer = observer;
        this.tree = tree;
        this.preparer = preparer;
        this.watches = watches;
        this.connections = connections;
        this.sessions = sessions;
        this.leader = leader;
        this.learner = learner;
        this.appliedWaits = appliedWaits;
        this.stats = stats;
        this.afterApply = afterApply;
    }

    void apply(Entry committed) {
        long zxid = committed.zxid();
        LeaderWrites.Proposed ours = leader.takeCommitted(zxid);
        TxnEntry entry = ours != null ? ours.entry() : decode(committed);
        LearnerForwarding.Waiter waiter = ours != null
                ? new LearnerForwarding.Waiter(ours.origin(), ours.request(), ours.connectResponse())
                : learner.waiterFor(entry, connections.owner(entry.sessionId()));
        ApplyResult result = tree.apply(zxid, entry);
        preparer.applied(zxid);
        stats.txnsApplied++;
        observer.applied(zxid, entry, tree.digest());
        for (WatchTrigger t : result.triggers()) {
            watches.trigger(t.path(), t.type(), zxid);
        }
        Txn txn = entry.txn();
        if (txn instanceof Txn.CreateSession cs) {
            sessions.created(cs, zxid, waiter.origin(), waiter.connectResponse());
        } else if (txn instanceof Txn.CloseSession c) {
            sessions.closed(c.sessionId(), zxid, waiter.origin(), waiter.request());
        } else if (waiter.request() != null && waiter.origin() != null) {
            ConnectionState origin = waiter.origin();
            ConnectionState.InFlight f = waiter.request();
            connections.complete(origin, f, () -> reply(origin, f, zxid, txn, result));
        }
        appliedWaits.release();
        afterApply.accept(tree);
    }

    private static TxnEntry decode(Entry e) {
        try {
            return TxnCodec.decode(e.payload());
        } catch (IOException ex) {
            // A committed entry every server must apply: being unable to is fatal, never skippable.
            throw new IllegalStateException("committed entry 0x" + Long.toHexString(e.zxid()) + " is undecodable", ex);
        }
    }

    /**
     * A SNAP synchronization: the leader's state replaces ours, parsed node by node from the stored
     * snapshot (checksummed when it was received), never held whole in memory besides the tree.
     */
    void install(DataInputStream body, long zxid) {
        try {
            tree.replaceFrom(body);
        } catch (IOException e) {
            throw new IllegalStateException("the leader's snapshot at 0x" + Long.toHexString(zxid) + " is unreadable", e);
        }
        if (tree.lastZxid() != zxid) {
            throw new IllegalStateException("the leader's snapshot announced at 0x" + Long.toHexString(zxid)
                    + " holds the tree at 0x" + Long.toHexString(tree.lastZxid()));
        }
        preparer.reset();
        sessions.armAll(true);
        observer.installed(zxid, tree.digest());
    }

    private void reply(ConnectionState st, ConnectionState.InFlight f, long zxid, Txn txn, ApplyResult r) {
        if (f.request instanceof ClientRequest.Multi m && txn instanceof Txn.Multi multi) {
            // A failed multi still answers err 0; the failure is in the per-op results.
            connections.sendMulti(st, new ReplyHeader(f.xid(), zxid, 0), multiResults(m.ops(), multi, r));
            return;
        }
        if (r.err() != ErrorCode.OK) {
            connections.send(st, new ReplyHeader(f.xid(), zxid, r.err()), null);
            return;
        }
        Record body = switch (f.op()) {
            case OpCode.CREATE -> new CreateResponse(r.path());
            case OpCode.CREATE2, OpCode.CREATE_CONTAINER, OpCode.CREATE_TTL -> new Create2Response(r.path(), r.stat());
            case OpCode.SET_DATA -> new SetDataResponse(r.stat());
            case OpCode.SET_ACL -> new SetACLResponse(r.stat());
            default -> null;
        };
        connections.send(st, new ReplyHeader(f.xid(), zxid, 0), body);
    }

    private static List<MultiCodec.Result> multiResults(List<MultiOp> ops, Txn.Multi txn, ApplyResult r) {
        List<Txn> txns = txn.ops();
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
}
