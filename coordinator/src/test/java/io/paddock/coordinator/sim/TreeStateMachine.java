package io.paddock.coordinator.sim;

import io.paddock.coordinator.tree.ApplyResult;
import io.paddock.coordinator.tree.DataTree;
import io.paddock.coordinator.tree.TreeImage;
import io.paddock.coordinator.tree.ZNode;
import io.paddock.coordinator.txn.TxnCodec;
import io.paddock.coordinator.txn.TxnEntry;
import io.paddock.coordinator.zab.Entry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.TreeMap;

/** The server's own DataTree as the simulated state machine: entries are encoded TxnEntries. */
final class TreeStateMachine implements SimStateMachine {
    private DataTree tree = new DataTree();

    DataTree tree() {
        return tree;
    }

    @Override
    public Object apply(Entry e) {
        try {
            TxnEntry entry = TxnCodec.decode(e.payload());
            ApplyResult r = tree.apply(e.zxid(), entry);
            return new Applied(entry, r);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** An applied txn and its result, with the tree at that moment for read txns. */
    record Applied(TxnEntry entry, ApplyResult result) {}

    @Override
    public byte[] snapshot() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            tree.writeSnapshot(out);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return bytes.toByteArray();
    }

    @Override
    public void restore(byte[] snapshot, long zxid) {
        if (snapshot.length == 0) {
            tree = new DataTree();
            return;
        }
        try {
            tree = DataTree.fromImage(TreeImage.readFrom(new DataInputStream(new ByteArrayInputStream(snapshot))));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    @Override
    public String digest() {
        StringBuilder sb = new StringBuilder();
        TreeMap<String, ZNode> sorted = new TreeMap<>();
        ArrayDeque<String> stack = new ArrayDeque<>();
        stack.push("/");
        while (!stack.isEmpty()) {
            String p = stack.pop();
            ZNode n = tree.get(p);
            sorted.put(p, n);
            for (String c : n.childNames()) {
                stack.push("/".equals(p) ? "/" + c : p + "/" + c);
            }
        }
        sorted.forEach((p, n) -> sb.append(p).append(' ').append(n.stat()).append(' ')
                .append(Arrays.hashCode(n.data())).append('\n'));
        sb.append("sessions ").append(tree.sessions().keySet()).append(" digest ").append(tree.digest());
        return sb.toString();
    }
}
