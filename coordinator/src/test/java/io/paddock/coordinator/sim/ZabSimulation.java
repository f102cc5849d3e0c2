package io.paddock.coordinator.sim;

import io.paddock.coordinator.zab.Entry;
import io.paddock.coordinator.zab.Message;
import io.paddock.coordinator.zab.Outbound;
import io.paddock.coordinator.zab.Ready;
import io.paddock.coordinator.zab.ZabConfig;
import io.paddock.coordinator.zab.ZabPeer;
import io.paddock.coordinator.zab.Zxid;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * N {@link ZabPeer}s driven by one seeded, single-threaded scheduler over simulated time: a network
 * whose links are FIFO (TCP) but can break, delay, and be partitioned one way; disks whose fsync
 * completes later and lose everything unsynced in a crash; ticks. Invariants are checked after every
 * step; a failure names the seed and the tail of the event trace, and the same seed replays exactly.
 */
public final class ZabSimulation {
    /**
     * Fault intensities; all zero is a perfect world. {@code crashInFlight} is the chance per step
     * that a peer crashes while a Ready of its is between being taken and being durable: crashes
     * aimed at the window where sending an acknowledgement too early loses a promise.
     */
    public record Faults(double breakLink, double crash, double partition, double heal, int maxDelay,
                         int maxFsyncDelay, int compactEvery, double crashInFlight) {
        public static Faults none() {
            return new Faults(0, 0, 0, 1, 1, 1, 0, 0);
        }

        public static Faults standard() {
            return new Faults(0.002, 0.002, 0.003, 0.02, 4, 3, 40, 0);
        }

        /**
         * Swarm testing: each seed draws its own mix, some faults off entirely, so that rare
         * combinations (many aimed crashes and no partitions, say) get room to happen.
         */
        public static Faults swarm(long seed) {
            Random r = new Random(seed * 7919 + 17);
            return new Faults(off(r, 0.004), off(r, 0.004), off(r, 0.006), 0.005 + r.nextDouble() * 0.04,
                    1 + r.nextInt(6), 1 + r.nextInt(6), r.nextInt(3) == 0 ? 0 : 20 + r.nextInt(60), off(r, 0.02));
        }

        private static double off(Random r, double max) {
            return r.nextInt(3) == 0 ? 0 : r.nextDouble() * max;
        }
    }

    public static final class InvariantViolation extends AssertionError {
        InvariantViolation(String message) {
            super(message);
        }
    }

    /**
     * The core simulator's snapshots: the state machine's bytes in memory (the core treats a snapshot
     * as opaque; messages here are passed as objects, so the bytes travel as they are).
     */
    record BytesSnapshot(long zxid, byte[] bytes) implements io.paddock.coordinator.zab.SnapshotHandle {
    }

    /** A peer's disk: what survives a crash, plus the Ready being fsynced. */
    private static final class Disk {
        long acceptedEpoch;
        long currentEpoch;
        final ArrayList<Entry> log = new ArrayList<>();
        long logBase;
        byte[] snapshot = new byte[0];
        long snapshotZxid;
    }

    /** One simulated server: its peer, disk and state machine. */
    final class Node {
        final long id;
        final Disk disk = new Disk();
        ZabPeer peer;
        boolean up = true;
        Ready inFlight;
        int fsyncDoneAt;
        SimStateMachine sm;
        long appliedZxid;
        /** Bumped at every restart, so a workload can tell incarnations apart. */
        int incarnation;

        Node(long id) {
            this.id = id;
        }

        void start() {
            sm = stateMachines.get();
            sm.restore(disk.snapshot, disk.snapshotZxid);
            appliedZxid = disk.snapshotZxid;
            peer = new ZabPeer(id, config, disk.acceptedEpoch, disk.currentEpoch, disk.logBase,
                    List.copyOf(disk.log), disk.snapshotZxid, () -> new BytesSnapshot(appliedZxid, sm.snapshot()));
            up = true;
            inFlight = null;
            incarnation++;
        }

