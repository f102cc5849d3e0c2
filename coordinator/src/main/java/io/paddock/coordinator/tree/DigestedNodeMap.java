package io.paddock.coordinator.tree;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32C;

/**
 * The path-to-node map. Written by the apply thread only; a snapshot thread may iterate it
 * concurrently (hence a ConcurrentHashMap). It keeps two things up to date on every put and remove:
 * <ul>
 *   <li>a digest of its contents: the sum (mod 2^64) of a CRC32C per node over its path, data, Stat
 *       and ACL, equal for equal trees whatever order they were built in;</li>
 *   <li>while a snapshot is being written, the value each changed path had when the snapshot began
 *       (first change only; {@link #ABSENT} for paths that did not exist), which turns the live
 *       iteration into a point-in-time view without copying the map.</li>
 * </ul>
 */
final class DigestedNodeMap extends ConcurrentHashMap<String, ZNode> {
    /** Marks, in a capture, a path that did not exist when the snapshot began. */
    static final ZNode ABSENT = new ZNode(null, List.of(), 0, 0, 0, 0, 0, 0, 0, 0, 0, Set.of());

    private long digest;
    private volatile ConcurrentHashMap<String, ZNode> capture;

    long digest() {
        return digest;
    }

    /** Starts recording pre-snapshot values; returns the record the snapshot writer reads. */
    ConcurrentHashMap<String, ZNode> startCapture() {
        if (capture != null) {
            throw new IllegalStateException("a snapshot is already being taken");
        }
        ConcurrentHashMap<String, ZNode> c = new ConcurrentHashMap<>();
        capture = c;
        return c;
    }

    void endCapture() {
        capture = null;
    }

    private void remember(String path) {
        ConcurrentHashMap<String, ZNode> c = capture;
        if (c != null && !c.containsKey(path)) {
            // Recorded before the live map changes, so a reader that sees the new value also sees this.
            ZNode before = super.get(path);
            c.put(path, before == null ? ABSENT : before);
        }
    }

    @Override
    public ZNode put(String path, ZNode node) {
        remember(path);
        ZNode previous = super.put(path, node);
        if (previous != null) {
            digest -= hash(path, previous);
        }
        digest += hash(path, node);
        return previous;
    }

    @Override
    public ZNode remove(Object path) {
        remember((String) path);
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
        // One bulk update over the fields, little-endian (the same bytes, in the same order, that
        // updating byte by byte would feed; 80 single-byte updates per node showed in profiles).
        ByteBuffer fields = ByteBuffer.allocate(80).order(ByteOrder.LITTLE_ENDIAN);
        fields.putLong(n.czxid).putLong(n.mzxid).putLong(n.pzxid).putLong(n.ctime).putLong(n.mtime)
                .putLong(n.version).putLong(n.cversion).putLong(n.aversion).putLong(n.ephemeralOwner)
                .putLong(n.acl.hashCode());
        crc.update(fields.array());
        return crc.getValue();
    }
}
