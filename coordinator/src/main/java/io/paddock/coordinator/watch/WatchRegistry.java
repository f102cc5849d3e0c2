package io.paddock.coordinator.watch;

import io.paddock.coordinator.tree.PathUtil;
import io.paddock.coordinator.wire.EventType;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Watches by path and by connection. One trigger delivers at most one event to a connection even
 * when it holds several kinds of watch on the path (the client fans out to its local watchers).
 * Single-threaded: owned by the request pipeline, which triggers after each apply.
 */
public final class WatchRegistry {
    private final Map<WatchKind, Map<String, Set<WatchSink>>> byPath = new EnumMap<>(WatchKind.class);
    private final Map<WatchSink, Map<WatchKind, Set<String>>> bySink = new HashMap<>();

    public WatchRegistry() {
        for (WatchKind k : WatchKind.values()) {
            byPath.put(k, new HashMap<>());
        }
    }

    public void add(WatchSink sink, String path, WatchKind kind) {
        byPath.get(kind).computeIfAbsent(path, p -> new LinkedHashSet<>()).add(sink);
        bySink.computeIfAbsent(sink, s -> new EnumMap<>(WatchKind.class))
                .computeIfAbsent(kind, k -> new LinkedHashSet<>()).add(path);
    }

    public boolean has(WatchSink sink, String path, WatchKind kind) {
        Set<WatchSink> sinks = byPath.get(kind).get(path);
        return sinks != null && sinks.contains(sink);
    }

    /** Removes one watch; true when it existed. */
    public boolean remove(WatchSink sink, String path, WatchKind kind) {
        Map<String, Set<WatchSink>> table = byPath.get(kind);
        Set<WatchSink> sinks = table.get(path);
        if (sinks == null || !sinks.remove(sink)) {
            return false;
        }
        if (sinks.isEmpty()) {
            table.remove(path);
        }
        forget(sink, kind, path);
        return true;
    }

    /** Drops {@code path} from the connection's own index of its watches. */
    private void forget(WatchSink sink, WatchKind kind, String path) {
        Map<WatchKind, Set<String>> mine = bySink.get(sink);
        if (mine != null) {
            Set<String> paths = mine.get(kind);
            if (paths != null) {
                paths.remove(path);
                if (paths.isEmpty()) {
                    mine.remove(kind);
                }
            }
            if (mine.isEmpty()) {
                bySink.remove(sink);
            }
        }
    }

    /** Drops every watch of a connection (it closed). */
    public void removeAll(WatchSink sink) {
        Map<WatchKind, Set<String>> mine = bySink.remove(sink);
        if (mine == null) {
            return;
        }
        for (Map.Entry<WatchKind, Set<String>> e : mine.entrySet()) {
            Map<String, Set<WatchSink>> table = byPath.get(e.getKey());
            for (String path : e.getValue()) {
                Set<WatchSink> sinks = table.get(path);
                if (sinks != null) {
                    sinks.remove(sink);
                    if (sinks.isEmpty()) {
                        table.remove(path);
                    }
                }
            }
        }
    }

    /** Fires the watches a change of {@code path} of the given event type reaches. */
    public void trigger(String path, int eventType, long zxid) {
        Set<WatchSink> targets = new LinkedHashSet<>();
        switch (eventType) {
            case EventType.NODE_CREATED, EventType.NODE_DATA_CHANGED -> takeOneShot(WatchKind.DATA, path, targets);
            case EventType.NODE_DELETED -> {
                takeOneShot(WatchKind.DATA, path, targets);
                takeOneShot(WatchKind.CHILD, path, targets);
            }
            case EventType.NODE_CHILDREN_CHANGED -> takeOneShot(WatchKind.CHILD, path, targets);
            default -> throw new IllegalArgumentException("event type " + eventType);
        }
        Set<WatchSink> persistent = byPath.get(WatchKind.PERSISTENT).get(path);
        if (persistent != null) {
            targets.addAll(persistent);
        }
        if (eventType != EventType.NODE_CHILDREN_CHANGED) {
            Map<String, Set<WatchSink>> recursive = byPath.get(WatchKind.PERSISTENT_RECURSIVE);
            if (!recursive.isEmpty()) {
                String p = path;
                while (true) {
                    Set<WatchSink> sinks = recursive.get(p);
                    if (sinks != null) {
                        targets.addAll(sinks);
                    }
                    if ("/".equals(p)) {
                        break;
                    }
                    p = PathUtil.parent(p);
                }
            }
        }
        for (WatchSink sink : targets) {
            sink.deliverEvent(eventType, path, zxid);
        }
    }

    private void takeOneShot(WatchKind kind, String path, Set<WatchSink> targets) {
        Set<WatchSink> sinks = byPath.get(kind).remove(path);
        if (sinks == null) {
            return;
        }
        for (WatchSink sink : sinks) {
            targets.add(sink);
            forget(sink, kind, path);
        }
    }

    // ---------------------------------------------------------------- introspection (wchs, wchc, wchp)

    /** How many connections watch how many paths with how many watches. */
    public record Summary(int connections, int paths, int watches) {}

    /**
     * zk_watch_count as ZooKeeper counts it: its data table holds data, exist, persistent and
     * recursive watches, its child table child and persistent watches (a persistent watch counts twice).
     */
    public int watchCount() {
        return count(WatchKind.DATA) + count(WatchKind.CHILD) + 2 * count(WatchKind.PERSISTENT)
                + count(WatchKind.PERSISTENT_RECURSIVE);
    }

    private int count(WatchKind kind) {
        int n = 0;
        for (Set<WatchSink> s : byPath.get(kind).values()) {
            n += s.size();
        }
        return n;
    }

    private static final List<WatchKind> DATA_TABLE =
            List.of(WatchKind.DATA, WatchKind.PERSISTENT, WatchKind.PERSISTENT_RECURSIVE);

    /** wchs: ZooKeeper summarizes only its data-watch table (child-only watches are not shown). */
    public Summary dataWatchSummary() {
        Set<String> paths = new LinkedHashSet<>();
        Set<WatchSink> sinks = new java.util.HashSet<>();
        int total = 0;
        Map<String, Set<WatchSink>> merged = new HashMap<>();
        for (WatchKind k : DATA_TABLE) {
            for (Map.Entry<String, Set<WatchSink>> e : byPath.get(k).entrySet()) {
                merged.computeIfAbsent(e.getKey(), p -> new LinkedHashSet<>()).addAll(e.getValue());
            }
        }
        for (Map.Entry<String, Set<WatchSink>> e : merged.entrySet()) {
            paths.add(e.getKey());
            sinks.addAll(e.getValue());
            total += e.getValue().size();
        }
        return new Summary(sinks.size(), paths.size(), total);
    }

    /** wchc/wchp: per connection, the paths of its data-table watches. */
    public Map<WatchSink, List<String>> dataPathsBySink() {
        Map<WatchSink, List<String>> out = new HashMap<>();
        for (Map.Entry<WatchSink, Map<WatchKind, Set<String>>> e : bySink.entrySet()) {
            Set<String> all = new LinkedHashSet<>();
            for (WatchKind k : DATA_TABLE) {
                Set<String> paths = e.getValue().get(k);
                if (paths != null) {
                    all.addAll(paths);
                }
            }
            if (!all.isEmpty()) {
                out.put(e.getKey(), new ArrayList<>(all));
            }
        }
        return out;
    }

    public Map<WatchKind, Set<String>> watchesOf(WatchSink sink) {
        Map<WatchKind, Set<String>> mine = bySink.get(sink);
        return mine == null ? Map.of() : mine;
    }
}
