package io.paddock.coordinator.sim.server;

import io.paddock.coordinator.env.Clock;
import io.paddock.coordinator.env.Entropy;
import io.paddock.coordinator.env.Scheduler;
import io.paddock.coordinator.env.SerialExecutor;
import java.util.ArrayList;
import java.util.List;

/**
 * One simulated machine: a disk that outlives crashes, a clock, and the executors of the server
 * process currently running on it. A crash ends that process (its executors never run again) and
 * keeps only what the disk made durable; a pause (a long GC) stops every executor for a while.
 */
final class SimHost {
    final long id;
    private final SimLoop loop;
    final SimDisk disk;
    private final long clockOffsetNanos;
    private final long wallBaseMillis;
    private int incarnation;
    private boolean up;
    private long pausedUntil;
    private final List<SimExecutor> executors = new ArrayList<>();

    SimHost(long id, SimLoop loop) {
        this.id = id;
        this.loop = loop;
        this.disk = new SimDisk(loop);
        this.clockOffsetNanos = loop.random.nextLong(1L << 40);
        this.wallBaseMillis = 1_700_000_000_000L + loop.random.nextLong(1_000_000);
    }

    boolean up() {
        return up;
    }

    int incarnation() {
        return incarnation;
    }

    /** A new process starts on this host. */
    void boot() {
        incarnation++;
        executors.clear();
        up = true;
        pausedUntil = 0;
    }

    /** The process dies; the disk keeps only what was durable. */
    void crash() {
        up = false;
        executors.clear();
        disk.crash();
    }

    /** The running process's executor with that name, or null. */
    SimExecutor executor(String name) {
        for (SimExecutor e : executors) {
            if (e.name().equals(name)) {
                return e;
            }
        }
        return null;
    }

    boolean owns(SimExecutor e) {
        return up && executors.contains(e);
    }

    long pausedUntil() {
        return pausedUntil;
    }

    /** Stops every executor of the running process for {@code nanos} (a GC-like stall). */
    void pause(long nanos) {
        pausedUntil = Math.max(pausedUntil, loop.now() + nanos);
    }

    boolean paused() {
        return pausedUntil > loop.now();
    }

    Scheduler scheduler() {
        return (name, onFailure) -> {
            SimExecutor e = new SimExecutor(loop, this, name, onFailure);
            executors.add(e);
            return (SerialExecutor) e;
        };
    }

    Clock clock() {
        return new Clock() {
            @Override
            public long monotonicNanos() {
                return clockOffsetNanos + loop.effectiveNow();
            }

            @Override
            public long wallMillis() {
                return wallBaseMillis + loop.effectiveNow() / 1_000_000L;
            }
        };
    }

    Entropy entropy() {
        return Entropy.seeded(loop.random.nextLong());
    }

    @Override
    public String toString() {
        return "s" + id;
    }
}
