package io.paddock.coordinator.tree;

import io.paddock.coordinator.txn.TxnCodec;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.zookeeper.data.ACL;

/** A tree read back from a snapshot: nodes by path (children are rebuilt from the paths), sessions. */
public record TreeImage(long lastZxid, Map<String, ZNode> nodes, List<DataTree.SessionRecord> sessions) {
    static final int FORMAT = 2;
    static final byte END = 0;
    static final byte ACL_DEFINITION = 1;
    static final byte NODE = 2;

    /** Reads what {@link TreeSnapshotView#writeTo} wrote. A path written twice keeps its last value. */
    public static TreeImage readFrom(DataInputStream in) throws IOException {
        int format = in.readInt();
        if (format != FORMAT) {
            throw new IOException("unknown snapshot body format " + format);
        }
        long lastZxid = in.readLong();
        int sessionCount = in.readInt();
        if (sessionCount < 0) {
            throw new IOException("negative session count " + sessionCount);
        }
        List<DataTree.SessionRecord> sessions = new ArrayList<>();
        for (int i = 0; i < sessionCount; i++) {
            sessions.add(new DataTree.SessionRecord(in.readLong(), in.readInt(), TxnCodec.readBytes(in)));
        }
        List<List<ACL>> acls = new ArrayList<>();
        Map<String, ZNode> nodes = new HashMap<>();
        while (true) {
            byte kind = in.readByte();
            if (kind == END) {
                break;
            } else if (kind == ACL_DEFINITION) {
                acls.add(TxnCodec.readAcl(in));
            } else if (kind == NODE) {
                String path = TxnCodec.readString(in);
                byte[] data = TxnCodec.readBytes(in);
                int aclIdx = in.readInt();
                if (aclIdx < 0 || aclIdx >= acls.size()) {
                    throw new IOException("snapshot node " + path + " references ACL #" + aclIdx);
                }
                nodes.put(path, new ZNode(data, acls.get(aclIdx), in.readLong(), in.readLong(), in.readLong(),
                        in.readLong(), in.readLong(), in.readInt(), in.readInt(), in.readInt(), in.readLong(), null));
            } else {
                throw new IOException("unknown snapshot record " + kind);
            }
        }
        return new TreeImage(lastZxid, nodes, sessions);
    }
}
