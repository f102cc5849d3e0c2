package io.paddock.coordinator.server;

import io.paddock.coordinator.storage.SnapshotStore;
import io.paddock.coordinator.tree.DataTree;
import io.paddock.coordinator.tree.TreeSnapshotView;
import io.paddock.coordinator.env.Clock;
import io.paddock.coordinator.env.SerialExecutor;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a snapshot every {@code snapCount} applied txns. The request thread only opens a
 * point-in-time view of the tree (O(1)); walking, serializing and fsyncing it happen on this
 * scheduler's own thread, so writes keep flowing. At most one snapshot is in progress; the log rolls to a new segment at each
 * snapshot so that purging can drop whole segments.
 */
final class SnapshotScheduler {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotScheduler.class);

    private final SnapshotStore store;
    private final int snapCount;
    private final SerialExecutor executor;
    private final Clock clock;
    private GroupCommitter committer;
    private java.util.function.LongConsumer onWritten = zxid -> { };
    private int sinceLast;
    private volatile boolean inProgress;
    private volatile long lastSnapshotZxid = -1;
    private volatile long lastSnapshotMillis;

    /** {@code executor} is the snapshot thread; a snapshot that fails is logged, the log still has everything. */
    SnapshotScheduler(SnapshotStore store, int snapCount, SerialExecutor executor, Clock clock) {
        this.store = store;
        this.snapCount = snapCount;
        this.executor = executor;
        this.clock = clock;
    }

    void attach(GroupCommitter committer) {
        this.committer = committer;
    }

    /** Called on the snapshot thread with the zxid of each snapshot written. */
    void onWritten(java.util.function.LongConsumer listener) {
        this.onWritten = listener;
    }

    /** Called on the request thread after each apply. */
    void txnApplied(DataTree tree) {
        if (++sinceLast < snapCount || inProgress) {
            return;
        }
        sinceLast = 0;
        inProgress = true;
        TreeSnapshotView view = tree.image();
        committer.roll();
        executor.execute(() -> write(view));
    }

    private void write(TreeSnapshotView view) {
        long start = clock.monotonicNanos();
        try {
            store.write(view.lastZxid(), view::writeTo);
            lastSnapshotZxid = view.lastZxid();
            lastSnapshotMillis = (clock.monotonicNanos() - start) / 1_000_000;
            LOG.info("snapshot at zxid 0x{} of {} nodes written in {} ms", Long.toHexString(view.lastZxid()),
                    view.nodesWritten(), lastSnapshotMillis);
            onWritten.accept(view.lastZxid());
        } catch (IOException | RuntimeException e) {
            LOG.error("snapshot at zxid 0x{} failed; the txn log still holds everything",
                    Long.toHexString(view.lastZxid()), e);
        } finally {
            view.release();
            inProgress = false;
        }
    }

    /** Deletes old snapshots, then the log segments no retained snapshot needs. */
    void purge(int retainCount) {
        executor.execute(() -> {
            try {
                int deleted = store.purge(retainCount);
                long oldest = store.oldestRetainedZxid();
                if (deleted > 0) {
                    LOG.info("purged {} snapshots; oldest retained at zxid 0x{}", deleted, Long.toHexString(oldest));
                }
                if (oldest >= 0) {
                    committer.purgeBefore(oldest);
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("purge failed", e);
            }
        });
    }

    boolean inProgress() {
        return inProgress;
    }

    long lastSnapshotZxid() {
        return lastSnapshotZxid;
    }
}