        public long id() {
            return id;
        }

        public ZabPeer peer() {
            return peer;
        }

        public SimStateMachine stateMachine() {
            return sm;
        }

        public boolean up() {
            return up;
        }

        public long appliedZxid() {
            return appliedZxid;
        }

        public int incarnation() {
            return incarnation;
        }
    }

    /** Client load: runs each faulty step and sees every applied entry. */
    public interface Workload {
        void step(ZabSimulation sim);

        void applied(ZabSimulation sim, Node node, Entry entry, Object result);

        /** Checks made once the run converged (e.g. linearizability of the client history). */
        default void finish(ZabSimulation sim) { }
    }

    /** The default load: opaque payloads proposed at the leader, applied to an entry list. */
    static final class OpaqueWorkload implements Workload {
        private int proposals;

        @Override
        public void step(ZabSimulation sim) {
            if (sim.random().nextInt(3) != 0) {
                return;
            }
            Node leader = sim.establishedLeader();
            if (leader != null) {
                byte[] payload = ("w" + (++proposals) + "@" + sim.seed).getBytes(StandardCharsets.UTF_8);
                long z = leader.peer.propose(payload);
                sim.record("propose " + Zxid.hex(z) + " at " + leader.id);
            }
        }

        @Override
        public void applied(ZabSimulation sim, Node node, Entry entry, Object result) { }
    }

    /** State machine of the default load: the applied entries themselves. */
    static final class EntryListStateMachine implements SimStateMachine {
        private List<Entry> state = new ArrayList<>();

        @Override
        public Object apply(Entry e) {
            state.add(e);
            return null;
        }

        @Override
        public byte[] snapshot() {
            return state(state);
        }

        @Override
        public void restore(byte[] snapshot, long zxid) {
            state = new ArrayList<>(decodeState(snapshot));
        }

        @Override
        public String digest() {
            StringBuilder sb = new StringBuilder();
            for (Entry e : state) {
                sb.append(Zxid.hex(e.zxid())).append(Arrays.hashCode(e.payload())).append(',');
            }
            return sb.toString();
        }
    }

    private record InTransit(long from, long to, Message message, long deliverAt, int linkGeneration) {}

    private final long seed;
    private final Random random;
    private final ZabConfig config;
    private final Faults faults;
    private final Map<Long, Node> nodes = new TreeMap<>();
    private final List<InTransit> network = new ArrayList<>();
    private final Map<String, Integer> linkGeneration = new HashMap<>();
    private final Set<String> blocked = new HashSet<>();
    private final ArrayDeque<String> trace = new ArrayDeque<>();
    private long now;
    private final java.util.function.Supplier<SimStateMachine> stateMachines;
    private final Workload workload;

    // invariant state
    private final Map<Long, Long> leaderOfEpoch = new HashMap<>();
    /** "peer@epoch" -> the leader that peer acknowledged that epoch to. */
    private final Map<String, Long> epochPromises = new HashMap<>();
    private final TreeMap<Long, byte[]> committed = new TreeMap<>();
    private int commitsSeen;

    public ZabSimulation(long seed, ZabConfig config, Faults faults) {
        this(seed, config, faults, EntryListStateMachine::new, new OpaqueWorkload());
    }

    public ZabSimulation(long seed, ZabConfig config, Faults faults,
                         java.util.function.Supplier<SimStateMachine> stateMachines, Workload workload) {
        this.stateMachines = stateMachines;
        this.workload = workload;
        this.seed = seed;
        this.random = new Random(seed);
        this.config = config;
        this.faults = faults;
        for (long id : config.members()) {
            Node n = new Node(id);
            nodes.put(id, n);
        }
        for (Node n : nodes.values()) {
            n.start();
        }
    }

    // ================================================================== running

