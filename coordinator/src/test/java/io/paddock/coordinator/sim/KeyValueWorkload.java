package io.paddock.coordinator.sim;

import io.paddock.coordinator.prepare.Access;
import io.paddock.coordinator.prepare.Preparer;
import io.paddock.coordinator.tree.DataTree;
import io.paddock.coordinator.tree.ZNode;
import io.paddock.coordinator.txn.Txn;
import io.paddock.coordinator.txn.TxnCodec;
import io.paddock.coordinator.txn.TxnEntry;
import io.paddock.coordinator.wire.ErrorCode;
import io.paddock.coordinator.wire.OpCode;
import io.paddock.coordinator.zab.Entry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.jute.Record;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.proto.CheckVersionRequest;
import org.apache.zookeeper.proto.CreateRequest;
import org.apache.zookeeper.proto.DeleteRequest;
import org.apache.zookeeper.proto.SetDataRequest;

/**
 * Simulated clients on a few keys: creates, conditional and unconditional setData and delete, and
 * reads. Every operation, reads included, is prepared by the current leader's {@link Preparer} and
 * ordered through Zab (as ZooKeeper's sync + read), and answered when the leader applies it. An
 * operation whose leader is deposed first never gets an answer: its outcome is unknown, as for a
 * client that saw ConnectionLoss. The recorded history is what the linearizability check reads.
 */
final class KeyValueWorkload implements ZabSimulation.Workload {
    static final int KEYS = 4;
    static final int CLIENTS = 5;
    /** How long a client waits for an answer before giving up (its outcome stays unknown). */
    static final int CLIENT_TIMEOUT_STEPS = 300;

    /** One client operation and what it observed. result == null means no answer (unknown outcome). */
    record Op(int client, String kind, String key, String value, int expectedVersion, long invokedAt,
              Long respondedAt, Outcome result) {}

    /** What an answered operation saw: an error code, and for success the version/value read or written. */
    record Outcome(int err, int version, String value) {}

    private static final Access ALLOW_ALL = new Access() {
        @Override
        public boolean allowed(List<ACL> acl, int perm) {
            return true;
        }

        @Override
        public List<ACL> fixup(List<ACL> requested) {
            return requested;
        }
    };

    private final List<Op> history = new ArrayList<>();
    private final Map<Integer, Integer> pendingOfClient = new HashMap<>();
    private final Map<Integer, Long> busyUntil = new HashMap<>();
    /** (leader id, incarnation, zxid) of a proposal -> index of its op in the history. */
    private final Map<String, Integer> inFlight = new HashMap<>();
    private Preparer preparer;
    private long preparerLeader = -1;
    private long preparerEpoch = -1;
    private int preparerIncarnation = -1;
    private int values;

    List<Op> history() {
        return history;
    }

    @Override
    public void step(ZabSimulation sim) {
        int client = sim.random().nextInt(CLIENTS);
        Long until = busyUntil.get(client);
        if (until != null && sim.now() < until) {
            return;
        }
        if (pendingOfClient.containsKey(client)) {
            // timed out: the op stays unanswered in the history
            pendingOfClient.remove(client);
        }
        ZabSimulation.Node leader = sim.establishedLeader();
        if (leader == null) {
            return;
        }
        Preparer p = preparerFor(leader);
        if (p == null) {
            return;
        }
        if (sim.random().nextInt(4) == 0) {
            structuralOp(sim, leader, p);
            return;
        }
        String key = "/k" + sim.random().nextInt(KEYS);
        int kindPick = sim.random().nextInt(10);
        String kind;
        Record request;
        int op;
        String value = null;
        int expected = -1;
        if (kindPick < 2) {
            kind = "create";
            value = "v" + (++values);
            op = OpCode.CREATE;
            request = new CreateRequest(key, value.getBytes(StandardCharsets.UTF_8),
                    new ArrayList<>(DataTree.OPEN_ACL), 0);
        } else if (kindPick < 5) {
            kind = "set";
            value = "v" + (++values);
            expected = sim.random().nextBoolean() ? -1 : sim.random().nextInt(3);
            op = OpCode.SET_DATA;
            request = new SetDataRequest(key, value.getBytes(StandardCharsets.UTF_8), expected);
        } else if (kindPick < 6) {
            kind = "delete";
            expected = sim.random().nextBoolean() ? -1 : sim.random().nextInt(3);
            op = OpCode.DELETE;
            request = new DeleteRequest(key, expected);
        } else {
            kind = "read";
            op = OpCode.CHECK;
            request = new CheckVersionRequest(key, -1);
        }
        long zxid = leader.peer().nextZxid();
        Txn txn = p.prepare(zxid, 0x100 + client, ALLOW_ALL, op, request);
        byte[] payload = TxnCodec.encode(new TxnEntry(0x100 + client, history.size(), sim.now(), txn));
        long proposed = leader.peer().propose(payload);
        if (proposed != zxid) {
            throw sim.fail("propose assigned " + proposed + " but nextZxid said " + zxid);
        }
        history.add(new Op(client, kind, key, value, expected, sim.now(), null, null));
        int index = history.size() - 1;
        inFlight.put(leader.id() + "/" + leader.incarnation() + "/" + zxid, index);
        pendingOfClient.put(client, index);
        busyUntil.put(client, sim.now() + CLIENT_TIMEOUT_STEPS);
    }

    private final List<Long> sessions = new ArrayList<>();
    private long nextSession = 0x7700;

