package io.paddock.coordinator.server;

import io.paddock.coordinator.storage.CloseableIterator;
import io.paddock.coordinator.storage.LogEntry;
import io.paddock.coordinator.storage.Snapshot;
import io.paddock.coordinator.storage.SnapshotStore;
import io.paddock.coordinator.storage.TxnLog;
import io.paddock.coordinator.tree.DataTree;
import io.paddock.coordinator.zab.Entry;
import io.paddock.coordinator.zab.Zxid;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server's starting state: the newest valid snapshot, and the logged entries after it, which go
 * to the Zab peer (applied once committed, through the same apply as live writes). The log must
 * continue the snapshot without a hole: a SNAP synchronization leaves one in the log (entries before
 * the leader's snapshot are kept, the range up to it is not), and replaying across it from an older
 * snapshot, because the newest one failed to verify, would serve a tree with committed txns missing.
 */
final class Recovery {
    private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);

    /** The snapshot's tree and the logged entries after it, contiguous. */
    record State(DataTree tree, List<Entry> log) {}

    private Recovery() {
    }

    /**
     * @param state where the log's completeness is recorded; marked resyncing when the log is dropped
     * @param canResync true for a member of a multi-voter ensemble: a log with a hole is then dropped
     *     and the member starts empty, to be synchronized by the leader (until then it stands for no
     *     election and does not count in a discovery quorum, since it forgot txns it may have
     *     acknowledged); a single voter has nobody to resync from and refuses to start instead
     */
    static State recover(SnapshotStore snapshots, TxnLog log, ZabStateFile state, boolean canResync)
            throws IOException {
        if (state.resyncing() && canResync) {
            // an earlier start dropped this state (or crashed while dropping it): it still counts for
            // nothing until a leader has synchronized the member
            return drop(log, state, "the member is waiting to be resynchronized");
        }
        DataTree tree = loadSnapshot(snapshots);
        if (tree.lastZxid() < state.logCompleteAfter()) {
            // a snapshot sync left the log complete only after its snapshot, and that snapshot is gone
            return hole(log, state, canResync, "the log is complete only after zxid " + Zxid.hex(state.logCompleteAfter())
                    + " but the newest valid snapshot is at " + Zxid.hex(tree.lastZxid()));
        }
        List<Entry> entries = new ArrayList<>();
        long previous = tree.lastZxid();
        try (CloseableIterator<LogEntry> it = log.readFrom(tree.lastZxid())) {
            while (it.hasNext()) {
                LogEntry e = it.next();
                if (!follows(previous, e.zxid())) {
                    it.close();
                    return hole(log, state, canResync, "after zxid " + Zxid.hex(previous) + " the next logged txn is "
                            + Zxid.hex(e.zxid()));
                }
                entries.add(new Entry(e.zxid(), e.payload()));
                previous = e.zxid();
            }
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
        return new State(tree, entries);
    }

    private static State hole(TxnLog log, ZabStateFile state, boolean canResync, String what) throws IOException {
        String hole = "txn log hole: " + what;
        if (!canResync) {
            throw new IOException(hole + "; refusing to start with missing committed txns");
        }
        return drop(log, state, hole);
    }

    private static State drop(TxnLog log, ZabStateFile state, String why) throws IOException {
        LOG.warn("{}; dropping the local log and snapshot state: the leader will synchronize this server from"
                + " scratch, and until then it does not count toward a quorum", why);
        // the durable marker first: a crash while the log is being dropped must not leave a shorter
        // log that looks complete (the member would then vote with a history missing committed txns)
        state.markResyncing();
        log.truncateAfter(0);
        return new State(new DataTree(), List.of());
    }

    /** {@code next} directly follows {@code previous}: the next counter, or the first txn of a later epoch. */
    static boolean follows(long previous, long next) {
        return next == previous + 1 || Zxid.epoch(next) > Zxid.epoch(previous) && Zxid.counter(next) == 1;
    }

    /** The newest valid snapshot alone, or an empty tree. */
    static DataTree loadSnapshot(SnapshotStore snapshots) throws IOException {
        Optional<Snapshot> snapshot = snapshots.latestValid();
        if (snapshot.isEmpty()) {
            return new DataTree();
        }
        try (DataInputStream in = snapshot.get().open()) {
            DataTree tree = DataTree.readFrom(in);
            if (tree.lastZxid() != snapshot.get().zxid()) {
                throw new IOException("snapshot " + snapshot.get().path() + " is named for zxid 0x"
                        + Long.toHexString(snapshot.get().zxid()) + " but holds 0x" + Long.toHexString(tree.lastZxid()));
            }
            return tree;
        }
    }
}
