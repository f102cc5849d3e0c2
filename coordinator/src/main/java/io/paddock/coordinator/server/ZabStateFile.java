package io.paddock.coordinator.server;

import io.paddock.coordinator.env.Disk;
import io.paddock.coordinator.storage.AtomicStateFile;
import io.paddock.coordinator.storage.SnapshotStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * A server's durable Zab epochs, both in one checksummed file replaced atomically, so no crash can
 * leave a currentEpoch without the acceptedEpoch it implies. Also the place a SNAP synchronization's
 * snapshot is made durable. Written only on the log thread.
 */
final class ZabStateFile implements GroupCommitter.EpochStore {
    static final String FILE_NAME = "zab-epochs";
    private static final String ACCEPTED = "acceptedEpoch";
    private static final String CURRENT = "currentEpoch";

    private final Disk disk;
    private final Path file;
    private final SnapshotStore snapshots;
    private long acceptedEpoch;
    private long currentEpoch;

    private ZabStateFile(Disk disk, Path file, SnapshotStore snapshots, long acceptedEpoch, long currentEpoch) {
        this.disk = disk;
        this.file = file;
        this.snapshots = snapshots;
        this.acceptedEpoch = acceptedEpoch;
        this.currentEpoch = currentEpoch;
    }

    /** Reads the epochs in {@code dataDir} (0 and 0 for a new server). */
    static ZabStateFile open(Disk disk, Path dataDir, SnapshotStore snapshots) throws IOException {
        Path file = dataDir.resolve(FILE_NAME);
        Optional<Properties> p = AtomicStateFile.readProperties(disk, file);
        if (p.isEmpty()) {
            return new ZabStateFile(disk, file, snapshots, 0, 0);
        }
        long accepted = parse(file, p.get(), ACCEPTED);
        long current = parse(file, p.get(), CURRENT);
        if (accepted < current) {
            throw new IOException(file + ": acceptedEpoch " + accepted + " is below currentEpoch " + current);
        }
        return new ZabStateFile(disk, file, snapshots, accepted, current);
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

    @Override
    public void writeAcceptedEpoch(long epoch) throws IOException {
        store(epoch, Math.min(currentEpoch, epoch));
    }

    @Override
    public void writeCurrentEpoch(long epoch) throws IOException {
        store(Math.max(acceptedEpoch, epoch), epoch);
    }

    private void store(long accepted, long current) throws IOException {
        Properties p = new Properties();
        p.setProperty(ACCEPTED, Long.toString(accepted));
        p.setProperty(CURRENT, Long.toString(current));
        AtomicStateFile.write(disk, file, p);
        acceptedEpoch = accepted;
        currentEpoch = current;
    }

    @Override
    public void writeSnapshot(long zxid, byte[] bytes) throws IOException {
        snapshots.write(zxid, out -> out.write(bytes));
    }
}
