package io.paddock.coordinator.tree;

import io.paddock.coordinator.txn.Txn;
import io.paddock.coordinator.txn.TxnEntry;
import io.paddock.coordinator.wire.CreateModes;
import io.paddock.coordinator.wire.ErrorCode;
import io.paddock.coordinator.wire.EventType;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;

/**
 * The replicated state: znodes, ephemerals by session, containers, TTL nodes and the durable part of
 * the session table. It is mutated only by {@link #apply}, in zxid order, on one thread; recovery
 * replay, follower sync and live commits all come through that one method. No I/O, threads or
 * clocks: times come from the txn.
 */
public final class DataTree {
    public static final List<ACL> OPEN_ACL = List.of(new ACL(31, new Id("world", "anyone")));
    public static final List<ACL> READ_ACL = List.of(new ACL(1, new Id("world", "anyone")));
    public static final String ZOOKEEPER = "/zookeeper";
    public static final String QUOTA = "/zookeeper/quota";
    public static final String CONFIG = "/zookeeper/config";

    private final DigestedNodeMap nodes = new DigestedNodeMap();
    private final Map<Long, Set<String>> ephemerals = new HashMap<>();
    private final Set<String> containers = new HashSet<>();
    private final Set<String> ttls = new HashSet<>();
    private final Map<Long, SessionRecord> sessions = new LinkedHashMap<>();
    private final QuotaTracker quotas = new QuotaTracker();
    /**
     * One shared instance per distinct ACL list: every txn decodes its own copy, and trees have a
     * handful of distinct lists over millions of nodes (ZooKeeper keeps a reference-counted ACL
     * cache for the same reason).
     */
    private final Map<List<ACL>, List<ACL>> aclCanon = new HashMap<>();
    private long lastZxid;

    private List<ACL> canonicalAcl(List<ACL> acl) {
        List<ACL> known = aclCanon.putIfAbsent(acl, acl);
        return known == null ? acl : known;
    }

    /** The durable facts about a session: its negotiated timeout and password. */
    public record SessionRecord(long sessionId, int timeoutMs, byte[] password) {}

    public DataTree() {
        putNode("/", new ZNode(new byte[0], OPEN_ACL, 0, 0, 0, 0, 0, 0, 0, 0, 0, new ChildSet()));
        addSystemNode(ZOOKEEPER, OPEN_ACL, 0);
        addSystemNode(QUOTA, OPEN_ACL, 0);
        // ZooKeeper creates the config node with aversion -1; clients see that value.
        addSystemNode(CONFIG, READ_ACL, -1);
    }

    private void addSystemNode(String path, List<ACL> acl, int aversion) {
        ZNode node = new ZNode(new byte[0], acl, 0, 0, 0, 0, 0, 0, 0, aversion, 0, new ChildSet());
        nodes.get(PathUtil.parent(path)).children.add(PathUtil.name(path));
        nodes.put(path, node);
    }

    private void putNode(String path, ZNode node) {
        nodes.put(path, node);
    }

    // ---------------------------------------------------------------- reads

    /** The node at {@code path}; ZooKeeper resolves the empty path to the root. */
    public ZNode get(String path) {
        return nodes.get(path.isEmpty() ? "/" : path);
    }

    public long lastZxid() {
        return lastZxid;
    }

    /** A digest of every znode (path, data, Stat, ACL); equal on servers that applied the same txns. */
    public long digest() {
        return nodes.digest();
    }

    public int nodeCount() {
        return nodes.size();
    }

    public Map<Long, SessionRecord> sessions() {
        return Collections.unmodifiableMap(sessions);
    }

    public Set<String> ephemeralsOf(long sessionId) {
        Set<String> paths = ephemerals.get(sessionId);
        return paths == null ? Set.of() : Collections.unmodifiableSet(paths);
    }

    public int ephemeralCount() {
        int n = 0;
        for (Set<String> s : ephemerals.values()) {
            n += s.size();
        }
        return n;
    }

    public Set<String> containers() {
        return Collections.unmodifiableSet(containers);
    }

    public Set<String> ttlNodes() {
        return Collections.unmodifiableSet(ttls);
    }

