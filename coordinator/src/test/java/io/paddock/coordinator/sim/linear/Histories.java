package io.paddock.coordinator.sim.linear;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Test helpers: a tiny history builder and an independent validator of a witness. */
final class Histories {
    private final List<Operation> ops = new ArrayList<>();

    Operation op(long client, long invokedAt, long returnedAt, Command command, Result result) {
        Operation op = Operation.completed(client, invokedAt, returnedAt, command, result);
        ops.add(op);
        return op;
    }

    Operation pending(long client, long invokedAt, Command command) {
        Operation op = Operation.pending(client, invokedAt, command);
        ops.add(op);
        return op;
    }

    List<Operation> ops() {
        return List.copyOf(ops);
    }

    CheckResult check() {
        return LinearizabilityChecker.check(ops());
    }

    /**
     * Checks a LINEARIZABLE result's witness without the checker's help: every completed op exactly
     * once, witness and omitted pending ops partition the history, real-time order respected, and
     * a sequential replay reproduces every observed result.
     */
    static void assertValidWitness(List<Operation> history, Map<String, Register> initial, CheckResult result) {
        assertTrue(result.isLinearizable(), result::toString);
        Set<Operation> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Operation op : result.witness()) {
            assertTrue(seen.add(op), () -> "twice in the witness: " + op);
        }
        for (Operation op : result.notTakenEffect()) {
            assertTrue(op.isPending(), () -> "a completed op left out: " + op);
            assertTrue(seen.add(op), () -> "both in the witness and left out: " + op);
        }
        assertEquals(history.size(), seen.size(), "witness + omitted must cover the history");
        for (Operation op : history) {
            assertTrue(seen.contains(op), () -> "missing: " + op);
        }
        List<Operation> w = result.witness();
        for (int i = 0; i < w.size(); i++) {
            for (int j = i + 1; j < w.size(); j++) {
                Operation a = w.get(i);
                Operation b = w.get(j);
                assertFalse(b.returnedAt() < a.invokedAt(), () -> "real time violated: " + b + " before " + a);
            }
        }
        Map<String, Register> state = initial;
        for (Operation op : w) {
            VersionedRegisterModel.Step step = VersionedRegisterModel.apply(state, op.command());
            if (!op.isPending()) {
                assertEquals(op.result(), step.result(), () -> "replay differs at " + op);
            }
            state = step.state();
        }
    }
}
