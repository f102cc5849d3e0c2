package io.paddock.coordinator.net;

import io.paddock.coordinator.zab.SnapshotHandle;
import java.io.IOException;

/**
 * Where a learner's transport puts a snapshot its leader streams to it: the bytes go to stable
 * storage as they arrive (never all in memory), and only a complete, verified stream becomes the
 * handle the Sync message carries. The server supplies it (its data directory); the transport knows
 * nothing of the format.
 */
public interface SnapshotSpool {
    /** A spool that refuses every snapshot (a transport that never follows, tests). */
    SnapshotSpool NONE = (from, zxid) -> {
        throw new IOException("this member does not accept snapshots");
    };

    /** The leader {@code from} starts sending its snapshot at {@code zxid}. */
    Incoming begin(long from, long zxid) throws IOException;

    /** One snapshot being received; called on one thread at a time, in this order. */
    interface Incoming {
        void write(byte[] bytes, int off, int len) throws IOException;

        /**
         * Every byte arrived: checks the whole (a short or corrupt stream throws) and returns the handle
         * delivered in the Sync; whoever receives that Sync owns what it holds.
         */
        SnapshotHandle finish() throws IOException;

        /** The stream will not complete (the link broke, or it was refused): free what was spooled. */
        void abort();
    }
}
