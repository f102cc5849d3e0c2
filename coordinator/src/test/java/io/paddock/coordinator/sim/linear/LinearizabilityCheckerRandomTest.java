package io.paddock.coordinator.sim.linear;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.coordinator.sim.linear.CheckResult.Verdict;
import io.paddock.coordinator.sim.linear.Command.Create;
import io.paddock.coordinator.sim.linear.Command.Delete;
import io.paddock.coordinator.sim.linear.Command.Multi;
import io.paddock.coordinator.sim.linear.Command.Read;
import io.paddock.coordinator.sim.linear.Command.SetData;
import io.paddock.coordinator.sim.linear.Command.Single;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Histories linearizable by construction: each client issues sequential ops with random intervals;
 * every op gets a true linearization point inside its interval (a pending op: anywhere after its
 * invocation, or never), and the results come from running the sequential model in point order.
 * The checker must accept them and reject one-result mutations that are provably wrong.
 */
class LinearizabilityCheckerRandomTest {
    private static final int SEEDS = 300;

    /** One generated op before its result is known. */
    private static final class Draft {
        final long client;
        final long invokedAt;
        final long returnedAt;
        final long point; // true linearization point; Long.MAX_VALUE = a pending op that never took effect
        final Command command;
        Result result;

        Draft(long client, long invokedAt, long returnedAt, long point, Command command) {
            this.client = client;
            this.invokedAt = invokedAt;
            this.returnedAt = returnedAt;
            this.point = point;
            this.command = command;
        }

        Operation toOperation() {
            return returnedAt == Operation.NEVER
                    ? Operation.pending(client, invokedAt, command)
                    : Operation.completed(client, invokedAt, returnedAt, command, result);
        }
    }

    private record Generated(List<Operation> history, int keys) {}

    private static Generated generate(long seed) {
        Random rnd = new Random(seed);
        return generate(rnd, 5 + rnd.nextInt(196), 1 + rnd.nextInt(5), 1 + rnd.nextInt(5));
    }

    private static Generated generate(Random rnd, int opCount, int keys, int clients) {
        boolean deletes = rnd.nextInt(3) != 0;
        int[] valueCounter = {0};
        long[] clock = new long[clients];
        long[] clientId = new long[clients];
        for (int c = 0; c < clients; c++) {
            clientId[c] = c;
            clock[c] = rnd.nextInt(20);
        }
        long nextClientId = clients;
        List<Draft> drafts = new ArrayList<>();
        for (int i = 0; i < opCount; i++) {
            int c = rnd.nextInt(clients);
            long inv = clock[c] + rnd.nextInt(15);
            long len = rnd.nextInt(rnd.nextInt(4) == 0 ? 80 : 25);
            Command command = randomCommand(rnd, keys, deletes, valueCounter);
            if (rnd.nextInt(40) == 0) { // the client crashes: no response; a new session carries on
                long point = rnd.nextBoolean() ? inv + rnd.nextInt(200) : Long.MAX_VALUE;
                drafts.add(new Draft(clientId[c], inv, Operation.NEVER, point, command));
                clientId[c] = nextClientId++;
                clock[c] = inv + 1;
            } else {
                long resp = inv + len;
                drafts.add(new Draft(clientId[c], inv, resp, inv + (len == 0 ? 0 : rnd.nextInt((int) len + 1)),
                        command));
                clock[c] = resp + 1;
            }
        }
        List<Draft> byPoint = new ArrayList<>(drafts);
        byPoint.sort(Comparator.comparingLong(d -> d.point));
        Map<String, Register> state = Map.of();
        for (Draft d : byPoint) {
            if (d.point == Long.MAX_VALUE) {
                continue;
            }
            VersionedRegisterModel.Step step = VersionedRegisterModel.apply(state, d.command);
            d.result = step.result();
            state = step.state();
        }
        List<Operation> history = new ArrayList<>();
        for (Draft d : drafts) {
            history.add(d.toOperation());
        }
        return new Generated(history, keys);
    }

