package io.paddock.coordinator.tree;

import io.paddock.coordinator.txn.TxnCodec;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.zookeeper.data.ACL;

/**
 * The tree as it was at {@code lastZxid}, written while apply goes on (on any thread, once). It walks the live node map;
 * for any path changed since the view opened it uses the value recorded at the first change (the
 * capture), and finally adds captured paths the walk did not meet (deleted since). A path met by the
 * walk before its first change and captured after it may be written twice with the same value; the
 * reader keeps the last. Nodes are immutable apart from their child sets, which are not written.
 *
 * <p>Stream: format, lastZxid, sessions, then records — an ACL list definition (numbered in order of
 * appearance) or a node referring to one — and an end marker.
 */
public final class TreeSnapshotView {
    private final long lastZxid;
    private final Map<String, ZNode> live;
    private final ConcurrentHashMap<String, ZNode> capture;
    private final List<DataTree.SessionRecord> sessions;
    private final Runnable release;
    private final AtomicBoolean released = new AtomicBoolean();
    private long written;

    TreeSnapshotView(long lastZxid, Map<String, ZNode> live, ConcurrentHashMap<String, ZNode> capture,
                     List<DataTree.SessionRecord> sessions, Runnable release) {
        this.lastZxid = lastZxid;
        this.live = live;
        this.capture = capture;
        this.sessions = sessions;
        this.release = release;
    }

    public long lastZxid() {
        return lastZxid;
    }

    /** Nodes written by the last {@link #writeTo}. */
    public long nodesWritten() {
        return written;
    }

    /**
     * Stops the recording of old values; call once the view is written (or abandoned). Any thread;
     * a second call does nothing. Until it is called every change to the tree is remembered here,
     * so an abandoned view that is never released keeps growing.
     */
    public void release() {
        if (released.compareAndSet(false, true)) {
            release.run();
        }
    }

    public void writeTo(DataOutputStream out) throws IOException {
        out.writeInt(TreeImage.FORMAT);
        out.writeLong(lastZxid);
        out.writeInt(sessions.size());
        for (DataTree.SessionRecord s : sessions) {
            out.writeLong(s.sessionId());
            out.writeInt(s.timeoutMs());
            TxnCodec.writeBytes(out, s.password());
        }
        AclTable acls = new AclTable(out);
        Set<String> capturedAndMet = new HashSet<>();
        written = 0;
        for (Map.Entry<String, ZNode> e : live.entrySet()) {
            String path = e.getKey();
            ZNode node = e.getValue();
            ZNode before = capture.get(path);
            if (before != null) {
                capturedAndMet.add(path);
                if (before == DigestedNodeMap.ABSENT) {
                    continue;
                }
                node = before;
            }
            writeNode(out, acls, path, node);
        }
        for (Map.Entry<String, ZNode> e : capture.entrySet()) {
            if (e.getValue() != DigestedNodeMap.ABSENT && !capturedAndMet.contains(e.getKey())) {
                writeNode(out, acls, e.getKey(), e.getValue());
            }
        }
        out.writeByte(TreeImage.END);
    }

    private void writeNode(DataOutputStream out, AclTable acls, String path, ZNode n) throws IOException {
        int acl = acls.indexOf(n.acl);
        out.writeByte(TreeImage.NODE);
        TxnCodec.writeString(out, path);
        TxnCodec.writeBytes(out, n.data);
        out.writeInt(acl);
        out.writeLong(n.czxid);
        out.writeLong(n.mzxid);
        out.writeLong(n.pzxid);
        out.writeLong(n.ctime);
        out.writeLong(n.mtime);
        out.writeInt(n.version);
        out.writeInt(n.cversion);
        out.writeInt(n.aversion);
        out.writeLong(n.ephemeralOwner);
        written++;
    }

    /** ACL lists numbered in order of first use; most nodes share a handful of lists. */
    private static final class AclTable {
        private final DataOutputStream out;
        private final Map<List<ACL>, Integer> byIdentity = new IdentityHashMap<>();
        private final Map<List<ACL>, Integer> byValue = new HashMap<>();

        AclTable(DataOutputStream out) {
            this.out = out;
        }

        int indexOf(List<ACL> acl) throws IOException {
            Integer idx = byIdentity.get(acl);
            if (idx == null) {
                idx = byValue.get(acl);
                if (idx == null) {
                    idx = byValue.size();
                    byValue.put(acl, idx);
                    out.writeByte(TreeImage.ACL_DEFINITION);
                    TxnCodec.writeAcl(out, acl);
                }
                byIdentity.put(acl, idx);
            }
            return idx;
        }
    }

}
