package io.paddock.coordinator.request;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Actions that must wait until this server has applied up to a zxid: a sync's reply, a re-attach
 * the leader confirmed. Request thread only.
 */
final class AppliedWaits {
    private record Wait(long zxid, Runnable action) {}

    private final LongSupplier applied;
    private final List<Wait> waits = new ArrayList<>();

    AppliedWaits(LongSupplier applied) {
        this.applied = applied;
    }

    /** Runs {@code action} now if {@code zxid} is applied, else once it is. */
    void after(long zxid, Runnable action) {
        if (applied.getAsLong() >= zxid) {
            action.run();
        } else {
            waits.add(new Wait(zxid, action));
        }
    }

    /** Called after every apply. */
    void release() {
        if (waits.isEmpty()) {
            return;
        }
        long now = applied.getAsLong();
        List<Wait> ready = new ArrayList<>();
        waits.removeIf(w -> w.zxid() <= now && ready.add(w));
        ready.forEach(w -> w.action().run());
    }

    int size() {
        return waits.size();
    }

    void clear() {
        waits.clear();
    }
}
