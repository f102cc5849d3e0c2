package io.paddock.coordinator.sim.server;

import io.paddock.coordinator.txn.Txn;
import io.paddock.coordinator.wire.EventType;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Facts about the agreed history (every server applies the same txn at each zxid) that client-side
 * checks compare against: every change of the node persistent watches observe, and the sequence
 * numbers handed out under each parent of sequential nodes.
 */
final class SimNodeChecks {
    /** The node clients put persistent watches on; only plain writes touch it. */
    static final String WATCHED = "/p";

    private final NavigableMap<Long, Integer> watchedChanges = new TreeMap<>();
    /** Per parent: zxid of each sequential create a client saw succeed, to its sequence number. */
    private final Map<String, TreeMap<Long, Long>> sequences = new HashMap<>();
    long sequentialCreatesChecked;

    /** A txn applied for the first time anywhere. */
    void applied(long zxid, Txn txn) {
        if (txn instanceof Txn.Multi m) {
            m.ops().forEach(op -> applied(zxid, op));
            return;
        }
        int event = 0;
        if (txn instanceof Txn.Create c && c.path().equals(WATCHED)) {
            event = EventType.NODE_CREATED;
        } else if (txn instanceof Txn.SetData s && s.path().equals(WATCHED)) {
            event = EventType.NODE_DATA_CHANGED;
        } else if (txn instanceof Txn.Delete d && d.path().equals(WATCHED)) {
            event = EventType.NODE_DELETED;
        }
        if (event != 0) {
            watchedChanges.put(zxid, event);
        }
    }

    /** The changes of {@code path} so far (zxid to event type), or null if it is not the watched node. */
    NavigableMap<Long, Integer> changesOf(String path) {
        return WATCHED.equals(path) ? watchedChanges : null;
    }

    /**
     * A client created sequential node {@code path} at {@code zxid}: under one parent that is never
     * deleted, sequence numbers are unique and grow with the zxid. Returns a violation, or null.
     */
    String sequentialCreated(String path, long zxid) {
        int slash = path.lastIndexOf('/');
        String parent = path.substring(0, slash);
        long seq = Long.parseLong(path.substring(path.length() - 10));
        TreeMap<Long, Long> seen = sequences.computeIfAbsent(parent, k -> new TreeMap<>());
        Long known = seen.get(zxid);
        if (known != null) {
            return known == seq ? null : "two sequential creates at zxid 0x" + Long.toHexString(zxid);
        }
        Map.Entry<Long, Long> before = seen.lowerEntry(zxid);
        Map.Entry<Long, Long> after = seen.higherEntry(zxid);
        seen.put(zxid, seq);
        sequentialCreatesChecked++;
        if (before != null && before.getValue() >= seq || after != null && after.getValue() <= seq) {
            return "sequential node " + path + " at zxid 0x" + Long.toHexString(zxid) + " is out of order with "
                    + (before != null && before.getValue() >= seq
                    ? "sequence " + before.getValue() + " at 0x" + Long.toHexString(before.getKey())
                    : "sequence " + after.getValue() + " at 0x" + Long.toHexString(after.getKey()));
        }
        return null;
    }
}