    private static Command randomCommand(Random rnd, int keys, boolean deletes, int[] valueCounter) {
        int kind = rnd.nextInt(100);
        if (kind < 10) {
            int n = 1 + rnd.nextInt(3);
            List<Single> ops = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Single op;
                do {
                    op = randomSingle(rnd, keys, deletes, valueCounter);
                } while (op instanceof Read);
                ops.add(op);
            }
            return new Multi(ops);
        }
        return randomSingle(rnd, keys, deletes, valueCounter);
    }

    private static Single randomSingle(Random rnd, int keys, boolean deletes, int[] valueCounter) {
        String key = "/k" + rnd.nextInt(keys);
        int kind = rnd.nextInt(100);
        int expected = rnd.nextBoolean() ? -1 : rnd.nextInt(4);
        if (kind < 35) {
            return Command.read(key);
        }
        if (kind < 65) {
            return Command.setData(key, "v" + valueCounter[0]++, expected);
        }
        if (kind < 80) {
            return Command.create(key, "v" + valueCounter[0]++);
        }
        if (kind < 92 && deletes) {
            return Command.delete(key, expected);
        }
        return Command.check(key, expected);
    }

    @Test
    void generatedHistoriesAreLinearizable() {
        long steps = 0;
        int pending = 0;
        int multiKeyPartitions = 0;
        for (long seed = 0; seed < SEEDS; seed++) {
            Generated g = generate(seed);
            CheckResult r = LinearizabilityChecker.check(g.history());
            final long s = seed;
            assertEquals(Verdict.LINEARIZABLE, r.verdict(), () -> "seed " + s + ": " + r);
            Histories.assertValidWitness(g.history(), Map.of(), r);
            steps += r.steps();
            pending += (int) g.history().stream().filter(Operation::isPending).count();
            multiKeyPartitions += r.partitions() < g.keys() ? 1 : 0;
        }
        assertTrue(pending > 50, "the generator should produce pending ops: " + pending);
        assertTrue(multiKeyPartitions > 10, "multis should join keys: " + multiKeyPartitions);
        assertTrue(steps > 0);
    }

    /** A mutation of one completed op's result that no linearization can explain. */
    private interface Mutation {
        /** The mutated result for op {@code i}, or null when this mutation does not apply to it. */
        Result mutate(List<Operation> history, int i);
    }

    private static final List<Mutation> MUTATIONS = List.of(
            // a read of a value nobody ever wrote
            (history, i) -> history.get(i).result() instanceof Result.Data d
                    ? new Result.Data(Value.of("never-written"), d.version()) : null,
            // a read of a value written only by an op invoked after the read returned
            (history, i) -> {
                Operation read = history.get(i);
                if (!(read.result() instanceof Result.Data)) {
                    return null;
                }
                String key = ((Read) read.command()).key();
                for (Operation w : history) {
                    if (w.invokedAt() > read.returnedAt()) {
                        for (Single s : singles(w.command())) {
                            if (s instanceof SetData set && set.key().equals(key)) {
                                return new Result.Data(set.value(), 1);
                            }
                            if (s instanceof Create create && create.key().equals(key)) {
                                return new Result.Data(create.value(), 0);
                            }
                        }
                    }
                }
                return null;
            },
            // a version higher than all setData ops on that key could ever produce
            (history, i) -> {
                Operation op = history.get(i);
                if (op.result() instanceof Result.Data d) {
                    return new Result.Data(d.value(), impossibleVersion(history, ((Read) op.command()).key()));
                }
                if (op.result() instanceof Result.SetOk) {
                    return new Result.SetOk(impossibleVersion(history, ((SetData) op.command()).key()));
                }
                return null;
            },
            // NONODE from a read although a create completed before it and nothing ever deletes the key
            (history, i) -> {
                Operation read = history.get(i);
                if (!(read.result() instanceof Result.Data)) {
                    return null;
                }
                String key = ((Read) read.command()).key();
                boolean created = false;
                for (Operation op : history) {
                    for (Single s : singles(op.command())) {
                        if (s instanceof Delete d && d.key().equals(key)) {
                            return null;
                        }
                    }
                    created |= op.command() instanceof Create c && c.key().equals(key)
                            && Result.OK.equals(op.result()) && op.returnedAt() < read.invokedAt();
                }
                return created ? new Result.Error(Result.Code.NONODE) : null;
            });

    private static List<Single> singles(Command command) {
        return command instanceof Multi m ? m.ops() : List.of((Single) command);
    }

    private static int impossibleVersion(List<Operation> history, String key) {
        int sets = 0;
        for (Operation op : history) {
            for (Single s : singles(op.command())) {
                sets += s instanceof SetData set && set.key().equals(key) ? 1 : 0;
            }
        }
        return sets + 1;
    }

    @Test
    void provablyWrongMutationsAreRejected() {
        int[] rejectedPerMutation = new int[MUTATIONS.size()];
        for (long seed = 0; seed < SEEDS; seed++) {
            Generated g = generate(seed);
            Random rnd = new Random(seed * 31 + 7);
            for (int m = 0; m < MUTATIONS.size(); m++) {
                Mutation mutation = MUTATIONS.get(m);
                List<Integer> candidates = new ArrayList<>();
                for (int i = 0; i < g.history().size(); i++) {
                    if (!g.history().get(i).isPending() && mutation.mutate(g.history(), i) != null) {
                        candidates.add(i);
                    }
                }
                if (candidates.isEmpty()) {
                    continue;
                }
                int victim = candidates.get(rnd.nextInt(candidates.size()));
                List<Operation> mutated = new ArrayList<>(g.history());
                Operation o = mutated.get(victim);
                Result wrong = mutation.mutate(g.history(), victim);
                assertFalse(wrong.equals(o.result()));
                mutated.set(victim, Operation.completed(o.client(), o.invokedAt(), o.returnedAt(), o.command(), wrong));
                CheckResult r = LinearizabilityChecker.check(mutated);
                final long s = seed;
                final int mm = m;
                assertEquals(Verdict.NOT_LINEARIZABLE, r.verdict(),
                        () -> "seed " + s + " mutation " + mm + " of #" + victim + " " + o + " -> " + wrong + ": " + r);
                assertFalse(r.unplaceable().isEmpty());
                rejectedPerMutation[m]++;
            }
        }
        for (int m = 0; m < MUTATIONS.size(); m++) {
            assertTrue(rejectedPerMutation[m] >= 20, "mutation " + m + " exercised only " + rejectedPerMutation[m]);
        }
    }

    /**
     * Small histories with one result replaced by an arbitrary well-formed answer (the model's
     * answer in a random state): the checker must agree with a brute-force search over all orders,
     * whichever way the verdict goes.
     */
    @Test
    void agreesWithBruteForceOnSmallRandomlyCorruptedHistories() {
        int[] verdicts = new int[2];
        for (long seed = 0; seed < 3000; seed++) {
            Random rnd = new Random(seed);
            Generated g = generate(rnd, 3 + rnd.nextInt(6), 1 + rnd.nextInt(2), 1 + rnd.nextInt(3));
            List<Operation> history = new ArrayList<>(g.history());
            int victim = rnd.nextInt(history.size());
            Operation o = history.get(victim);
            if (!o.isPending()) {
                Map<String, Register> randomState = new HashMap<>();
                for (String key : o.command().keys()) {
                    if (rnd.nextInt(3) != 0) {
                        randomState.put(key, new Register(Value.of("v" + rnd.nextInt(10)), rnd.nextInt(3)));
                    }
                }
                Result other = VersionedRegisterModel.apply(randomState, o.command()).result();
                history.set(victim, Operation.completed(o.client(), o.invokedAt(), o.returnedAt(), o.command(), other));
            }
            boolean expected = bruteForce(history, new boolean[history.size()], Map.of());
            CheckResult r = LinearizabilityChecker.check(history);
            final long s = seed;
            assertEquals(expected ? Verdict.LINEARIZABLE : Verdict.NOT_LINEARIZABLE, r.verdict(),
                    () -> "seed " + s + " " + history + "\n" + r);
            if (expected) {
                Histories.assertValidWitness(history, Map.of(), r);
            }
            verdicts[expected ? 0 : 1]++;
        }
        assertTrue(verdicts[0] > 300 && verdicts[1] > 300, "both verdicts exercised: " + verdicts[0] + "/" + verdicts[1]);
    }

    /** The definition, searched naively: some real-time-respecting order of a superset of the completed ops. */
    private static boolean bruteForce(List<Operation> history, boolean[] placed, Map<String, Register> state) {
        boolean done = true;
        for (int i = 0; i < history.size(); i++) {
            done &= placed[i] || history.get(i).isPending();
        }
        if (done) {
            return true;
        }
        for (int i = 0; i < history.size(); i++) {
            if (placed[i] || !minimal(history, placed, i)) {
                continue;
            }
            Operation op = history.get(i);
            VersionedRegisterModel.Step step = VersionedRegisterModel.apply(state, op.command());
            if (op.isPending() || step.result().equals(op.result())) {
                placed[i] = true;
                boolean ok = bruteForce(history, placed, step.state());
                placed[i] = false;
                if (ok) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean minimal(List<Operation> history, boolean[] placed, int i) {
        for (int j = 0; j < history.size(); j++) {
            if (j != i && !placed[j] && history.get(j).returnedAt() < history.get(i).invokedAt()) {
                return false;
            }
        }
        return true;
    }

    @Test
    void generationAndCheckingAreDeterministic() {
        for (long seed : new long[] {3, 42, 299}) {
            Generated a = generate(seed);
            Generated b = generate(seed);
            assertEquals(a.history(), b.history());
            CheckResult ra = LinearizabilityChecker.check(a.history());
            CheckResult rb = LinearizabilityChecker.check(b.history());
            assertEquals(ra.steps(), rb.steps());
            assertEquals(ra.witness(), rb.witness());
        }
    }
}