    /** Number of descendants of {@code path}, as getAllChildrenNumber answers. */
    public int descendantCount(String path) {
        ZNode node = nodes.get(path);
        if (node == null) {
            return 0;
        }
        int count = 0;
        List<String> stack = new ArrayList<>();
        stack.add(path);
        while (!stack.isEmpty()) {
            String p = stack.remove(stack.size() - 1);
            ZNode n = nodes.get(p);
            for (String c : n.children) {
                count++;
                stack.add(PathUtil.child(p, c));
            }
        }
        return count;
    }

    /** Approximate bytes of path and data held, for mntr's zk_approximate_data_size. */
    public long approximateDataSize() {
        long size = 0;
        for (Map.Entry<String, ZNode> e : nodes.entrySet()) {
            size += e.getKey().length() + e.getValue().dataLength();
        }
        return size;
    }

    // ---------------------------------------------------------------- apply

    /**
     * Applies the txn at {@code zxid}. Preparation already validated it against the same state, so a
     * non-zero error here means the txn was an Error txn, or a DeleteContainer whose node gained
     * children in the meantime.
     */
    public ApplyResult apply(long zxid, TxnEntry entry) {
        if (zxid <= lastZxid) {
            throw new IllegalStateException("apply out of order: zxid " + Long.toHexString(zxid)
                    + " after " + Long.toHexString(lastZxid));
        }
        List<WatchTrigger> triggers = new ArrayList<>();
        ApplyResult result = applyOne(zxid, entry.sessionId(), entry.timeMs(), entry.txn(), triggers);
        lastZxid = zxid;
        return new ApplyResult(result.err(), result.path(), result.stat(), result.multi(), List.copyOf(triggers));
    }

    private ApplyResult applyOne(long zxid, long sessionId, long time, Txn txn, List<WatchTrigger> triggers) {
        if (txn instanceof Txn.Create c) {
            return create(zxid, time, c, triggers);
        } else if (txn instanceof Txn.Delete d) {
            return delete(zxid, d.path(), triggers);
        } else if (txn instanceof Txn.DeleteContainer d) {
            ZNode node = nodes.get(d.path());
            if (node == null) {
                return ApplyResult.error(ErrorCode.NO_NODE);
            }
            if (!node.children.isEmpty()) {
                return ApplyResult.error(ErrorCode.NOT_EMPTY);
            }
            return delete(zxid, d.path(), triggers);
        } else if (txn instanceof Txn.SetData s) {
            ZNode node = nodes.get(s.path());
            if (node == null) {
                return ApplyResult.error(ErrorCode.NO_NODE);
            }
            ZNode updated = node.withData(s.data(), s.newVersion(), zxid, time);
            nodes.put(s.path(), updated);
            quotas.changed(nodes, s.path(), 0, (long) updated.dataLength() - node.dataLength());
            triggers.add(new WatchTrigger(s.path(), EventType.NODE_DATA_CHANGED));
            return new ApplyResult(ErrorCode.OK, s.path(), updated.stat(), null, List.of());
        } else if (txn instanceof Txn.SetAcl s) {
            ZNode node = nodes.get(s.path());
            if (node == null) {
                return ApplyResult.error(ErrorCode.NO_NODE);
            }
            ZNode updated = node.withAcl(canonicalAcl(s.acl()), s.newAversion());
            nodes.put(s.path(), updated);
            return new ApplyResult(ErrorCode.OK, s.path(), updated.stat(), null, List.of());
        } else if (txn instanceof Txn.Check c) {
            ZNode node = nodes.get(c.path());
            return new ApplyResult(ErrorCode.OK, c.path(), node == null ? null : node.stat(), null, List.of());
        } else if (txn instanceof Txn.CreateSession s) {
            sessions.put(s.sessionId(), new SessionRecord(s.sessionId(), s.timeoutMs(), s.password()));
            return new ApplyResult(ErrorCode.OK, null, null, null, List.of());
        } else if (txn instanceof Txn.CloseSession s) {
            closeSession(zxid, s.sessionId(), triggers);
            return new ApplyResult(ErrorCode.OK, null, null, null, List.of());
        } else if (txn instanceof Txn.Error e) {
            return ApplyResult.error(e.code());
        } else if (txn instanceof Txn.Multi m) {
            List<ApplyResult> results = new ArrayList<>(m.ops().size());
            int firstError = ErrorCode.OK;
            for (Txn op : m.ops()) {
                ApplyResult r = applyOne(zxid, sessionId, time, op, triggers);
                if (r.err() != ErrorCode.OK && firstError == ErrorCode.OK) {
                    firstError = r.err();
                }
                results.add(r);
            }
            return new ApplyResult(firstError, null, null, List.copyOf(results), List.of());
        }
        throw new IllegalArgumentException("unknown txn " + txn);
    }

