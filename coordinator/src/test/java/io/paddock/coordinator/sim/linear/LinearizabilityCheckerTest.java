package io.paddock.coordinator.sim.linear;

import static io.paddock.coordinator.sim.linear.Command.check;
import static io.paddock.coordinator.sim.linear.Command.create;
import static io.paddock.coordinator.sim.linear.Command.delete;
import static io.paddock.coordinator.sim.linear.Command.multi;
import static io.paddock.coordinator.sim.linear.Command.read;
import static io.paddock.coordinator.sim.linear.Command.setData;
import static io.paddock.coordinator.sim.linear.Result.OK;
import static io.paddock.coordinator.sim.linear.Result.data;
import static io.paddock.coordinator.sim.linear.Result.error;
import static io.paddock.coordinator.sim.linear.Result.multiError;
import static io.paddock.coordinator.sim.linear.Result.multiOk;
import static io.paddock.coordinator.sim.linear.Result.setOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.coordinator.sim.linear.CheckResult.Verdict;
import io.paddock.coordinator.sim.linear.LinearizabilityChecker.Budget;
import io.paddock.coordinator.sim.linear.Result.Code;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LinearizabilityCheckerTest {
    private final Histories h = new Histories();

    private CheckResult assertLinearizable() {
        CheckResult r = h.check();
        Histories.assertValidWitness(h.ops(), Map.of(), r);
        return r;
    }

    private CheckResult assertNotLinearizable(Operation... unplaceable) {
        CheckResult r = h.check();
        assertEquals(Verdict.NOT_LINEARIZABLE, r.verdict(), r::toString);
        assertTrue(r.explanation().contains("cannot place"), r::toString);
        assertTrue(r.witness().isEmpty());
        if (unplaceable.length > 0) {
            assertEquals(List.of(unplaceable), r.unplaceable(), r::toString);
        }
        return r;
    }

    // ---- linearizable ----

    @Test
    void emptyHistoryIsLinearizable() {
        CheckResult r = assertLinearizable();
        assertEquals(0, r.partitions());
    }

    @Test
    void sequentialLifecycleIncludingRecreateResetsVersion() {
        h.op(1, 0, 1, create("/a", "v0"), OK);
        h.op(1, 2, 3, setData("/a", "v1", -1), setOk(1));
        h.op(1, 4, 5, read("/a"), data("v1", 1));
        h.op(1, 6, 7, delete("/a", 1), OK);
        h.op(1, 8, 9, read("/a"), error(Code.NONODE));
        h.op(1, 10, 11, create("/a", "v2"), OK);
        h.op(1, 12, 13, read("/a"), data("v2", 0));
        CheckResult r = assertLinearizable();
        assertEquals(h.ops(), r.witness());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void concurrentWritesWithOverlappingReadsSeeingEitherValue(boolean yFirst) {
        h.op(0, 0, 1, create("/a", "v0"), OK);
        h.op(1, 10, 40, setData("/a", "x", -1), setOk(yFirst ? 2 : 1));
        h.op(2, 12, 42, setData("/a", "y", -1), setOk(yFirst ? 1 : 2));
        h.op(3, 15, 20, read("/a"), data("v0", 0));
        h.op(3, 21, 25, read("/a"), yFirst ? data("y", 1) : data("x", 1));
        h.op(3, 26, 30, read("/a"), yFirst ? data("x", 2) : data("y", 2));
        h.op(4, 15, 35, read("/a"), yFirst ? data("x", 2) : data("y", 2)); // long read, newest
        h.op(5, 14, 36, read("/a"), data("v0", 0)); // long read, oldest
        h.op(3, 50, 51, read("/a"), yFirst ? data("x", 2) : data("y", 2));
        assertLinearizable();
    }

    @Test
    void touchingIntervalsAreConcurrent() {
        h.op(0, 0, 1, create("/a", "v0"), OK);
        h.op(1, 10, 20, setData("/a", "x", -1), setOk(1));
        h.op(2, 20, 30, read("/a"), data("v0", 0)); // invoked exactly when the write returned
        assertLinearizable();
    }

    @Test
    void pendingWriteSeen() {
        h.op(0, 0, 1, create("/a", "v0"), OK);
        Operation p = h.pending(1, 10, setData("/a", "p", -1));
        h.op(2, 20, 21, read("/a"), data("p", 1));
        CheckResult r = assertLinearizable();
        assertTrue(r.witness().contains(p));
    }

    @Test
    void pendingWriteNotSeen() {
        h.op(0, 0, 1, create("/a", "v0"), OK);
        Operation p = h.pending(1, 10, setData("/a", "p", -1));
        h.op(2, 20, 21, read("/a"), data("v0", 0));
        h.op(2, 1000, 1001, read("/a"), data("v0", 0));
        CheckResult r = assertLinearizable();
        assertEquals(List.of(p), r.notTakenEffect());
    }

    @Test
    void pendingWriteTakesEffectLongAfterItsInvocation() {
        h.op(0, 0, 1, create("/a", "v0"), OK);
        h.pending(1, 10, setData("/a", "p", -1));
        h.op(2, 20, 21, read("/a"), data("v0", 0));
        h.op(3, 30, 31, setData("/a", "q", -1), setOk(1));
        h.op(2, 40, 41, read("/a"), data("p", 2));
        assertLinearizable();
    }

    @Test
    void failedOperationsConsistentWithTheState() {
        h.op(0, 0, 1, create("/a", "v0"), OK);
        h.op(1, 10, 20, setData("/a", "x", 0), setOk(1));
        h.op(2, 11, 21, setData("/a", "y", 0), error(Code.BADVERSION)); // lost the race
        h.op(3, 12, 22, create("/a", "z"), error(Code.NODEEXISTS));
        h.op(3, 23, 24, delete("/b", -1), error(Code.NONODE));
        h.op(3, 25, 26, delete("/a", 0), error(Code.BADVERSION));
        h.op(3, 27, 28, read("/a"), data("x", 1));
        assertLinearizable();
    }

    @Test
    void multiCommitsAndAbortsAtomically() {
        h.op(0, 0, 1, create("/a", "a0"), OK);
        h.op(0, 2, 3, create("/b", "b0"), OK);
        h.op(1, 10, 20, multi(check("/a", 0), setData("/a", "a1", -1), setData("/b", "b1", -1)),
                multiOk(OK, setOk(1), setOk(1)));
        h.op(2, 12, 18, multi(setData("/b", "bx", -1), check("/a", 5)), multiError(1, Code.BADVERSION));
        h.op(3, 11, 19, read("/b"), data("b0", 0));
        h.op(3, 21, 22, read("/a"), data("a1", 1));
        h.op(3, 23, 24, read("/b"), data("b1", 1));
        assertLinearizable();
    }

    @Test
    void initialStateIsUsed() {
        h.op(1, 0, 1, read("/"), data("", 0));
        h.op(1, 2, 3, create("/", "x"), error(Code.NODEEXISTS));
        Map<String, Register> initial = Map.of("/", new Register(Value.of(new byte[0]), 0));
        CheckResult r = LinearizabilityChecker.check(h.ops(), initial, Budget.DEFAULT);
        Histories.assertValidWitness(h.ops(), initial, r);
        assertEquals(Verdict.NOT_LINEARIZABLE, h.check().verdict()); // from an empty map it is not
    }

    @Test
    void keysArePartitionedByConnectedComponents() {
        h.op(1, 0, 1, create("/a", "a"), OK);
        h.op(1, 2, 3, create("/b", "b"), OK);
        h.op(1, 4, 5, create("/c", "c"), OK);
        h.op(2, 6, 7, multi(check("/a", 0), check("/b", 0)), multiOk(OK, OK));
        h.op(2, 8, 9, read("/c"), data("c", 0));
        h.op(2, 10, 11, multi(), multiOk());
        CheckResult r = assertLinearizable();
        assertEquals(3, r.partitions()); // {/a,/b}, {/c}, the empty multi
    }

    // ---- not linearizable ----

    @Test
    void staleReadAfterCompletedWrite() {
        h.op(0, 0, 1, create("/a", "v0"), OK);
        h.op(1, 2, 3, setData("/a", "x", -1), setOk(1));
        Operation stale = h.op(2, 4, 5, read("/a"), data("v0", 0));
        CheckResult r = assertNotLinearizable(stale);
        assertEquals(2, r.longestPrefix().size());
    }

    @Test
    void readsObservingCompletedWritesInOppositeOrders() {
        h.op(0, 0, 1, create("/a", "v0"), OK);
        h.op(1, 10, 100, setData("/a", "x", -1), setOk(1));
        h.op(2, 10, 100, setData("/a", "y", -1), setOk(2));
        h.op(3, 20, 30, read("/a"), data("x", 1));
        h.op(3, 40, 50, read("/a"), data("y", 2));
        h.op(4, 20, 30, read("/a"), data("y", 2));
        h.op(4, 40, 50, read("/a"), data("x", 1));
        assertNotLinearizable();
    }

    @Test
    void readsObservingPendingWritesInOppositeOrders() {
        h.op(0, 0, 1, create("/a", "v0"), OK);
        h.pending(1, 10, setData("/a", "x", -1));
        h.pending(2, 10, setData("/a", "y", -1));
        h.op(3, 20, 30, read("/a"), data("x", 1));
        h.op(3, 40, 50, read("/a"), data("y", 2));
        h.op(4, 20, 30, read("/a"), data("y", 1));
        h.op(4, 40, 50, read("/a"), data("x", 2));
        assertNotLinearizable();
    }

    @Test
    void versionThatSkips() {
        h.op(0, 0, 1, create("/a", "v0"), OK);
        Operation skip = h.op(1, 2, 3, setData("/a", "x", -1), setOk(2));
        assertNotLinearizable(skip);
    }

    @Test
    void readVersionThatSkips() {
        h.op(0, 0, 1, create("/a", "v0"), OK);
        h.op(1, 2, 3, setData("/a", "x", -1), setOk(1));
        Operation read = h.op(2, 4, 5, read("/a"), data("x", 2));
        assertNotLinearizable(read);
    }

    @Test
    void readOfDeletedNodeAfterTheDeleteCompleted() {
        h.op(0, 0, 1, create("/a", "v0"), OK);
        h.op(1, 2, 3, delete("/a", -1), OK);
        Operation ghost = h.op(2, 4, 5, read("/a"), data("v0", 0));
        assertNotLinearizable(ghost);
    }

    @Test
    void createSucceedingTwice() {
        h.op(1, 0, 10, create("/a", "x"), OK);
        h.op(2, 1, 11, create("/a", "y"), OK); // concurrent, but only one can win
        assertNotLinearizable();
    }

    @Test
    void lostCompletedWrite() {
        h.op(0, 0, 1, create("/a", "v0"), OK);
        h.op(1, 10, 20, setData("/a", "x", -1), setOk(1));
        h.op(2, 11, 21, setData("/a", "y", -1), setOk(2));
        Operation read = h.op(3, 30, 31, read("/a"), data("x", 1)); // y vanished
        assertNotLinearizable(read);
    }

    @Test
    void failedOperationInconsistentWithTheState() {
        h.op(0, 0, 1, create("/a", "v0"), OK);
        Operation bad = h.op(1, 2, 3, setData("/a", "x", 0), error(Code.BADVERSION));
        assertNotLinearizable(bad);
    }

    @Test
    void deleteReportsNoNodeWhileTheNodeExists() {
        h.op(0, 0, 1, create("/a", "v0"), OK);
        Operation bad = h.op(1, 2, 3, delete("/a", -1), error(Code.NONODE));
        assertNotLinearizable(bad);
    }

    @Test
    void completedMultiVisibleOnlyHalfway() {
        h.op(0, 0, 1, create("/a", "a0"), OK);
        h.op(0, 2, 3, create("/b", "b0"), OK);
        h.op(1, 10, 20, multi(setData("/a", "a1", -1), setData("/b", "b1", -1)), multiOk(setOk(1), setOk(1)));
        h.op(2, 21, 22, read("/a"), data("a1", 1));
        h.op(2, 23, 24, read("/b"), data("b0", 0));
        assertNotLinearizable();
    }

    @Test
    void pendingMultiObservedNonAtomicallyAcrossKeys() {
        h.op(0, 0, 1, create("/a", "a0"), OK);
        h.op(0, 2, 3, create("/b", "b0"), OK);
        h.pending(1, 10, multi(setData("/a", "a1", -1), setData("/b", "b1", -1)));
        h.op(2, 20, 21, read("/a"), data("a1", 1));
        h.op(3, 30, 31, read("/b"), data("b0", 0)); // after a1 was seen: b1 must be visible
        CheckResult r = assertNotLinearizable();
        assertEquals(1, r.partitions());
    }

    @Test
    void abortedMultiMustNotBeVisible() {
        h.op(0, 0, 1, create("/a", "a0"), OK);
        h.op(1, 10, 20, multi(setData("/a", "a1", -1), check("/b", -1)), multiError(1, Code.NONODE));
        h.op(2, 30, 31, read("/a"), data("a1", 1));
        assertNotLinearizable();
    }

    @Test
    void pendingWriteCannotTakeEffectBeforeItsInvocation() {
        h.op(0, 0, 1, create("/a", "v0"), OK);
        h.op(2, 2, 5, read("/a"), data("p", 1));
        h.pending(1, 10, setData("/a", "p", -1));
        assertNotLinearizable();
    }

    @Test
    void explanationNamesTheStuckOperationAndTheModelAnswer() {
        h.op(0, 0, 1, create("/a", "v0"), OK);
        h.op(1, 2, 3, setData("/a", "x", -1), setOk(1));
        h.op(2, 4, 5, read("/a"), data("v0", 0));
        CheckResult r = assertNotLinearizable();
        assertTrue(r.explanation().contains("#2"), r::toString);
        assertTrue(r.explanation().contains("model answers \"x\"@v1"), r::toString);
    }

    // ---- budget and validation ----

    @Test
    void exhaustedBudgetReportsUnknownNotForever() {
        h.op(0, 0, 1, create("/a", "v0"), OK);
        for (int i = 0; i < 22; i++) {
            h.pending(i + 1, 10, setData("/a", "w" + i, -1));
        }
        h.op(99, 20, 21, read("/a"), data("never-written", 3));
        CheckResult r = LinearizabilityChecker.check(h.ops(), Map.of(), new Budget(20_000, 1_000_000));
        assertEquals(Verdict.UNKNOWN, r.verdict(), r::toString);
        assertTrue(r.explanation().contains("budget"), r::toString);
        CheckResult small = LinearizabilityChecker.check(h.ops(), Map.of(), new Budget(1_000_000, 500));
        assertEquals(Verdict.UNKNOWN, small.verdict(), small::toString);
    }

    @Test
    void hardButDecidableWithinTheDefaultBudget() {
        h.op(0, 0, 1, create("/a", "v0"), OK);
        for (int i = 0; i < 10; i++) {
            h.pending(i + 1, 10, setData("/a", "w" + i, -1));
        }
        h.op(99, 20, 21, read("/a"), data("never-written", 3));
        assertNotLinearizable();
    }

    @Test
    void malformedOperationsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Operation.completed(1, 5, 4, read("/a"), OK));
        assertThrows(IllegalArgumentException.class, () -> Operation.completed(1, 0, 4, read("/a"), OK));
        assertThrows(IllegalArgumentException.class,
                () -> Operation.completed(1, 0, 4, create("/a", "x"), error(Code.BADVERSION)));
        assertThrows(IllegalArgumentException.class, () -> Operation.completed(1, 0, 4, setData("/a", "x", -1), OK));
        assertThrows(IllegalArgumentException.class,
                () -> Operation.completed(1, 0, 4, multi(check("/a", 0)), multiError(1, Code.NONODE)));
        assertThrows(IllegalArgumentException.class, () -> new Operation(1, 0, 4, read("/a"), null));
        assertThrows(IllegalArgumentException.class, () -> multi(check("/a", 0), (Command.Single) read("/a")));
    }
}
