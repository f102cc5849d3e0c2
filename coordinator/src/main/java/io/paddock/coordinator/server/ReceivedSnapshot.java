package io.paddock.coordinator.server;

import io.paddock.coordinator.net.SnapshotSpool;
import io.paddock.coordinator.storage.IncomingSnapshotFile;
import io.paddock.coordinator.storage.Snapshot;
import io.paddock.coordinator.storage.SnapshotStore;
import io.paddock.coordinator.zab.SnapshotHandle;
import java.io.DataInputStream;
import java.io.IOException;

/**
 * A snapshot a leader streamed to this learner, complete and verified in a spool file of the data
 * directory, as the Sync message and then the Ready carry it. The log thread adopts it into the
 * snapshot store (durable, under its final name) before the log is cut after it; the request thread
 * then installs the tree from that file. A received snapshot the Zab peer does not use is discarded.
 */
final class ReceivedSnapshot implements SnapshotHandle {
    private final IncomingSnapshotFile file;
    private volatile Snapshot adopted;

    private ReceivedSnapshot(IncomingSnapshotFile file) {
        this.file = file;
    }

    @Override
    public long zxid() {
        return file.zxid();
    }

    /** Makes it one of the store's snapshots (log thread). */
    void adopt() throws IOException {
        adopted = file.adopt();
    }

    /** The body of the adopted snapshot, for installing it (the caller closes it). */
    DataInputStream openBody() throws IOException {
        Snapshot s = adopted;
        if (s == null) {
            throw new IllegalStateException(this + " was not adopted before being installed");
        }
        return s.open();
    }

    /** Deletes the spool file, unless it was adopted. */
    void discard() {
        file.discard();
    }

    @Override
    public String toString() {
        return file.toString();
    }

    /** Where this member's links receive snapshots: spool files in the snapshot directory. */
    static SnapshotSpool spoolInto(SnapshotStore store) {
        return (from, zxid) -> {
            IncomingSnapshotFile file = store.receive(zxid);
            return new SnapshotSpool.Incoming() {
                @Override
                public void write(byte[] bytes, int off, int len) throws IOException {
                    file.write(bytes, off, len);
                }

                @Override
                public SnapshotHandle finish() throws IOException {
                    file.finish();
                    return new ReceivedSnapshot(file);
                }

                @Override
                public void abort() {
                    file.discard();
                }
            };
        };
    }
}