    private ApplyResult create(long zxid, long time, Txn.Create c, List<WatchTrigger> triggers) {
        String parentPath = PathUtil.parent(c.path());
        ZNode parent = nodes.get(parentPath);
        if (parent == null) {
            return ApplyResult.error(ErrorCode.NO_NODE);
        }
        String name = PathUtil.name(c.path());
        if (parent.children.contains(name)) {
            return ApplyResult.error(ErrorCode.NODE_EXISTS);
        }
        ZNode node = new ZNode(c.data(), canonicalAcl(c.acl()), zxid, zxid, zxid, time, time, 0, 0, 0,
                c.ephemeralOwner(), new ChildSet());
        parent.children.add(name);
        nodes.put(parentPath, parent.withChildChange(c.parentCversion(), zxid));
        nodes.put(c.path(), node);
        indexOwner(c.path(), c.ephemeralOwner());
        quotas.created(nodes, c.path(), name);
        quotas.changed(nodes, c.path(), 1, node.dataLength());
        node = nodes.get(c.path());
        triggers.add(new WatchTrigger(c.path(), EventType.NODE_CREATED));
        triggers.add(new WatchTrigger(parentPath, EventType.NODE_CHILDREN_CHANGED));
        return new ApplyResult(ErrorCode.OK, c.path(), node.stat(), null, List.of());
    }

    private void indexOwner(String path, long owner) {
        if (owner == CreateModes.CONTAINER_OWNER) {
            containers.add(path);
        } else if (CreateModes.isTtlOwner(owner)) {
            ttls.add(path);
        } else if (owner != 0) {
            ephemerals.computeIfAbsent(owner, k -> new TreeSet<>()).add(path);
        }
    }

    private ApplyResult delete(long zxid, String path, List<WatchTrigger> triggers) {
        ZNode node = nodes.get(path);
        if (node == null) {
            return ApplyResult.error(ErrorCode.NO_NODE);
        }
        if (!node.children.isEmpty()) {
            return ApplyResult.error(ErrorCode.NOT_EMPTY);
        }
        String parentPath = PathUtil.parent(path);
        ZNode parent = nodes.get(parentPath);
        nodes.remove(path);
        parent.children.remove(PathUtil.name(path));
        // ZooKeeper counts only creations in the stored cversion; a delete moves pzxid forward.
        nodes.put(parentPath, parent.withChildChange(parent.cversion, Math.max(parent.pzxid, zxid)));
        long owner = node.ephemeralOwner;
        if (owner == CreateModes.CONTAINER_OWNER) {
            containers.remove(path);
        } else if (CreateModes.isTtlOwner(owner)) {
            ttls.remove(path);
        } else if (owner != 0) {
            Set<String> owned = ephemerals.get(owner);
            if (owned != null) {
                owned.remove(path);
                if (owned.isEmpty()) {
                    ephemerals.remove(owner);
                }
            }
        }
        quotas.deleted(path, PathUtil.name(path));
        quotas.changed(nodes, path, -1, -node.dataLength());
        triggers.add(new WatchTrigger(path, EventType.NODE_DELETED));
        triggers.add(new WatchTrigger(parentPath, EventType.NODE_CHILDREN_CHANGED));
        return new ApplyResult(ErrorCode.OK, path, null, null, List.of());
    }