    /** Runs {@code steps} steps with faults, then heals everything and requires convergence. */
    public Result run(int steps, int convergeBudget) {
        for (int i = 0; i < steps; i++) {
            step(true);
        }
        healAll();
        for (int i = 0; i < convergeBudget; i++) {
            step(false);
            if (converged()) {
                finalChecks();
                workload.finish(this);
                return new Result(seed, commitsSeen, committed.size(), now, true);
            }
        }
        throw violation("no convergence within " + convergeBudget + " steps after healing: " + describe());
    }

    public record Result(long seed, int commitsSeen, int committedEntries, long simTime, boolean converged) {}

    private void step(boolean withFaults) {
        now++;
        if (withFaults) {
            injectFaults();
        }
        deliverDue();
        if (now % 3 == 0) {
            for (Node n : nodes.values()) {
                if (n.up) {
                    n.peer.tick();
                }
            }
        }
        // Client load runs during the faulty phase; after healing the ensemble must quiesce.
        if (withFaults) {
            workload.step(this);
        }
        for (Node n : nodes.values()) {
            if (n.up) {
                drive(n);
            }
        }
        checkInvariants();
    }

    // ================================================================== for workloads

    public Random random() {
        return random;
    }

    public long now() {
        return now;
    }

    public long seed() {
        return seed;
    }

    /** The up peer that is an established leader (the newest epoch if several believe so), or null. */
    public Node establishedLeader() {
        Node best = null;
        for (Node n : nodes.values()) {
            if (n.up && n.peer.isEstablishedLeader() && (best == null || n.peer.epoch() > best.peer.epoch())) {
                best = n;
            }
        }
        return best;
    }

    public java.util.Collection<Node> nodes() {
        return nodes.values();
    }

    public void record(String event) {
        trace.addLast("t=" + now + " " + event);
        if (trace.size() > 40) {
            trace.removeFirst();
        }
    }

    public InvariantViolation fail(String what) {
        return violation(what);
    }

    /** Executes a node's Ready in the contract's order, with fsync completing some steps later. */
    private void drive(Node n) {
        if (n.inFlight == null) {
            if (!n.peer.hasReady()) {
                return;
            }
            n.inFlight = n.peer.ready();
            n.fsyncDoneAt = (int) now + random.nextInt(Math.max(1, faults.maxFsyncDelay()));
            for (Outbound o : n.inFlight.sendNow()) {
                send(n.id, o);
            }
        }
        if (now < n.fsyncDoneAt) {
            return;
        }
        Ready r = n.inFlight;
        Disk d = n.disk;
        if (r.installSnapshot() != null) {
            byte[] bytes = ((BytesSnapshot) r.installSnapshot()).bytes();
            d.snapshot = bytes;
            d.snapshotZxid = r.snapshotZxid();
            d.log.clear();
            d.logBase = r.snapshotZxid();
            n.sm.restore(bytes, r.snapshotZxid());
            n.appliedZxid = r.snapshotZxid();
        }
        if (r.truncateAfter() >= 0) {
            d.log.removeIf(e -> e.zxid() > r.truncateAfter());
        }
        d.log.addAll(r.append());
        if (r.acceptedEpoch() >= 0) {
            d.acceptedEpoch = r.acceptedEpoch();
        }
        if (r.currentEpoch() >= 0) {
            d.currentEpoch = r.currentEpoch();
        }
        if (r.attempt() == n.peer.attempt()) {
            for (Outbound o : r.sendAfterPersist()) {
                send(n.id, o);
            }
        }
        for (Entry e : r.commit()) {
            apply(n, e);
        }
        n.inFlight = null;
        n.peer.advance();
        if (faults.compactEvery() > 0 && d.log.size() > faults.compactEvery() && n.appliedZxid > d.logBase) {
            // A snapshot of the applied state; the log before it is dropped, as the server's purge does.
            d.snapshot = n.sm.snapshot();
            d.snapshotZxid = n.appliedZxid;
            d.log.removeIf(e -> e.zxid() <= n.appliedZxid);
            d.logBase = Math.max(d.logBase, n.appliedZxid);
            n.peer.compact(n.appliedZxid);
        }
    }

