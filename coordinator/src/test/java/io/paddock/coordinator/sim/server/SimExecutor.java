package io.paddock.coordinator.sim.server;

import io.paddock.coordinator.env.Cancellable;
import io.paddock.coordinator.env.SerialExecutor;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * A serial executor of one simulated host: its tasks run one at a time on the {@link SimLoop}, in
 * submission order, never while the host is paused or after it crashed. A task that spent
 * simulated time (an fsync) keeps the executor busy for that long, and what it handed to other
 * executors becomes ready only then.
 */
final class SimExecutor implements SerialExecutor {
    private record Pending(long readyAt, Runnable task) {}

    private final SimLoop loop;
    private final SimHost host;
    private final String name;
    private final Consumer<Throwable> onFailure;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    /** Simulated time before which this executor is still busy with its last task. */
    long busyUntil;
    /** When the task now running (or last run) started waiting on a stalled disk, or -1. */
    long blockedSince = -1;
    private long wakeAt = -1;
    private boolean closed;
    private boolean failed;

    SimExecutor(SimLoop loop, SimHost host, String name, Consumer<Throwable> onFailure) {
        this.loop = loop;
        this.host = host;
        this.name = name;
        this.onFailure = onFailure;
    }

    boolean dead() {
        return closed || failed || !host.owns(this);
    }

    @Override
    public void execute(Runnable task) {
        if (dead()) {
            return;
        }
        if (loop.effectiveNow() > loop.now()) {
            // handed over by a task that is still "blocked" (in an fsync): it arrives when that ends
            loop.at(loop.effectiveNow(), () -> enqueue(task));
        } else {
            enqueue(task);
        }
    }

    private void enqueue(Runnable task) {
        if (dead()) {
            return;
        }
        queue.add(new Pending(loop.now(), task));
        if (queue.size() == 1) {
            wake();
        }
    }

    /** Makes sure an event will run the head of the queue when it can run. */
    void wake() {
        if (queue.isEmpty() || dead()) {
            return;
        }
        long at = Math.max(Math.max(queue.peekFirst().readyAt(), busyUntil), host.pausedUntil());
        if (wakeAt >= 0 && wakeAt <= at) {
            return;
        }
        wakeAt = at;
        loop.at(at, () -> {
            if (wakeAt == at) {
                wakeAt = -1;
                runHead();
            }
        });
    }

    private void runHead() {
        if (queue.isEmpty() || dead()) {
            return;
        }
        Pending head = queue.peekFirst();
        long free = Math.max(Math.max(head.readyAt(), busyUntil), host.pausedUntil());
        if (free > loop.now()) {
            wake();
            return;
        }
        queue.pollFirst();
        try {
            loop.runTask(this, head.task());
        } catch (ServerSimulation.Violation v) {
            throw v; // a check failed inside a server's task: the run is over, not the server
        } catch (RuntimeException | Error e) {
            failed = true;
            queue.clear();
            onFailure.accept(e);
            return;
        }
        wake();
    }

    @Override
    public Cancellable schedule(Runnable task, long delayMillis) {
        boolean[] cancelled = {false};
        loop.after(delayMillis * 1_000_000L, () -> {
            if (!cancelled[0]) {
                execute(task);
            }
        });
        return () -> cancelled[0] = true;
    }

    @Override
    public Cancellable scheduleRepeating(Runnable task, long periodMillis) {
        boolean[] cancelled = {false};
        Runnable[] tick = new Runnable[1];
        tick[0] = () -> {
            if (cancelled[0] || dead()) {
                return;
            }
            execute(() -> {
                if (cancelled[0]) {
                    return;
                }
                task.run();
                loop.after(periodMillis * 1_000_000L, tick[0]);
            });
        };
        loop.after(periodMillis * 1_000_000L, tick[0]);
        return () -> cancelled[0] = true;
    }

    @Override
    public boolean stop() {
        closed = true;
        queue.clear();
        return true;
    }

    String name() {
        return name;
    }

    /** Blocked on a stalled disk since this time, or -1. */
    long blockedSince(long now) {
        return blockedSince >= 0 && busyUntil > now ? blockedSince : -1;
    }

    @Override
    public String toString() {
        return host + "/" + name;
    }
}