    /**
     * Operations outside the register model, checked through agreement and the final tree digests:
     * session creation, ephemerals, session close (their ephemerals vanish in the same txn),
     * sequential creates and multi.
     */
    private void structuralOp(ZabSimulation sim, ZabSimulation.Node leader, Preparer p) {
        long zxid = leader.peer().nextZxid();
        int pick = sim.random().nextInt(5);
        Txn txn;
        long owner = 0;
        if (pick == 0 || sessions.isEmpty()) {
            long sid = ++nextSession;
            sessions.add(sid);
            txn = new Txn.CreateSession(sid, 4000, new byte[] {(byte) sid});
        } else if (pick == 1) {
            owner = sessions.get(sim.random().nextInt(sessions.size()));
            txn = p.prepare(zxid, owner, ALLOW_ALL, OpCode.CREATE, new CreateRequest("/e" + Long.toHexString(owner) + "-",
                    null, new ArrayList<>(DataTree.OPEN_ACL), 3 /* EPHEMERAL_SEQUENTIAL */));
        } else if (pick == 2) {
            owner = sessions.remove(sim.random().nextInt(sessions.size()));
            txn = p.prepareCloseSession(zxid, owner);
        } else if (pick == 3) {
            txn = p.prepare(zxid, 0, ALLOW_ALL, OpCode.CREATE, new CreateRequest("/q", null,
                    new ArrayList<>(DataTree.OPEN_ACL), 0));
            if (txn instanceof Txn.Error) {
                txn = p.prepare(zxid, 0, ALLOW_ALL, OpCode.CREATE, new CreateRequest("/q/item-", null,
                        new ArrayList<>(DataTree.OPEN_ACL), 2 /* PERSISTENT_SEQUENTIAL */));
            }
        } else {
            String key = "/m" + sim.random().nextInt(2);
            txn = p.prepareMulti(zxid, 0, ALLOW_ALL, List.of(
                    new io.paddock.coordinator.wire.MultiOp(OpCode.CREATE, new CreateRequest(key, null,
                            new ArrayList<>(DataTree.OPEN_ACL), 0)),
                    new io.paddock.coordinator.wire.MultiOp(OpCode.SET_DATA, new SetDataRequest(key,
                            ("m" + (++values)).getBytes(StandardCharsets.UTF_8), 0))));
        }
        leader.peer().propose(TxnCodec.encode(new TxnEntry(owner, 0, sim.now(), txn)));
    }

    /** The leader's preparer, created once its tree shows its whole history; reset on any change. */
    private Preparer preparerFor(ZabSimulation.Node leader) {
        if (preparer == null || preparerLeader != leader.id() || preparerEpoch != leader.peer().epoch()
                || preparerIncarnation != leader.incarnation()) {
            if (leader.appliedZxid() != leader.peer().lastZxid()) {
                return null;
            }
            preparer = new Preparer(((TreeStateMachine) leader.stateMachine()).tree(), false);
            preparerLeader = leader.id();
            preparerEpoch = leader.peer().epoch();
            preparerIncarnation = leader.incarnation();
        }
        return preparer;
    }

    @Override
    public void applied(ZabSimulation sim, ZabSimulation.Node node, Entry entry, Object result) {
        if (node.id() == preparerLeader && node.incarnation() == preparerIncarnation && preparer != null) {
            preparer.applied(entry.zxid());
        }
        Txn applied0 = txnOf(entry);
        if (applied0 instanceof Txn.CloseSession c
                && !((TreeStateMachine) node.stateMachine()).tree().ephemeralsOf(c.sessionId()).isEmpty()) {
            throw sim.fail("node " + node.id() + " kept ephemerals of closed session " + c.sessionId());
        }
        Integer index = inFlight.remove(node.id() + "/" + node.incarnation() + "/" + entry.zxid());
        if (index == null) {
            return;
        }
        Op op = history.get(index);
        TreeStateMachine.Applied applied = (TreeStateMachine.Applied) result;
        Outcome outcome;
        int err = applied.result().err();
        if (err != ErrorCode.OK) {
            outcome = new Outcome(err, -1, null);
        } else if ("read".equals(op.kind())) {
            ZNode n = ((TreeStateMachine) node.stateMachine()).tree().get(op.key());
            outcome = new Outcome(0, n.version(), n.data() == null ? null : new String(n.data(), StandardCharsets.UTF_8));
        } else if ("set".equals(op.kind())) {
            outcome = new Outcome(0, applied.result().stat().getVersion(), op.value());
        } else {
            outcome = new Outcome(0, "create".equals(op.kind()) ? 0 : -1, op.value());
        }
        history.set(index, new Op(op.client(), op.kind(), op.key(), op.value(), op.expectedVersion(), op.invokedAt(),
                sim.now(), outcome));
        if (pendingOfClient.get(op.client()) != null && pendingOfClient.get(op.client()) == index) {
            pendingOfClient.remove(op.client());
            busyUntil.remove(op.client());
        }
        if (txnOf(entry) instanceof Txn.Error e && e.code() == ErrorCode.MARSHALLING_ERROR) {
            throw sim.fail("a simulated request was rejected as malformed");
        }
    }

    private static Txn txnOf(Entry e) {
        try {
            return TxnCodec.decode(e.payload()).txn();
        } catch (java.io.IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    @Override
    public void finish(ZabSimulation sim) {
        long answered = history.stream().filter(o -> o.result() != null).count();
        if (history.size() > 20 && answered == 0) {
            throw sim.fail("no client operation was ever answered");
        }
        String problem = HistoryCheck.check(history);
        if (problem != null) {
            throw sim.fail("client history is not linearizable: " + problem);
        }
    }
}