    private void apply(Node n, Entry e) {
        if (e.zxid() <= n.appliedZxid) {
            throw violation("node " + n.id + " applied " + e + " after " + Zxid.hex(n.appliedZxid) + " (total order)");
        }
        byte[] known = committed.get(e.zxid());
        if (known != null && !Arrays.equals(known, e.payload())) {
            throw violation("node " + n.id + " applied a different txn at " + e + " (agreement)");
        }
        Long prev = committed.lowerKey(e.zxid());
        long expectedPrev = prev == null ? 0 : prev;
        if (known == null) {
            Long next = committed.higherKey(e.zxid());
            if (next != null) {
                throw violation("node " + n.id + " applied " + e + " which is not in the committed sequence, before "
                        + Zxid.hex(next) + " (prefix)");
            }
            if (n.appliedZxid != expectedPrev) {
                throw violation("node " + n.id + " applied " + e + " after " + Zxid.hex(n.appliedZxid)
                        + " but the committed sequence continues from " + Zxid.hex(expectedPrev) + " (prefix)");
            }
            committed.put(e.zxid(), e.payload());
            requireDurableOnQuorum(e.zxid());
        } else if (n.appliedZxid != expectedPrev) {
            throw violation("node " + n.id + " skipped from " + Zxid.hex(n.appliedZxid) + " to " + e + " (gap)");
        }
        Object result = n.sm.apply(e);
        n.appliedZxid = e.zxid();
        commitsSeen++;
        workload.applied(this, n, e, result);
    }

    // ================================================================== network

    private static String link(long from, long to) {
        return from + ">" + to;
    }

    private void send(long from, Outbound o) {
        String l = link(from, o.to());
        Node target = nodes.get(o.to());
        if (blocked.contains(l) || target == null || !target.up) {
            if (!(o.message() instanceof Message.Notification)) {
                breakLink(from, o.to());
            }
            return;
        }
        long delay = 1 + random.nextInt(Math.max(1, faults.maxDelay()));
        // FIFO per link: never deliver before an earlier message on the same link.
        for (InTransit t : network) {
            if (t.from() == from && t.to() == o.to()) {
                delay = Math.max(delay, t.deliverAt() - now);
            }
        }
        network.add(new InTransit(from, o.to(), o.message(), now + delay, linkGeneration.getOrDefault(l, 0)));
        // Election notifications travel on their own connections and may be retried: deliver some twice.
        if (o.message() instanceof Message.Notification && random.nextInt(20) == 0) {
            network.add(new InTransit(from, o.to(), o.message(), now + delay + 1 + random.nextInt(5),
                    linkGeneration.getOrDefault(l, 0)));
        }
    }

    private void deliverDue() {
        List<InTransit> due = new ArrayList<>();
        network.removeIf(t -> {
            if (t.deliverAt() <= now) {
                due.add(t);
                return true;
            }
            return false;
        });
        for (InTransit t : due) {
            Node to = nodes.get(t.to());
            if (!to.up || t.linkGeneration() != linkGeneration.getOrDefault(link(t.from(), t.to()), 0)) {
                continue;
            }
            if (blocked.contains(link(t.from(), t.to()))) {
                if (!(t.message() instanceof Message.Notification)) {
                    breakLink(t.from(), t.to());
                }
                continue;
            }
            if (t.message() instanceof Message.AckEpoch ae && ae.currentEpoch() != Message.AckEpoch.UNCOUNTED
                    && to.peer.role() == io.paddock.coordinator.zab.Role.LEADING && to.peer.epoch() >= 0) {
                // An ACKEPOCH promises epoch e to one leader: a peer that forgot its promise (a crash
                // before acceptedEpoch was durable) could let two leaders of one epoch gather quorums.
                Long other = epochPromises.putIfAbsent(t.from() + "@" + to.peer.epoch(), t.to());
                if (other != null && other != t.to()) {
                    throw violation("peer " + t.from() + " acknowledged epoch " + to.peer.epoch() + " to leader "
                            + other + " and then to leader " + t.to());
                }
            }
            to.peer.step(t.from(), t.message());
        }
    }

