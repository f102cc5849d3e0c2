package io.paddock.coordinator.storage;

import java.io.IOException;

/**
 * Removes snapshots and log segments that recovery can no longer need.
 *
 * <p>Snapshots go first, and the log is then cut only up to the oldest snapshot still on disk, so
 * every retained snapshot can still be rolled forward with the log.
 */
public final class Purger {
    private Purger() {
    }

    /**
     * Call on the log-writer thread, which owns {@code log}. The snapshot part reads files only on
     * its first visit to each (verification results are cached), and the log part only deletes
     * whole segments, so the writer is held up briefly.
     */
    public static PurgeResult purge(SnapshotStore snaps, TxnLog log, int snapRetainCount) throws IOException {
        int snapshotsDeleted = snaps.purge(snapRetainCount);
        long oldest = snaps.oldestRetainedZxid();
        int segmentsDeleted = oldest < 0 ? 0 : log.purgeBefore(oldest);
        return new PurgeResult(snapshotsDeleted, segmentsDeleted, oldest);
    }
}
