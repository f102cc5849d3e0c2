package io.paddock.coordinator.sim.server;

import io.paddock.coordinator.wire.EventType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.proto.SetWatches;
import org.apache.zookeeper.proto.SetWatches2;

/**
 * One simulated client's watches and the checks on them: one-shot data and exist watches, one-shot
 * child watches, and persistent watches. Each method returns a violation message, or null.
 *
 * <p>The checks rest on ZooKeeper's ordering guarantee: a connection receives a watch's event before
 * any reply that reflects a later zxid. So a read showing a change newer than a still-registered
 * watch means the event was lost; and a persistent watch sees every change of its node, in zxid
 * order, from its registration on (the simulation knows every change from the applied txns).
 */
final class SimWatches {
    /** A one-shot data or exist watch: registered by a read at {@code zxid}, node present or absent then. */
    private record DataWatch(long zxid, boolean present) {}

    /** A persistent watch: every change after {@code from} must be reported; unchecked until re-registered. */
    private static final class Persistent {
        long from;
        boolean synced;

        Persistent(long from) {
            this.from = from;
            this.synced = true;
        }
    }

    private final Map<String, DataWatch> data = new HashMap<>();
    private final Map<String, Long> children = new HashMap<>();
    private final Map<String, Persistent> persistent = new HashMap<>();
    /** Events checked against the history (coverage: the checks must have had something to check). */
    long persistentEventsChecked;
    long childEventsFired;

    void dataRegistered(String path, long zxid, boolean present) {
        data.put(path, new DataWatch(zxid, present));
    }

    void childRegistered(String path, long zxid) {
        children.put(path, zxid);
    }

    void persistentRegistered(String path, long zxid) {
        persistent.put(path, new Persistent(zxid));
    }

    boolean hasPersistent(String path) {
        return persistent.containsKey(path);
    }

    /** The session ended: the server forgot every watch. */
    void clear() {
        data.clear();
        children.clear();
        persistent.clear();
    }

    /** What to re-register on a new connection (as the stock client does), or null if nothing. */
    org.apache.jute.Record reRegistration(long lastZxidSeen) {
        if (data.isEmpty() && children.isEmpty() && persistent.isEmpty()) {
            return null;
        }
        List<String> present = new ArrayList<>();
        List<String> absent = new ArrayList<>();
        data.forEach((path, w) -> (w.present() ? present : absent).add(path));
        List<String> childPaths = new ArrayList<>(children.keySet());
        if (persistent.isEmpty()) {
            return new SetWatches(lastZxidSeen, present, absent, childPaths);
        }
        // changes while disconnected are not replayed for persistent watches: checks resume at the reply
        persistent.values().forEach(p -> p.synced = false);
        return new SetWatches2(lastZxidSeen, present, absent, childPaths, new ArrayList<>(persistent.keySet()),
                List.of());
    }

    /** The server answered the re-registration at {@code zxid}: persistent watches report from there. */
    void reRegistered(long zxid) {
        for (Persistent p : persistent.values()) {
            p.from = zxid;
            p.synced = true;
        }
    }

    /** An event arrived; {@code changes} are the watched node's changes (zxid to event type) so far. */
    String event(int type, String path, long zxid, NavigableMap<Long, Integer> changes) {
        Persistent p = persistent.get(path);
        if (p != null) {
            if (!p.synced) {
                return null;
            }
            Map.Entry<Long, Integer> next = changes == null ? null : changes.higherEntry(p.from);
            if (next == null || next.getKey() != zxid || next.getValue() != type) {
                return "persistent watch on " + path + " got event " + type + " at 0x" + Long.toHexString(zxid)
                        + " but the next change after 0x" + Long.toHexString(p.from) + " is "
                        + (next == null ? "none" : next.getValue() + " at 0x" + Long.toHexString(next.getKey()));
            }
            p.from = zxid;
            persistentEventsChecked++;
            return null;
        }
        if (type == EventType.NODE_CHILDREN_CHANGED) {
            if (children.remove(path) == null) {
                return "child event on " + path + " without a registered child watch";
            }
            childEventsFired++;
            return null;
        }
        if (type == EventType.NODE_DELETED && children.remove(path) != null) {
            data.remove(path);
            return null;
        }
        boolean dataEvent = type == EventType.NODE_CREATED || type == EventType.NODE_DELETED
                || type == EventType.NODE_DATA_CHANGED;
        if (dataEvent && data.remove(path) == null) {
            return "event " + type + " on " + path + " without a registered watch (a one-shot watch fired twice?)";
        }
        return null;
    }

    /**
     * A reply at {@code zxid} arrived: every change of a persistent watch's node up to that zxid must
     * have been reported before it. {@code changesOf} gives a path's changes.
     */
    String replied(long zxid, java.util.function.Function<String, NavigableMap<Long, Integer>> changesOf) {
        for (Map.Entry<String, Persistent> e : persistent.entrySet()) {
            Persistent p = e.getValue();
            NavigableMap<Long, Integer> changes = changesOf.apply(e.getKey());
            Long missed = !p.synced || changes == null ? null : changes.higherKey(p.from);
            if (missed != null && missed <= zxid) {
                p.synced = false;
                return "persistent watch on " + e.getKey() + " missed the change at 0x" + Long.toHexString(missed)
                        + " (last reported 0x" + Long.toHexString(p.from) + ") before a reply at 0x"
                        + Long.toHexString(zxid);
            }
        }
        return null;
    }

    /** A data read: a registered one-shot watch must have fired first if the node changed since. */
    String dataRead(String path, Stat stat) {
        DataWatch w = data.get(path);
        if (w == null) {
            return null;
        }
        boolean changed = w.present() ? stat == null || stat.getMzxid() > w.zxid() : stat != null;
        if (!changed) {
            return null;
        }
        data.remove(path);
        return "read " + path + (stat == null ? " gone" : " at mzxid 0x" + Long.toHexString(stat.getMzxid()))
                + " but its watch registered at 0x" + Long.toHexString(w.zxid()) + " has not fired";
    }

    /** A children read: a registered child watch must have fired first if the child list changed since. */
    String childrenRead(String path, Stat stat) {
        Long registeredAt = children.get(path);
        if (registeredAt == null || stat == null || stat.getPzxid() <= registeredAt) {
            return null;
        }
        children.remove(path);
        return "listed " + path + " at pzxid 0x" + Long.toHexString(stat.getPzxid()) + " but its child watch registered"
                + " at 0x" + Long.toHexString(registeredAt) + " has not fired";
    }
}
