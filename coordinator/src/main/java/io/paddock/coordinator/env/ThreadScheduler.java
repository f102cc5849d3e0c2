package io.paddock.coordinator.env;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** A {@link SerialExecutor} on one daemon thread. */
final class ThreadScheduler implements SerialExecutor {
    private static final long CLOSE_WAIT_SECONDS = 30;

    private static final long FORCED_WAIT_SECONDS = 10;

    private final ScheduledThreadPoolExecutor executor;
    private final Consumer<Throwable> onFailure;
    private volatile boolean failed;
    private volatile Thread thread;

    ThreadScheduler(String name, Consumer<Throwable> onFailure) {
        this.onFailure = onFailure;
        this.executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            thread = t;
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    @Override
    public void execute(Runnable task) {
        try {
            executor.execute(() -> guarded(task));
        } catch (RejectedExecutionException e) {
            // closed: the server is stopping and nothing queued now could matter
        }
    }

    @Override
    public Cancellable schedule(Runnable task, long delayMillis) {
        try {
            ScheduledFuture<?> f = executor.schedule(() -> guarded(task), delayMillis, TimeUnit.MILLISECONDS);
            return () -> f.cancel(false);
        } catch (RejectedExecutionException e) {
            return () -> { };
        }
    }

    @Override
    public Cancellable scheduleRepeating(Runnable task, long periodMillis) {
        try {
            ScheduledFuture<?> f = executor.scheduleWithFixedDelay(() -> guarded(task), periodMillis, periodMillis,
                    TimeUnit.MILLISECONDS);
            return () -> f.cancel(false);
        } catch (RejectedExecutionException e) {
            return () -> { };
        }
    }

    private void guarded(Runnable task) {
        if (failed) {
            return;
        }
        try {
            task.run();
        } catch (Throwable t) {
            failed = true;
            executor.shutdown();
            onFailure.accept(t);
        }
    }

    @Override
    public boolean stop() {
        executor.shutdown();
        if (Thread.currentThread() == thread) {
            return false; // closed from its own task: it ends once that task returns
        }
        try {
            if (executor.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                return true;
            }
            executor.shutdownNow();
            return executor.awaitTermination(FORCED_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            executor.shutdownNow();
            return false;
        }
    }
}