    /** A TCP connection dies: queued messages both ways are lost and both ends notice. */
    private void breakLink(long a, long b) {
        linkGeneration.merge(link(a, b), 1, Integer::sum);
        linkGeneration.merge(link(b, a), 1, Integer::sum);
        record("link " + a + "-" + b + " broken");
        Node na = nodes.get(a);
        Node nb = nodes.get(b);
        if (na.up) {
            na.peer.disconnected(b);
        }
        if (nb.up) {
            nb.peer.disconnected(a);
        }
    }

    // ================================================================== faults

    private void injectFaults() {
        List<Long> ids = new ArrayList<>(nodes.keySet());
        if (random.nextDouble() < faults.breakLink()) {
            long a = ids.get(random.nextInt(ids.size()));
            long b = ids.get(random.nextInt(ids.size()));
            if (a != b) {
                breakLink(a, b);
            }
        }
        if (random.nextDouble() < faults.crash()) {
            Node n = nodes.get(ids.get(random.nextInt(ids.size())));
            if (n.up) {
                crash(n);
            } else {
                restart(n);
            }
        }
        if (random.nextDouble() < faults.partition()) {
            long a = ids.get(random.nextInt(ids.size()));
            long b = ids.get(random.nextInt(ids.size()));
            if (a != b) {
                blocked.add(link(a, b));
                record("partition " + a + "->" + b + (random.nextBoolean() ? "" : " (and back)"));
                if (random.nextBoolean()) {
                    blocked.add(link(b, a));
                }
            }
        }
        if (!blocked.isEmpty() && random.nextDouble() < faults.heal()) {
            blocked.clear();
            record("heal");
        }
        for (Node n : nodes.values()) {
            // Readys that change an epoch are where early acknowledgements hurt most: aim there harder.
            double aim = n.inFlight != null && (n.inFlight.acceptedEpoch() >= 0 || n.inFlight.currentEpoch() >= 0)
                    ? 25 * faults.crashInFlight() : faults.crashInFlight();
            if (n.up && n.inFlight != null && aim > 0 && random.nextDouble() < aim) {
                crash(n);
            } else if (!n.up && random.nextDouble() < 0.02) {
                restart(n);
            }
        }
    }

    private void crash(Node n) {
        Ready lost = n.inFlight;
        if (lost != null && random.nextBoolean()) {
            tornWrite(n, lost);
        } else {
            record("crash " + n.id + (lost != null ? " losing an unsynced Ready" : ""));
        }
        n.up = false;
        n.inFlight = null;
        for (long other : nodes.keySet()) {
            if (other != n.id) {
                linkGeneration.merge(link(n.id, other), 1, Integer::sum);
                linkGeneration.merge(link(other, n.id), 1, Integer::sum);
                Node o = nodes.get(other);
                if (o.up) {
                    o.peer.disconnected(n.id);
                }
            }
        }
    }

    /**
     * A crash in the middle of persisting a Ready: the truncation and a prefix of the appended
     * entries reached the disk, the epochs and everything after did not, and nothing that waited for
     * persistence was sent. The last entry may be torn, i.e. lost with everything after it.
     */
    private void tornWrite(Node n, Ready r) {
        Disk d = n.disk;
        if (r.installSnapshot() != null) {
            record("crash " + n.id + " before installing a snapshot");
            return;
        }
        if (r.truncateAfter() >= 0) {
            d.log.removeIf(e -> e.zxid() > r.truncateAfter());
        }
        int kept = r.append().isEmpty() ? 0 : random.nextInt(r.append().size() + 1);
        d.log.addAll(r.append().subList(0, kept));
        record("crash " + n.id + " tearing a write: " + kept + " of " + r.append().size() + " entries durable");
    }

    private void restart(Node n) {
        record("restart " + n.id);
        n.start();
    }

    private void healAll() {
        blocked.clear();
        for (Node n : nodes.values()) {
            if (!n.up) {
                restart(n);
            }
        }
        record("heal all");
    }

