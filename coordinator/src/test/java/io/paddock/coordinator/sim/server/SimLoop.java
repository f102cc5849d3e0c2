package io.paddock.coordinator.sim.server;

import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * The simulator's one thread of control: simulated time in nanoseconds and a queue of events run in
 * (time, sequence) order. Everything the simulated servers, disks, links and clients do is an event
 * here, so a run is a pure function of its seed.
 *
 * <p>Work inside a {@link SimExecutor} task can cost simulated time (an fsync): the loop tracks
 * that cost, and whatever the task hands to other executors becomes ready only once the cost has
 * passed, as if the task had really blocked.
 */
final class SimLoop {
    private record Event(long at, long seq, Runnable action) implements Comparable<Event> {
        @Override
        public int compareTo(Event o) {
            int c = Long.compare(at, o.at);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    private final PriorityQueue<Event> events = new PriorityQueue<>();
    final SplittableRandom random;
    private long now;
    private long seq;
    private long steps;
    /** The executor whose task is running, and the time its task has cost so far. */
    private SimExecutor running;
    private long runningCost;

    SimLoop(long seed) {
        this.random = new SplittableRandom(seed);
    }

    long now() {
        return now;
    }

    long steps() {
        return steps;
    }

    /** Now, plus what the running task has spent: when something it hands off becomes visible. */
    long effectiveNow() {
        return now + runningCost;
    }

    void at(long time, Runnable action) {
        events.add(new Event(Math.max(time, now), seq++, action));
    }

    void after(long delayNanos, Runnable action) {
        at(effectiveNow() + delayNanos, action);
    }

    /** Called by a running task that blocks for {@code nanos} (an fsync, a stalled disk). */
    void spend(long nanos) {
        if (running != null) {
            runningCost += nanos;
        }
    }

    SimExecutor running() {
        return running;
    }

    void runTask(SimExecutor executor, Runnable task) {
        running = executor;
        runningCost = 0;
        try {
            task.run();
        } finally {
            executor.busyUntil = now + runningCost;
            running = null;
            runningCost = 0;
        }
    }

    /** Runs events up to {@code until} (inclusive); false when the queue ran dry first. */
    boolean runUntil(long until, Runnable afterEach) {
        while (!events.isEmpty() && events.peek().at <= until) {
            Event e = events.poll();
            now = e.at;
            steps++;
            e.action.run();
            afterEach.run();
        }
        if (now < until) {
            now = until;
        }
        return !events.isEmpty();
    }
}
