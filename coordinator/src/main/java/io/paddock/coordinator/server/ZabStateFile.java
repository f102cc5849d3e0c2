package io.paddock.coordinator.server;

import io.paddock.coordinator.env.Disk;
import io.paddock.coordinator.storage.AtomicStateFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * A server's durable Zab state besides its log, in one checksummed file replaced atomically, so no
 * crash can leave a currentEpoch without the acceptedEpoch it implies: the two epochs; the zxid
 * after which the log is complete (a snapshot synchronization installs the leader's snapshot and
 * the log continues after it, leaving a hole before it); and whether this server dropped its
 * history and must be synchronized before it may count in a discovery quorum. Also the place a SNAP
 * synchronization's snapshot is made durable. Written only on the log thread.
 */
final class ZabStateFile implements GroupCommitter.EpochStore {
    static final String FILE_NAME = "zab-epochs";
    private static final String ACCEPTED = "acceptedEpoch";
    private static final String CURRENT = "currentEpoch";
    private static final String LOG_COMPLETE_AFTER = "logCompleteAfter";
    private static final String RESYNCING = "resyncing";

    private final Disk disk;
    private final Path file;
    private long acceptedEpoch;
    private long currentEpoch;
    private long logCompleteAfter;
    private boolean resyncing;

    private ZabStateFile(Disk disk, Path file, Properties p) throws IOException {
        this.disk = disk;
        this.file = file;
        this.acceptedEpoch = parse(file, p, ACCEPTED);
        this.currentEpoch = parse(file, p, CURRENT);
        this.logCompleteAfter = p.containsKey(LOG_COMPLETE_AFTER) ? parse(file, p, LOG_COMPLETE_AFTER) : 0;
        this.resyncing = Boolean.parseBoolean(p.getProperty(RESYNCING, "false").trim());
        if (acceptedEpoch < currentEpoch) {
            throw new IOException(file + ": acceptedEpoch " + acceptedEpoch + " is below currentEpoch " + currentEpoch);
        }
    }

    /** Reads the state in {@code dataDir} (all zero for a new server). */
    static ZabStateFile open(Disk disk, Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE_NAME);
        Optional<Properties> p = AtomicStateFile.readProperties(disk, file);
        Properties props = p.orElseGet(() -> {
            Properties fresh = new Properties();
            fresh.setProperty(ACCEPTED, "0");
            fresh.setProperty(CURRENT, "0");
            return fresh;
        });
        return new ZabStateFile(disk, file, props);
    }

    private static long parse(Path file, Properties p, String key) throws IOException {
        String v = p.getProperty(key);
        try {
            long n = Long.parseLong(v == null ? "" : v.trim());
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IOException(file + ": " + key + "=" + v + " is not a non-negative number");
        }
    }

    long acceptedEpoch() {
        return acceptedEpoch;
    }

    long currentEpoch() {
        return currentEpoch;
    }

    /** The log holds every txn after this zxid (those before it are only in snapshots). */
    long logCompleteAfter() {
        return logCompleteAfter;
    }

    /** This server dropped its history at start-up and has not been synchronized since. */
    boolean resyncing() {
        return resyncing;
    }

    @Override
    public void writeAcceptedEpoch(long epoch) throws IOException {
        store(epoch, Math.min(currentEpoch, epoch), logCompleteAfter, resyncing);
    }

    /** A currentEpoch is adopted only with a complete history (after a sync, or as a leader): resynced. */
    @Override
    public void writeCurrentEpoch(long epoch) throws IOException {
        store(Math.max(acceptedEpoch, epoch), epoch, logCompleteAfter, false);
    }

    /** Start-up found a hole and dropped the log: stay out of discovery quorums until synchronized. */
    void markResyncing() throws IOException {
        store(acceptedEpoch, currentEpoch, 0, true);
    }

    private void store(long accepted, long current, long completeAfter, boolean resync) throws IOException {
        Properties p = new Properties();
        p.setProperty(ACCEPTED, Long.toString(accepted));
        p.setProperty(CURRENT, Long.toString(current));
        p.setProperty(LOG_COMPLETE_AFTER, Long.toString(completeAfter));
        p.setProperty(RESYNCING, Boolean.toString(resync));
        AtomicStateFile.write(disk, file, p);
        acceptedEpoch = accepted;
        currentEpoch = current;
        logCompleteAfter = completeAfter;
        resyncing = resync;
    }

    /**
     * A SNAP synchronization's snapshot, received into a spool file of the snapshot store: durable
     * under its final name before the log is cut after it, and from then on the log is complete only
     * after its zxid.
     */
    @Override
    public void adoptSnapshot(ReceivedSnapshot snapshot) throws IOException {
        snapshot.adopt();
        store(acceptedEpoch, currentEpoch, snapshot.zxid(), resyncing);
    }
}
