package io.paddock.coordinator.prepare;

import io.paddock.coordinator.tree.DataTree;
import io.paddock.coordinator.tree.ZNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tree as it will be after every prepared-but-not-yet-applied txn: an overlay of changed nodes
 * over the applied tree. Entries are dropped once the txn that last touched them has applied. A
 * multi records an undo mark first, so its partial changes can be rolled back when a later op fails.
 */
final class PendingView {
    private record Change(long zxid, NodeState state) {}

    private record Undo(String path, Change previous) {}

    private record Touch(long zxid, String path) {}

    private final DataTree tree;
    private final Map<String, Change> changes = new HashMap<>();
    private final ArrayDeque<Touch> touches = new ArrayDeque<>();
    private final Map<Long, Set<String>> ephemeralsCreated = new HashMap<>();
    private List<Undo> undo;

    PendingView(DataTree tree) {
        this.tree = tree;
    }

    /** The node's future state, or null when it does not (or will not) exist. */
    NodeState lookup(String path) {
        Change c = changes.get(path);
        if (c != null) {
            return c.state.exists() ? c.state : null;
        }
        ZNode n = tree.get(path);
        return n == null ? null : NodeState.of(n);
    }

    void put(long zxid, String path, NodeState state) {
        Change previous = changes.put(path, new Change(zxid, state));
        if (undo != null) {
            undo.add(new Undo(path, previous));
        }
        touches.add(new Touch(zxid, path));
    }

    void ephemeralCreated(long sessionId, String path) {
        ephemeralsCreated.computeIfAbsent(sessionId, k -> new HashSet<>()).add(path);
    }

    /** Paths the session will own as ephemerals once pending txns apply. */
    List<String> ephemeralsOf(long sessionId) {
        Set<String> all = new HashSet<>(tree.ephemeralsOf(sessionId));
        Set<String> created = ephemeralsCreated.get(sessionId);
        if (created != null) {
            all.addAll(created);
        }
        List<String> live = new ArrayList<>();
        for (String p : all) {
            NodeState s = lookup(p);
            if (s != null && s.ephemeralOwner() == sessionId) {
                live.add(p);
            }
        }
        live.sort(null);
        return live;
    }

    void beginMulti() {
        undo = new ArrayList<>();
    }

    void commitMulti() {
        undo = null;
    }

    void rollbackMulti() {
        List<Undo> log = undo;
        undo = null;
        for (int i = log.size() - 1; i >= 0; i--) {
            Undo u = log.get(i);
            if (u.previous == null) {
                changes.remove(u.path);
            } else {
                changes.put(u.path, u.previous);
            }
        }
        // Stale touches are harmless: pruning only removes a path whose change carries that zxid.
    }

    /** Forgets every prepared change (a leader that lost its leadership: the next one decides). */
    void reset() {
        changes.clear();
        touches.clear();
        ephemeralsCreated.clear();
        undo = null;
    }

    /** Forgets what the txns up to {@code zxid} changed: the tree now shows it. */
    void applied(long zxid) {
        while (!touches.isEmpty() && touches.peekFirst().zxid() <= zxid) {
            Touch t = touches.pollFirst();
            Change c = changes.get(t.path());
            if (c != null && c.zxid() <= zxid) {
                changes.remove(t.path());
                Set<String> created = ephemeralsCreated.get(c.state().ephemeralOwner());
                if (created != null && created.remove(t.path()) && created.isEmpty()) {
                    ephemeralsCreated.remove(c.state().ephemeralOwner());
                }
            }
        }
        if (changes.isEmpty()) {
            ephemeralsCreated.clear();
        }
    }

    int size() {
        return changes.size();
    }
}
