package io.paddock.coordinator.env;

import java.util.concurrent.Executor;

/**
 * Runs tasks one at a time, in submission order, on one logical thread: state touched only from
 * its tasks needs no locks. Timers run on the same thread.
 *
 * <p>A task that throws is a bug or an unrecoverable fault; it reaches the failure handler the
 * executor was created with (the server stops), never a log line that lets the server continue
 * with half-applied state.
 */
public interface SerialExecutor extends Executor, AutoCloseable {
    /** Queues {@code task}; silently dropped once the executor is closed. */
    @Override
    void execute(Runnable task);

    /** Runs {@code task} once after {@code delayMillis}. */
    Cancellable schedule(Runnable task, long delayMillis);

    /** Runs {@code task} every {@code periodMillis} (measured from the end of one run to the next). */
    Cancellable scheduleRepeating(Runnable task, long periodMillis);

    /**
     * Stops accepting tasks and waits (bounded) for the running one to finish. Idempotent. True when
     * the executor has stopped: a task stuck (in a hung fsync, say) may still be running otherwise.
     */
    boolean stop();

    /** {@link #stop()}, for try-with-resources. */
    @Override
    default void close() {
        stop();
    }
}
