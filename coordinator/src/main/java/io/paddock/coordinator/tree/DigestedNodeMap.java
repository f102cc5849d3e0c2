package io.paddock.coordinator.tree;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32C;

/**
 * The path-to-node map. Written by the apply thread only; snapshot writers may iterate it
 * concurrently (hence a ConcurrentHashMap). It keeps two things up to date on every put and remove:
 * <ul>
 *   <li>a digest of its contents: the sum (mod 2^64) of a CRC32C per node over its path, data, Stat
 *       and ACL, equal for equal trees whatever order they were built in;</li>
 *   <li>for each open point-in-time view (captures), the value each changed path had when that view
 *       opened (first change only; {@link #ABSENT} for paths that did not exist), which turns the live
 *       iteration into a point-in-time view without copying the map.</li>
 * </ul>
 * Several views may be open at once (the periodic snapshot and one per learner being sent a
 * snapshot); each records only from its own opening, and each is ended by its own writer.
 */
final class DigestedNodeMap extends ConcurrentHashMap<String, ZNode> {
    /** Marks, in a capture, a path that did not exist when the snapshot began. */
    static final ZNode ABSENT = new ZNode(null, List.of(), 0, 0, 0, 0, 0, 0, 0, 0, 0, Set.of());

    /**
     * One open view's record of first changes. Compared by identity: two captures with the same
     * content are still two views, and ending one must not end the other.
     */
    static final class Capture {
        final ConcurrentHashMap<String, ZNode> before = new ConcurrentHashMap<>();
    }

    private static final Capture[] NONE = new Capture[0];

    private long digest;
    private final Object capturesLock = new Object();
    /**
     * The open captures. Replaced (never mutated) under the lock, read without it: the apply thread
     * walks the array it sees on every put, and a writer on another thread ends its capture.
     */
    private volatile Capture[] captures = NONE;

    long digest() {
        return digest;
    }

    /** Starts recording pre-view values (on the apply thread); returns the record the view reads. */
    Capture startCapture() {
        Capture c = new Capture();
        synchronized (capturesLock) {
            Capture[] grown = Arrays.copyOf(captures, captures.length + 1);
            grown[grown.length - 1] = c;
            captures = grown;
        }
        return c;
    }

    /** Stops recording for {@code c}; any thread, idempotent. */
    void endCapture(Capture c) {
        synchronized (capturesLock) {
            Capture[] now = captures;
            for (int i = 0; i < now.length; i++) {
                if (now[i] == c) {
                    Capture[] shrunk = new Capture[now.length - 1];
                    System.arraycopy(now, 0, shrunk, 0, i);
                    System.arraycopy(now, i + 1, shrunk, i, now.length - i - 1);
                    captures = shrunk;
                    return;
                }
            }
        }
    }

    /** Views open now (tests, and a leak check). */
    int openCaptures() {
        return captures.length;
    }

    private void remember(String path) {
        Capture[] open = captures;
        if (open.length == 0) {
            return;
        }
        ZNode before = null;
        for (Capture c : open) {
            if (!c.before.containsKey(path)) {
                if (before == null) {
                    ZNode live = super.get(path);
                    before = live == null ? ABSENT : live;
                }
                // Recorded before the live map changes, so a reader that sees the new value also sees this.
                c.before.put(path, before);
            }
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
