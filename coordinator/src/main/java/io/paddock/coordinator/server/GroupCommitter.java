package io.paddock.coordinator.server;

import io.paddock.coordinator.env.SerialExecutor;
import io.paddock.coordinator.storage.TxnLog;
import io.paddock.coordinator.zab.Entry;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only writer of the {@link TxnLog}, on its own serial executor (the log thread). The quorum
 * driver hands it one Zab Ready's durable effects at a time; everything proposed while that is being
 * written accumulates in the next Ready, so each fsync covers a batch (group commit) without a queue
 * of its own. A failed write or fsync is fatal for the server: an acknowledged write must never be
 * lost, so continuing after an I/O error would be worse than stopping.
 */
final class GroupCommitter {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitter.class);

    /**
     * What a Ready asks to make durable. {@code snapshot} (a SNAP sync, received into a spool file)
     * replaces the log: it is adopted into the snapshot store first, then the log is cut after it.
     */
    record ZabWrite(long truncateAfter, ReceivedSnapshot snapshot, List<Entry> entries, long acceptedEpoch,
                    long currentEpoch) {}

    /** Where Zab's epochs and SNAP snapshots go; called on the log thread. */
    interface EpochStore {
        void writeAcceptedEpoch(long epoch) throws IOException;

        void writeCurrentEpoch(long epoch) throws IOException;

        /** Makes a received snapshot durable as the store's own, and the log complete after it only. */
        void adoptSnapshot(ReceivedSnapshot snapshot) throws IOException;
    }

    private final TxnLog log;
    private final EpochStore epochs;
    private final SerialExecutor thread;

    /** {@code thread}'s failure handler must stop the server: it receives every write error. */
    GroupCommitter(TxnLog log, EpochStore epochs, SerialExecutor thread) {
        this.log = log;
        this.epochs = epochs;
        this.thread = thread;
    }

    /** Makes a Ready's effects durable, in the zab package's order; {@code done} runs on the log thread after. */
    void persist(ZabWrite write, Runnable done) {
        thread.execute(() -> {
            write(write);
            done.run();
        });
    }

    /**
     * Deletes a received snapshot the Zab peer did not use, on the log thread (behind any write that
     * might still adopt an earlier one, and off the request thread).
     */
    void discard(ReceivedSnapshot snapshot) {
        thread.execute(snapshot::discard);
    }

    /** Starts a new log segment at the next append (after a snapshot, so old segments can be purged). */
    void roll() {
        thread.execute(log::roll);
    }

    void purgeBefore(long zxid) {
        thread.execute(() -> {
            int n = unchecked(() -> log.purgeBefore(zxid));
            if (n > 0) {
                LOG.info("purged {} txn log segments before zxid 0x{}", n, Long.toHexString(zxid));
            }
        });
    }

    private void write(ZabWrite w) {
        unchecked(() -> {
            if (w.snapshot() != null) {
                epochs.adoptSnapshot(w.snapshot());
                log.truncateAfter(w.snapshot().zxid());
                log.roll();
            }
            if (w.truncateAfter() >= 0) {
                log.truncateAfter(w.truncateAfter());
            }
            for (Entry e : w.entries()) {
                log.append(e.zxid(), e.payload());
            }
            if (!w.entries().isEmpty()) {
                log.sync();
            }
            if (w.acceptedEpoch() >= 0) {
                epochs.writeAcceptedEpoch(w.acceptedEpoch());
            }
            if (w.currentEpoch() >= 0) {
                epochs.writeCurrentEpoch(w.currentEpoch());
            }
            return 0;
        });
    }

    private interface IoAction {
        int run() throws IOException;
    }

    /** An I/O error escapes to the executor's failure handler, which stops the server. */
    private static int unchecked(IoAction a) {
        try {
            return a.run();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("txn log write failed; the server stops rather than acknowledge"
                    + " what is not durable", e);
        }
    }
}
