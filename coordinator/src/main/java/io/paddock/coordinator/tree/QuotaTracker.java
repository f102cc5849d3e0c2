package io.paddock.coordinator.tree;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * ZooKeeper's quota bookkeeping: a path P has a quota when {@code /zookeeper/quota/P/zookeeper_limits}
 * exists, and the tree keeps {@code /zookeeper/quota/P/zookeeper_stats} holding "count=N,bytes=M" for
 * P's subtree (P included), rewritten in place (no version or mzxid change) on every create, delete
 * and data change under P. Limits are advisory, as in ZooKeeper without enforceQuota. Part of apply,
 * so every server computes the same bytes.
 */
final class QuotaTracker {
    static final String LIMITS = "zookeeper_limits";
    static final String STATS = "zookeeper_stats";

    private final Set<String> quotaPaths = new HashSet<>();

    /** Called after a node was created; maintains the index and initial stats. */
    void created(Map<String, ZNode> nodes, String path, String name) {
        if (path.startsWith(DataTree.QUOTA + "/")) {
            String target = path.substring(DataTree.QUOTA.length(), path.length() - name.length() - 1);
            if (LIMITS.equals(name)) {
                quotaPaths.add(target);
            } else if (STATS.equals(name)) {
                long[] usage = usage(nodes, target);
                rewrite(nodes, path, usage[0], usage[1]);
            }
        }
    }

    void deleted(String path, String name) {
        if (LIMITS.equals(name) && path.startsWith(DataTree.QUOTA + "/")) {
            quotaPaths.remove(path.substring(DataTree.QUOTA.length(), path.length() - name.length() - 1));
        }
    }

    /** A user node changed: adjust the nearest enclosing quota's stats. */
    void changed(Map<String, ZNode> nodes, String path, long countDiff, long bytesDiff) {
        if (quotaPaths.isEmpty() || path.startsWith(DataTree.ZOOKEEPER)) {
            return;
        }
        String quota = nearest(path);
        if (quota == null) {
            return;
        }
        String statsPath = DataTree.QUOTA + quota + "/" + STATS;
        ZNode stats = nodes.get(statsPath);
        if (stats == null) {
            return;
        }
        long[] current = parse(stats.data);
        rewrite(nodes, statsPath, current[0] + countDiff, current[1] + bytesDiff);
    }

    private String nearest(String path) {
        String p = path;
        while (!"/".equals(p)) {
            if (quotaPaths.contains(p)) {
                return p;
            }
            p = PathUtil.parent(p);
        }
        return null;
    }

    private static long[] usage(Map<String, ZNode> nodes, String target) {
        ZNode root = nodes.get(target);
        if (root == null) {
            return new long[] {0, 0};
        }
        long count = 0;
        long bytes = 0;
        java.util.ArrayDeque<String> stack = new java.util.ArrayDeque<>();
        stack.push(target);
        while (!stack.isEmpty()) {
            String p = stack.pop();
            ZNode n = nodes.get(p);
            count++;
            bytes += n.dataLength();
            for (String c : n.children) {
                stack.push(PathUtil.child(p, c));
            }
        }
        return new long[] {count, bytes};
    }

    private static void rewrite(Map<String, ZNode> nodes, String statsPath, long count, long bytes) {
        ZNode n = nodes.get(statsPath);
        byte[] data = ("count=" + count + ",bytes=" + bytes).getBytes(StandardCharsets.UTF_8);
        nodes.put(statsPath, new ZNode(data, n.acl, n.czxid, n.mzxid, n.pzxid, n.ctime, n.mtime, n.version,
                n.cversion, n.aversion, n.ephemeralOwner, n.children));
    }

    private static long[] parse(byte[] data) {
        long count = 0;
        long bytes = 0;
        if (data != null) {
            for (String part : new String(data, StandardCharsets.UTF_8).split(",")) {
                String[] kv = part.split("=", 2);
                if (kv.length == 2) {
                    try {
                        if ("count".equals(kv[0].trim())) {
                            count = Long.parseLong(kv[1].trim());
                        } else if ("bytes".equals(kv[0].trim())) {
                            bytes = Long.parseLong(kv[1].trim());
                        }
                    } catch (NumberFormatException ignored) {
                        // a client wrote something else there; count from zero as ZooKeeper would
                    }
                }
            }
        }
        return new long[] {count, bytes};
    }

    /** Rebuilds the index after loading a snapshot. */
    void rebuild(Map<String, ZNode> nodes) {
        quotaPaths.clear();
        for (String path : nodes.keySet()) {
            if (path.startsWith(DataTree.QUOTA + "/") && path.endsWith("/" + LIMITS)) {
                quotaPaths.add(path.substring(DataTree.QUOTA.length(), path.length() - LIMITS.length() - 1));
            }
        }
    }
}
