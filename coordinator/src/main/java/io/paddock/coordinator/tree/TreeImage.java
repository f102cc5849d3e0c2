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

    /** Where {@link #read} hands each record as it is parsed. */
    interface Records {
        void session(DataTree.SessionRecord s);

        /** A node; a path may come twice (the view wrote it before and after a change): the last wins. */
        void node(String path, ZNode n);
    }

    /** Reads what {@link TreeSnapshotView#writeTo} wrote. A path written twice keeps its last value. */
    public static TreeImage readFrom(DataInputStream in) throws IOException {
        List<DataTree.SessionRecord> sessions = new ArrayList<>();
        Map<String, ZNode> nodes = new HashMap<>();
        long lastZxid = read(in, new Records() {
            @Override
            public void session(DataTree.SessionRecord s) {
                sessions.add(s);
            }

            @Override
            public void node(String path, ZNode n) {
                nodes.put(path, n);
            }
        });
        return new TreeImage(lastZxid, nodes, sessions);
    }

    /**
     * Parses a snapshot body one record at a time, so a large tree is never held twice (once as an
     * image, once as the tree built from it); returns the body's lastZxid.
     */
    static long read(DataInputStream in, Records into) throws IOException {
        int format = in.readInt();
        if (format != FORMAT) {
            throw new IOException("unknown snapshot body format " + format);
        }
        long lastZxid = in.readLong();
        int sessionCount = in.readInt();
        if (sessionCount < 0) {
            throw new IOException("negative session count " + sessionCount);
        }
        for (int i = 0; i < sessionCount; i++) {
            into.session(new DataTree.SessionRecord(in.readLong(), in.readInt(), TxnCodec.readBytes(in)));
        }
        List<List<ACL>> acls = new ArrayList<>();
        while (true) {
            byte kind = in.readByte();
            if (kind == END) {
                return lastZxid;
            } else if (kind == ACL_DEFINITION) {
                acls.add(TxnCodec.readAcl(in));
            } else if (kind == NODE) {
                String path = TxnCodec.readString(in);
                byte[] data = TxnCodec.readBytes(in);
                int aclIdx = in.readInt();
                if (aclIdx < 0 || aclIdx >= acls.size()) {
                    throw new IOException("snapshot node " + path + " references ACL #" + aclIdx);
                }
                into.node(path, new ZNode(data, acls.get(aclIdx), in.readLong(), in.readLong(), in.readLong(),
                        in.readLong(), in.readLong(), in.readInt(), in.readInt(), in.readInt(), in.readLong(), null));
            } else {
                throw new IOException("unknown snapshot record " + kind);
            }
        }
    }
}
