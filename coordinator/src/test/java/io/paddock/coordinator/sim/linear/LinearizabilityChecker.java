package io.paddock.coordinator.sim.linear;

import io.paddock.coordinator.sim.linear.CheckResult.Verdict;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Decides whether a concurrent client history is linearizable with respect to
 * {@link VersionedRegisterModel}: whether there is one sequential order of the operations that (a)
 * respects real time (A before B whenever A returned strictly before B was invoked), (b) contains
 * every completed operation and any subset of the pending ones, each pending one after its
 * invocation, and (c) makes the model return exactly the observed result of each completed
 * operation, errors included.
 *
 * <p>Algorithm: Wing &amp; Gong's search with Lowe's improvements ("Testing for linearizability",
 * 2016), as in Porcupine. The history becomes a doubly-linked list of call/return events ordered by
 * time (calls before returns at equal times). The search walks the list: at a call it tries to
 * linearize that op now (apply it to the model state; the result must match), removing ("lifting")
 * the op's events and restarting from the head; reaching a return event of an op not yet
 * linearized means the current prefix cannot be extended, so it backtracks the latest choice.
 * Every (set of linearized ops, model state) pair is memoized and never explored twice. A pending
 * op has no return event and is only tried where it changes the state (omitting it is always
 * allowed). Success = every completed op linearized.
 *
 * <p>P-compositionality: linearizability is local, so ops are partitioned by connected keys (a
 * multi joins all its keys, union-find) and each partition is searched alone; the per-partition
 * orders are merged into one global witness by placing each op at its earliest legal point.
 *
 * <p>Every search is bounded by a {@link Budget} per partition; exhausting it yields
 * {@link Verdict#UNKNOWN} instead of running on. The checker is deterministic and single-threaded.
 */
public final class LinearizabilityChecker {

    /**
     * Search limits per partition: loop iterations and memoized (linearized set, state) entries.
     */
    public record Budget(long maxSteps, int maxCachedStates) {
        public static final Budget DEFAULT = new Budget(5_000_000, 1_000_000);
    }

    private static final int PREFIX_SHOWN = 12;

    private LinearizabilityChecker() {}

    /** Checks {@code history} from an empty tree with the default budget. */
    public static CheckResult check(List<Operation> history) {
        return check(history, Map.of(), Budget.DEFAULT);
    }

    /**
     * Checks {@code history} starting from {@code initialState} (keys present before the first op).
     */
    public static CheckResult check(List<Operation> history, Map<String, Register> initialState, Budget budget) {
        List<List<Integer>> partitions = partition(history);
        long steps = 0;
        List<PartitionResult> linearized = new ArrayList<>();
        PartitionResult unknown = null;
        for (List<Integer> members : partitions) {
            PartitionResult r = new Search(history, members, initialState, budget).run();
            steps += r.steps;
            if (r.verdict == Verdict.NOT_LINEARIZABLE) {
                return new CheckResult(Verdict.NOT_LINEARIZABLE, List.of(), List.of(), r.prefix, r.unplaceable,
                        r.explanation, partitions.size(), steps);
            }
            if (r.verdict == Verdict.UNKNOWN) {
                unknown = unknown == null ? r : unknown;
            } else {
                linearized.add(r);
            }
        }
        if (unknown != null) {
            return new CheckResult(Verdict.UNKNOWN, List.of(), List.of(), List.of(), List.of(),
                    unknown.explanation, partitions.size(), steps);
        }
        return merge(history, linearized, partitions.size(), steps);
    }

    /** Groups op indices by connected keys; ops without keys (an empty multi) stand alone. */
    private static List<List<Integer>> partition(List<Operation> history) {
        Map<String, String> parent = new HashMap<>();
        for (Operation op : history) {
            String first = null;
            for (String key : op.command().keys()) {
                parent.putIfAbsent(key, key);
                if (first == null) {
                    first = key;
                } else {
                    parent.put(find(parent, key), find(parent, first));
                }
            }
        }
        Map<Object, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < history.size(); i++) {
            Set<String> keys = history.get(i).command().keys();
            Object root = keys.isEmpty() ? Integer.valueOf(i) : find(parent, keys.iterator().next());
            groups.computeIfAbsent(root, k -> new ArrayList<>()).add(i);
        }
        return new ArrayList<>(groups.values());
    }

    private static String find(Map<String, String> parent, String key) {
        String root = key;
        while (!parent.get(root).equals(root)) {
            root = parent.get(root);
        }
        while (!key.equals(root)) { // path compression
            String next = parent.get(key);
            parent.put(key, root);
            key = next;
        }
        return root;
    }

    /**
     * Merges partition witnesses: in each, op i gets point p_i = max(p_{i-1}, invokedAt_i), which is
     * at most returnedAt_i because a legal order never puts an op after one invoked after it
     * returned. Sorting all ops by point keeps each partition's order and respects real time across
     * partitions (resp_a &lt; inv_b implies p_a &lt; p_b).
     */
    private static CheckResult merge(List<Operation> history, List<PartitionResult> parts, int partitions, long steps) {
        record Placed(long point, int part, int pos, Operation op) {}
        List<Placed> placed = new ArrayList<>();
        List<Operation> omitted = new ArrayList<>();
        for (int part = 0; part < parts.size(); part++) {
            long point = Long.MIN_VALUE;
            List<Operation> order = parts.get(part).witness;
            for (int pos = 0; pos < order.size(); pos++) {
                point = Math.max(point, order.get(pos).invokedAt());
                placed.add(new Placed(point, part, pos, order.get(pos)));
            }
            omitted.addAll(parts.get(part).omitted);
        }
        placed.sort(Comparator.comparingLong(Placed::point).thenComparingInt(Placed::part)
                .thenComparingInt(Placed::pos));
        List<Operation> witness = new ArrayList<>(placed.size());
        for (Placed p : placed) {
            witness.add(p.op());
        }
        Map<Operation, Integer> index = indexOf(history);
        omitted.sort(Comparator.comparingInt(index::get));
        return new CheckResult(Verdict.LINEARIZABLE, witness, omitted, List.of(), List.of(),
                "linearizable: " + witness.size() + " ops in the witness, " + omitted.size()
                        + " pending ops without effect", partitions, steps);
    }

    private static Map<Operation, Integer> indexOf(List<Operation> history) {
        Map<Operation, Integer> index = new IdentityHashMap<>();
        for (int i = 0; i < history.size(); i++) {
            index.putIfAbsent(history.get(i), i);
        }
        return index;
    }

    private record PartitionResult(Verdict verdict, List<Operation> witness, List<Operation> omitted,
            List<Operation> prefix, List<Operation> unplaceable, String explanation, long steps) {}

    /** One event of the linked list: the call or the return of op {@code op}. */
    private static final class Entry {
        final int op;
        final boolean call;
        final long time;
        Entry match; // the return entry of a call; null for a pending op's call and for returns
        Entry prev;
        Entry next;

        Entry(int op, boolean call, long time) {
            this.op = op;
            this.call = call;
            this.time = time;
        }
    }

    private record Frame(Entry entry, Map<String, Register> state) {}

    private record CacheKey(BitSet linearized, Map<String, Register> state) {}

    /** The Wing &amp; Gong / Lowe search over one partition. */
    private static final class Search {
        private final List<Operation> history;
        private final Operation[] ops;
        private final int[] global;
        private final Set<String> keys = new TreeSet<>();
        private final Map<String, Register> initial = new HashMap<>();
        private final Budget budget;
        private final List<Operation> droppedReads = new ArrayList<>();

        Search(List<Operation> history, List<Integer> members, Map<String, Register> initialState, Budget budget) {
            this.history = history;
            this.budget = budget;
            List<Integer> kept = new ArrayList<>();
            for (int g : members) {
                Operation op = history.get(g);
                keys.addAll(op.command().keys());
                if (op.isPending() && op.command().readOnly()) {
                    droppedReads.add(op); // never observed and never changes anything
                } else {
                    kept.add(g);
                }
            }
            ops = new Operation[kept.size()];
            global = new int[kept.size()];
            for (int i = 0; i < kept.size(); i++) {
                global[i] = kept.get(i);
                ops[i] = history.get(global[i]);
            }
            for (String key : keys) {
                Register r = initialState.get(key);
                if (r != null) {
                    initial.put(key, r);
                }
            }
        }

        PartitionResult run() {
            Entry head = buildList();
            int remaining = 0;
            for (Operation op : ops) {
                remaining += op.isPending() ? 0 : 1;
            }
            Map<String, Register> state = Map.copyOf(initial);
            BitSet linearized = new BitSet(ops.length);
            Set<CacheKey> cache = new HashSet<>();
            Deque<Frame> stack = new ArrayDeque<>();
            List<Operation> bestPrefix = null;
            Entry bestStuck = null;
            Map<String, Register> bestState = null;
            long steps = 0;
            Entry entry = head.next;
            while (remaining > 0) {
                if (++steps > budget.maxSteps() || cache.size() > budget.maxCachedStates()) {
                    return unknown(steps, cache.size(), stack.size());
                }
                if (entry == null) {
                    throw new IllegalStateException("walked off the event list with " + remaining + " ops left");
                }
                Operation op = ops[entry.op];
                if (entry.call) {
                    VersionedRegisterModel.Step step = VersionedRegisterModel.apply(state, op.command());
                    boolean legal = op.isPending()
                            ? !step.state().equals(state) // omission covers the no-effect case
                            : step.result().equals(op.result());
                    if (legal) {
                        linearized.set(entry.op);
                        if (cache.add(new CacheKey((BitSet) linearized.clone(), step.state()))) {
                            stack.push(new Frame(entry, state));
                            state = step.state();
                            lift(entry);
                            remaining -= op.isPending() ? 0 : 1;
                            entry = head.next;
                            continue;
                        }
                        linearized.clear(entry.op);
                    }
                    entry = entry.next;
                } else {
                    // the return of an op not linearized yet: this prefix cannot be extended
                    if (bestPrefix == null || stack.size() > bestPrefix.size()) {
                        bestPrefix = orderOf(stack);
                        bestStuck = entry;
                        bestState = state;
                    }
                    if (stack.isEmpty()) {
                        return notLinearizable(bestPrefix, bestStuck, bestState, steps);
                    }
                    Frame top = stack.pop();
                    unlift(top.entry());
                    linearized.clear(top.entry().op);
                    state = top.state();
                    remaining += ops[top.entry().op].isPending() ? 0 : 1;
                    entry = top.entry().next;
                }
            }
            List<Operation> omitted = new ArrayList<>(droppedReads);
            for (int i = 0; i < ops.length; i++) {
                if (!linearized.get(i)) {
                    omitted.add(ops[i]);
                }
            }
            return new PartitionResult(Verdict.LINEARIZABLE, orderOf(stack), omitted, List.of(), List.of(), "", steps);
        }

        private Entry buildList() {
            List<Entry> events = new ArrayList<>(2 * ops.length);
            for (int i = 0; i < ops.length; i++) {
                Entry call = new Entry(i, true, ops[i].invokedAt());
                events.add(call);
                if (!ops[i].isPending()) {
                    call.match = new Entry(i, false, ops[i].returnedAt());
                    events.add(call.match);
                }
            }
            // calls before returns at equal times: touching intervals are concurrent
            events.sort(Comparator.<Entry>comparingLong(e -> e.time).thenComparing(e -> !e.call)
                    .thenComparingInt(e -> e.op));
            Entry head = new Entry(-1, false, Long.MIN_VALUE);
            Entry last = head;
            for (Entry e : events) {
                last.next = e;
                e.prev = last;
                last = e;
            }
            return head;
        }

        private static void lift(Entry call) {
            call.prev.next = call.next;
            if (call.next != null) {
                call.next.prev = call.prev;
            }
            Entry ret = call.match;
            if (ret != null) {
                ret.prev.next = ret.next;
                if (ret.next != null) {
                    ret.next.prev = ret.prev;
                }
            }
        }

        private static void unlift(Entry call) {
            Entry ret = call.match;
            if (ret != null) {
                ret.prev.next = ret;
                if (ret.next != null) {
                    ret.next.prev = ret;
                }
            }
            call.prev.next = call;
            if (call.next != null) {
                call.next.prev = call;
            }
        }

        private List<Operation> orderOf(Deque<Frame> stack) {
            List<Operation> order = new ArrayList<>(stack.size());
            stack.descendingIterator().forEachRemaining(f -> order.add(ops[f.entry().op]));
            return order;
        }

        private PartitionResult unknown(long steps, int cached, int depth) {
            String why = "UNKNOWN: search budget exhausted on keys " + keys + " (" + ops.length + " ops, "
                    + steps + " steps, " + cached + " cached states, depth " + depth + ", budget " + budget + ")";
            return new PartitionResult(Verdict.UNKNOWN, List.of(), List.of(), List.of(), List.of(), why, steps);
        }

        private PartitionResult notLinearizable(List<Operation> prefix, Entry stuck, Map<String, Register> state,
                long steps) {
            Map<Operation, Integer> index = indexOf(history);
            Operation op = ops[stuck.op];
            StringBuilder sb = new StringBuilder();
            sb.append("NOT linearizable on keys ").append(keys).append(" (").append(ops.length).append(" ops)\n");
            sb.append("longest legal prefix found: ").append(prefix.size()).append(" ops");
            if (prefix.size() > PREFIX_SHOWN) {
                sb.append(", last ").append(PREFIX_SHOWN);
            }
            sb.append('\n');
            for (Operation p : prefix.subList(Math.max(0, prefix.size() - PREFIX_SHOWN), prefix.size())) {
                sb.append("  #").append(index.get(p)).append(' ').append(p).append('\n');
            }
            sb.append("state after it: ").append(new TreeMap<>(state)).append('\n');
            Result would = VersionedRegisterModel.apply(state, op.command()).result();
            sb.append("cannot place #").append(index.get(op)).append(' ').append(op)
                    .append(" before it returns at ").append(op.returnedAt())
                    .append(" (here the model answers ").append(would).append(')');
            return new PartitionResult(Verdict.NOT_LINEARIZABLE, List.of(), List.of(), prefix, List.of(op),
                    sb.toString(), steps);
        }
    }
}
