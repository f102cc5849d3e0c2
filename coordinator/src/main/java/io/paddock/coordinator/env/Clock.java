package io.paddock.coordinator.env;

/**
 * Time as a server sees it: a monotonic clock for timeouts and latencies, and the wall clock for
 * the times ZooKeeper puts into Stat (ctime, mtime) and TTL checks.
 */
public interface Clock {
    /** Monotonic nanoseconds from an arbitrary origin; never goes backwards. */
    long monotonicNanos();

    /** Milliseconds since the epoch, as {@code System.currentTimeMillis()}. */
    long wallMillis();

    default long monotonicMillis() {
        return monotonicNanos() / 1_000_000L;
    }

    /** The system clocks. */
    static Clock system() {
        return SystemClock.INSTANCE;
    }
}