    private void closeSession(long zxid, long sessionId, List<WatchTrigger> triggers) {
        sessions.remove(sessionId);
        Set<String> owned = ephemerals.get(sessionId);
        if (owned == null) {
            return;
        }
        // Deepest first is not needed (ephemerals have no children); sorted order keeps every server's
        // event order identical.
        for (String path : new ArrayList<>(owned)) {
            delete(zxid, path, triggers);
        }
    }

    // ---------------------------------------------------------------- snapshots

    /**
     * Opens a point-in-time view of the tree for a snapshot, in O(1): the node map is not copied.
     * Apply thread only. The view may be written on another thread while apply continues; it must be
     * released after. Several views may be open at once, each remembering the changes since its own
     * opening.
     */
    public TreeSnapshotView image() {
        List<SessionRecord> sessionCopy = new ArrayList<>(sessions.values());
        DigestedNodeMap.Capture capture = nodes.startCapture();
        return new TreeSnapshotView(lastZxid, nodes, capture.before, sessionCopy, () -> nodes.endCapture(capture));
    }

    /** Views opened by {@link #image()} and not yet released. */
    public int openViews() {
        return nodes.openCaptures();
    }

    /** Writes a snapshot synchronously (recovery tests, the simulator). */
    public void writeSnapshot(DataOutputStream out) throws IOException {
        TreeSnapshotView view = image();
        try {
            view.writeTo(out);
        } finally {
            view.release();
        }
    }

    /** Rebuilds the tree from an image (the inverse of {@link TreeSnapshotView#writeTo}). */
    public static DataTree fromImage(TreeImage image) {
        DataTree tree = new DataTree();
        tree.replaceWith(image);
        return tree;
    }

    /** A tree read from a snapshot body, record by record. */
    public static DataTree readFrom(DataInputStream in) throws IOException {
        DataTree tree = new DataTree();
        tree.replaceFrom(in);
        return tree;
    }

    /** Replaces the whole content with an image. */
    public void replaceWith(TreeImage image) {
        dropAll();
        for (SessionRecord s : image.sessions()) {
            sessions.put(s.sessionId(), s);
        }
        for (Map.Entry<String, ZNode> e : image.nodes().entrySet()) {
            putLoaded(e.getKey(), e.getValue());
        }
        linkLoaded(image.lastZxid());
    }

    /**
     * Replaces the whole content with a snapshot body read from {@code in} (a learner installing its
     * leader's snapshot), node by node as it is parsed: the tree is never held a second time as an
     * image. The body must have been verified (checksummed) before: a failure half-way leaves the
     * tree half-replaced, which the caller must treat as fatal.
     */
    public void replaceFrom(DataInputStream in) throws IOException {
        dropAll();
        long zxid = TreeImage.read(in, new TreeImage.Records() {
            @Override
            public void session(SessionRecord s) {
                sessions.put(s.sessionId(), s);
            }

            @Override
            public void node(String path, ZNode n) {
                putLoaded(path, n);
            }
        });
        linkLoaded(zxid);
    }

    /** Nodes are removed one by one so that open snapshot views still see the old tree. */
    private void dropAll() {
        for (String path : new ArrayList<>(nodes.keySet())) {
            nodes.remove(path);
        }
        ephemerals.clear();
        containers.clear();
        ttls.clear();
        sessions.clear();
    }

    private void putLoaded(String path, ZNode n) {
        nodes.put(path, new ZNode(n.data, canonicalAcl(n.acl), n.czxid, n.mzxid, n.pzxid, n.ctime, n.mtime,
                n.version, n.cversion, n.aversion, n.ephemeralOwner, new ChildSet()));
    }

    /** After every node is in: child sets, owner indexes and quotas, which the snapshot does not hold. */
    private void linkLoaded(long zxid) {
        for (Map.Entry<String, ZNode> e : nodes.entrySet()) {
            String path = e.getKey();
            if (!"/".equals(path)) {
                ZNode parent = nodes.get(PathUtil.parent(path));
                if (parent == null) {
                    throw new IllegalStateException("snapshot holds " + path + " without its parent");
                }
                parent.children.add(PathUtil.name(path));
            }
            indexOwner(path, e.getValue().ephemeralOwner);
        }
        quotas.rebuild(nodes);
        lastZxid = zxid;
    }
}
