package io.paddock.coordinator.tree;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.zip.CRC32C;

/**
 * The path-to-node map, keeping a digest of its contents up to date on every put and remove: the sum
 * (mod 2^64) of a CRC32C per node over its path, data and stored Stat fields. Equal trees have equal
 * digests whatever order they were built in, so servers (and the simulator) compare state by one
 * number; it costs O(1) per change and nothing per read.
 */
final class DigestedNodeMap extends HashMap<String, ZNode> {
    private long digest;

    long digest() {
        return digest;
    }

    @Override
    public ZNode put(String path, ZNode node) {
        ZNode previous = super.put(path, node);
        if (previous != null) {
            digest -= hash(path, previous);
        }
        digest += hash(path, node);
        return previous;
    }

    @Override
    public ZNode remove(Object path) {
        ZNode previous = super.remove(path);
        if (previous != null) {
            digest -= hash((String) path, previous);
        }
        return previous;
    }

    @Override
    public void clear() {
        super.clear();
        digest = 0;
    }

    static long hash(String path, ZNode n) {
        CRC32C crc = new CRC32C();
        crc.update(path.getBytes(StandardCharsets.UTF_8));
        if (n.data != null) {
            crc.update(n.data);
        }
        long[] fields = {n.czxid, n.mzxid, n.pzxid, n.ctime, n.mtime, n.version, n.cversion, n.aversion,
            n.ephemeralOwner, n.acl.hashCode()};
        for (long f : fields) {
            for (int i = 0; i < 8; i++) {
                crc.update((int) (f >>> (8 * i)));
            }
        }
        return crc.getValue();
    }
}
