package io.paddock.coordinator.session;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Session liveness. Deadlines are rounded up to the next bucket boundary (a fixed width, a fraction
 * of a tick) and sessions are kept in one bucket per boundary, so expiring is "take every bucket
 * whose boundary has passed" rather than a scan of all sessions. Time is passed in (milliseconds); nothing here reads a clock.
 * Single-threaded: owned by the request pipeline.
 */
public final class SessionTracker {
    private final long bucketMs;
    private final Map<Long, Entry> sessions = new HashMap<>();
    private final TreeMap<Long, Set<Long>> buckets = new TreeMap<>();

    private static final class Entry {
        final int timeoutMs;
        long bucket;
        boolean closing;

        Entry(int timeoutMs) {
            this.timeoutMs = timeoutMs;
        }
    }

    public SessionTracker(long bucketMs) {
        if (bucketMs <= 0) {
            throw new IllegalArgumentException("bucketMs must be positive: " + bucketMs);
        }
        this.bucketMs = bucketMs;
    }

    /** The bucket boundary a deadline falls into: the first boundary strictly after it. */
    long roundUp(long deadlineMs) {
        return (deadlineMs / bucketMs + 1) * bucketMs;
    }

    /** Adds a session, or re-times an existing one with a newly negotiated timeout. */
    public void add(long sessionId, int timeoutMs, long nowMs) {
        Entry e = sessions.get(sessionId);
        if (e == null || e.timeoutMs != timeoutMs) {
            boolean closing = e != null && e.closing;
            if (e != null) {
                removeFromBucket(sessionId, e);
            }
            e = new Entry(timeoutMs);
            e.closing = closing;
            sessions.put(sessionId, e);
            e.bucket = Long.MIN_VALUE;
        }
        reschedule(sessionId, e, nowMs);
    }

    /** Records activity; false when the session is unknown or already closing. */
    public boolean touch(long sessionId, long nowMs) {
        Entry e = sessions.get(sessionId);
        if (e == null || e.closing) {
            return false;
        }
        reschedule(sessionId, e, nowMs);
        return true;
    }

    private void reschedule(long sessionId, Entry e, long nowMs) {
        long bucket = roundUp(nowMs + e.timeoutMs);
        if (bucket == e.bucket) {
            return;
        }
        removeFromBucket(sessionId, e);
        e.bucket = bucket;
        buckets.computeIfAbsent(bucket, k -> new LinkedHashSet<>()).add(sessionId);
    }

    private void removeFromBucket(long sessionId, Entry e) {
        Set<Long> old = buckets.get(e.bucket);
        if (old != null) {
            old.remove(sessionId);
            if (old.isEmpty()) {
                buckets.remove(e.bucket);
            }
        }
    }

    public boolean contains(long sessionId) {
        return sessions.containsKey(sessionId);
    }

    public boolean isClosing(long sessionId) {
        Entry e = sessions.get(sessionId);
        return e != null && e.closing;
    }

    /** Marks a session as closing: later touches fail and it is not expired twice. */
    public void setClosing(long sessionId) {
        Entry e = sessions.get(sessionId);
        if (e != null) {
            e.closing = true;
            removeFromBucket(sessionId, e);
            // in no bucket now: a later add() must insert it again, whatever deadline it rounds to
            e.bucket = Long.MIN_VALUE;
        }
    }

    public void remove(long sessionId) {
        Entry e = sessions.remove(sessionId);
        if (e != null) {
            removeFromBucket(sessionId, e);
        }
    }

    /** Sessions whose deadline has passed at {@code nowMs}; each is marked closing. */
    public List<Long> expire(long nowMs) {
        List<Long> expired = new ArrayList<>();
        while (!buckets.isEmpty() && buckets.firstKey() <= nowMs) {
            Set<Long> bucket = buckets.pollFirstEntry().getValue();
            for (long id : bucket) {
                Entry e = sessions.get(id);
                e.closing = true;
                expired.add(id);
            }
        }
        return expired;
    }

    /** Forgets every session (the state was replaced by a leader's snapshot). */
    public void clear() {
        sessions.clear();
        buckets.clear();
    }

    public int timeoutOf(long sessionId) {
        Entry e = sessions.get(sessionId);
        return e == null ? 0 : e.timeoutMs;
    }

    public int size() {
        return sessions.size();
    }

    /** Expiry bucket boundary to the sessions in it, for the dump command. */
    public java.util.SortedMap<Long, List<Long>> buckets() {
        java.util.SortedMap<Long, List<Long>> out = new TreeMap<>();
        buckets.forEach((k, v) -> out.put(k, List.copyOf(v)));
        return out;
    }
}
