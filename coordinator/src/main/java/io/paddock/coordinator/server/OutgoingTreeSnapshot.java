package io.paddock.coordinator.server;

import io.paddock.coordinator.net.OutgoingSnapshot;
import io.paddock.coordinator.storage.SnapshotStore;
import io.paddock.coordinator.tree.TreeSnapshotView;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The applied tree a leader sends a learner in a SNAP sync: a point-in-time view opened on the
 * request thread in O(1), written later by the transport's stream thread in the snapshot store's file
 * format (so the learner stores the bytes as they come, checksum included), then released, which
 * stops the tree remembering old values for it.
 */
final class OutgoingTreeSnapshot implements OutgoingSnapshot {
    private final TreeSnapshotView view;

    OutgoingTreeSnapshot(TreeSnapshotView view) {
        this.view = view;
    }

    @Override
    public long zxid() {
        return view.lastZxid();
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
        SnapshotStore.stream(out, view.lastZxid(), view::writeTo);
    }

    @Override
    public void release() {
        view.release();
    }

    @Override
    public String toString() {
        return "tree view at zxid 0x" + Long.toHexString(view.lastZxid());
    }
}
