package io.paddock.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition, polling: the one way tests wait for something to become true (never a
 * fixed sleep standing in for synchronization). A timeout fails with what was awaited and, when
 * given, a description of the state at that moment.
 */
public final class Await {
    private static final long POLL_MILLIS = 20;

    private Await() {
    }

    public static void until(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        until(timeout, "condition", condition, () -> "");
    }

    public static void until(Duration timeout, String what, BooleanSupplier condition) throws InterruptedException {
        until(timeout, what, condition, () -> "");
    }

    /** Like {@link #until(Duration, String, BooleanSupplier)}; {@code state} explains a timeout. */
    public static void until(Duration timeout, String what, BooleanSupplier condition, Supplier<String> state)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                String s = state.get();
                throw new AssertionError(what + " not met within " + timeout + (s.isEmpty() ? "" : ": " + s));
            }
            Thread.sleep(POLL_MILLIS);
        }
    }
}
