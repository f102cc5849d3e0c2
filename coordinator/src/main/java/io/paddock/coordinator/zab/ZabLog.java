package io.paddock.coordinator.zab;

import java.util.ArrayList;
import java.util.List;

/**
 * A peer's log entries in memory: those after {@code base} (the zxid up to which the state is in a
 * snapshot). Searches are binary: the log holds up to two snapshots' worth of entries, so scanning
 * it per commit would make every commit cost O(log).
 */
final class ZabLog {
    private final ArrayList<Entry> entries = new ArrayList<>();
    private long base;

    ZabLog(long base, List<Entry> durable) {
        this.base = base;
        this.entries.addAll(durable);
    }

    long base() {
        return base;
    }

    long lastZxid() {
        return entries.isEmpty() ? base : entries.get(entries.size() - 1).zxid();
    }

    int size() {
        return entries.size();
    }

    Entry get(int i) {
        return entries.get(i);
    }

    List<Entry> view() {
        return List.copyOf(entries);
    }

    void append(Entry e) {
        if (e.zxid() <= lastZxid()) {
            throw new IllegalStateException("append " + e + " after " + Zxid.hex(lastZxid()));
        }
        entries.add(e);
    }

    /** Drops every entry with a zxid above {@code zxid}. */
    void removeAfter(long zxid) {
        while (!entries.isEmpty() && entries.get(entries.size() - 1).zxid() > zxid) {
            entries.remove(entries.size() - 1);
        }
    }

    /** Everything is replaced by a snapshot at {@code zxid}. */
    void resetTo(long zxid) {
        entries.clear();
        base = zxid;
    }

    /** Drops entries up to {@code zxid} (their state is in a snapshot now). */
    void compact(long zxid) {
        int n = 0;
        while (n < entries.size() && entries.get(n).zxid() <= zxid) {
            n++;
        }
        if (n > 0) {
            base = entries.get(n - 1).zxid();
            entries.subList(0, n).clear();
        }
    }

    /** Index of the first entry with a zxid above {@code zxid} ({@link #size()} if none). */
    int firstIndexAfter(long zxid) {
        int lo = 0;
        int hi = entries.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (entries.get(mid).zxid() <= zxid) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    boolean contains(long zxid) {
        int i = firstIndexAfter(zxid) - 1;
        return i >= 0 && entries.get(i).zxid() == zxid;
    }

    List<Entry> entriesAfter(long zxid) {
        return new ArrayList<>(entries.subList(firstIndexAfter(zxid), entries.size()));
    }

    /** Our largest zxid below {@code zxid} that we still hold (or the base), or -1 if unknown. */
    long lastBelow(long zxid) {
        long best = -1;
        if (base < zxid) {
            best = base;
        }
        for (Entry e : entries) {
            if (e.zxid() < zxid) {
                best = e.zxid();
            } else {
                break;
            }
        }
        // Only safe when our log covers that point: at the base we cannot tell what follows for them.
        return best == base && base > 0 && !entries.isEmpty() && entries.get(0).zxid() > zxid ? -1 : best;
    }
}