    // ================================================================== invariants

    private void checkInvariants() {
        for (Node n : nodes.values()) {
            if (!n.up || !n.peer.isEstablishedLeader()) {
                continue;
            }
            long epoch = n.peer.epoch();
            Long other = leaderOfEpoch.putIfAbsent(epoch, n.id);
            if (other != null && other != n.id) {
                throw violation("two established leaders in epoch " + epoch + ": " + other + " and " + n.id);
            }
            // Every committed txn is in an established leader's history (nothing acknowledged is lost).
            for (Map.Entry<Long, byte[]> c : committed.entrySet()) {
                long z = c.getKey();
                if (z <= n.peer.logBase()) {
                    continue;
                }
                boolean found = false;
                for (Entry e : n.peer.logView()) {
                    if (e.zxid() == z) {
                        found = Arrays.equals(e.payload(), c.getValue());
                        break;
                    }
                }
                if (!found) {
                    throw violation("leader " + n.id + " of epoch " + epoch + " lacks committed " + Zxid.hex(z));
                }
            }
        }
    }

    /** Durable before acknowledged: a committed entry is on the disks of a quorum of voters. */
    private void requireDurableOnQuorum(long zxid) {
        Set<Long> holders = new HashSet<>();
        for (Node n : nodes.values()) {
            Disk d = n.disk;
            boolean held = d.snapshotZxid >= zxid || d.log.stream().anyMatch(x -> x.zxid() == zxid);
            if (held) {
                holders.add(n.id);
            }
        }
        if (!config.isQuorum(holders)) {
            throw violation("committed " + Zxid.hex(zxid) + " is durable only on " + holders + " (not a quorum)");
        }
    }

    private boolean converged() {
        Node leader = null;
        for (Node n : nodes.values()) {
            if (n.peer.isEstablishedLeader()) {
                leader = n;
            }
        }
        if (leader == null || leader.inFlight != null) {
            return false;
        }
        for (Node n : nodes.values()) {
            if (n != leader && (!n.peer.isSynced() || n.appliedZxid != leader.appliedZxid || n.inFlight != null)) {
                return false;
            }
        }
        return leader.appliedZxid == leader.peer.lastZxid();
    }

    private void finalChecks() {
        Node any = nodes.values().iterator().next();
        String reference = any.sm.digest();
        for (Node n : nodes.values()) {
            if (n.appliedZxid != any.appliedZxid) {
                throw violation("final states differ in last zxid: " + describe());
            }
            if (!reference.equals(n.sm.digest())) {
                throw violation("final state digests differ between " + any.id + " and " + n.id);
            }
        }
    }

    private String describe() {
        StringBuilder sb = new StringBuilder();
        for (Node n : nodes.values()) {
            sb.append("\n  ").append(n.up ? n.peer.toString() : "peer " + n.id + " DOWN").append(" applied=")
                    .append(Zxid.hex(n.appliedZxid));
        }
        return sb.toString();
    }

    private InvariantViolation violation(String what) {
        return new InvariantViolation("seed " + seed + ": " + what + "\nlast events:\n  "
                + String.join("\n  ", trace) + "\nstate:" + describe());
    }

    // ================================================================== the simulated state machine

    /** The state is the applied entry list; its snapshot encoding is zxid/payload pairs. */
    static byte[] state(List<Entry> entries) {
        StringBuilder sb = new StringBuilder();
        for (Entry e : entries) {
            sb.append(e.zxid()).append(':').append(new String(e.payload(), StandardCharsets.UTF_8)).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    static List<Entry> decodeState(byte[] bytes) {
        List<Entry> out = new ArrayList<>();
        for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
            if (!line.isEmpty()) {
                int colon = line.indexOf(':');
                out.add(new Entry(Long.parseLong(line.substring(0, colon)),
                        line.substring(colon + 1).getBytes(StandardCharsets.UTF_8)));
            }
        }
        return out;
    }
}
