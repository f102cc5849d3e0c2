package io.paddock.coordinator.tree;

import io.paddock.coordinator.txn.TxnCodec;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.zookeeper.data.ACL;

/**
 * An immutable picture of the tree at {@code lastZxid}, and its serialized form. ACL lists are
 * written once each and referenced by index, since most nodes share a handful of lists.
 */
public record TreeImage(long lastZxid, Map<String, ZNode> nodes, List<DataTree.SessionRecord> sessions) {
    private static final int FORMAT = 1;

    public void writeTo(DataOutputStream out) throws IOException {
        out.writeInt(FORMAT);
        out.writeLong(lastZxid);
        out.writeInt(sessions.size());
        for (DataTree.SessionRecord s : sessions) {
            out.writeLong(s.sessionId());
            out.writeInt(s.timeoutMs());
            TxnCodec.writeBytes(out, s.password());
        }
        Map<List<ACL>, Integer> aclIndex = new IdentityHashMap<>();
        List<List<ACL>> aclLists = new ArrayList<>();
        Map<List<ACL>, Integer> byValue = new HashMap<>();
        for (ZNode n : nodes.values()) {
            if (!aclIndex.containsKey(n.acl)) {
                Integer idx = byValue.get(n.acl);
                if (idx == null) {
                    idx = aclLists.size();
                    aclLists.add(n.acl);
                    byValue.put(n.acl, idx);
                }
                aclIndex.put(n.acl, idx);
            }
        }
        out.writeInt(aclLists.size());
        for (List<ACL> acl : aclLists) {
            TxnCodec.writeAcl(out, acl);
        }
        out.writeInt(nodes.size());
        for (Map.Entry<String, ZNode> e : nodes.entrySet()) {
            ZNode n = e.getValue();
            TxnCodec.writeString(out, e.getKey());
            TxnCodec.writeBytes(out, n.data);
            out.writeInt(aclIndex.get(n.acl));
            out.writeLong(n.czxid);
            out.writeLong(n.mzxid);
            out.writeLong(n.pzxid);
            out.writeLong(n.ctime);
            out.writeLong(n.mtime);
            out.writeInt(n.version);
            out.writeInt(n.cversion);
            out.writeInt(n.aversion);
            out.writeLong(n.ephemeralOwner);
        }
    }

    public static TreeImage readFrom(DataInputStream in) throws IOException {
        int format = in.readInt();
        if (format != FORMAT) {
            throw new IOException("unknown snapshot body format " + format);
        }
        long lastZxid = in.readLong();
        int sessionCount = in.readInt();
        List<DataTree.SessionRecord> sessions = new ArrayList<>();
        for (int i = 0; i < sessionCount; i++) {
            sessions.add(new DataTree.SessionRecord(in.readLong(), in.readInt(), TxnCodec.readBytes(in)));
        }
        int aclCount = in.readInt();
        List<List<ACL>> acls = new ArrayList<>();
        for (int i = 0; i < aclCount; i++) {
            acls.add(TxnCodec.readAcl(in));
        }
        int nodeCount = in.readInt();
        Map<String, ZNode> nodes = new HashMap<>(Math.max(16, nodeCount * 4 / 3 + 1));
        for (int i = 0; i < nodeCount; i++) {
            String path = TxnCodec.readString(in);
            byte[] data = TxnCodec.readBytes(in);
            int aclIdx = in.readInt();
            if (aclIdx < 0 || aclIdx >= acls.size()) {
                throw new IOException("snapshot node " + path + " references ACL #" + aclIdx);
            }
            nodes.put(path, new ZNode(data, acls.get(aclIdx), in.readLong(), in.readLong(), in.readLong(),
                    in.readLong(), in.readLong(), in.readInt(), in.readInt(), in.readInt(), in.readLong(), null));
        }
        return new TreeImage(lastZxid, nodes, sessions);
    }
}
