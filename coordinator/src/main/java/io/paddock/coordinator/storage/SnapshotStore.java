package io.paddock.coordinator.storage;

import io.paddock.coordinator.env.Disk;
import io.paddock.coordinator.env.DiskFile;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshot files {@code snapshot.<16 hex zxid>} in one directory.
 *
 * <p>A snapshot appears under its final name only complete and fsynced (tmp + fsync + rename +
 * directory fsync), and is checksummed end to end, so a crash or bit rot can only make the newest
 * file unusable, never half-usable; readers then fall back to an older one, which is why
 * {@link #purge} keeps at least three.
 *
 * <p>Thread-safe: a snapshot thread may {@link #write} while another thread purges or reads.
 * Writes of the same zxid must not overlap.
 */
public final class SnapshotStore {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotStore.class);
    /** ZooKeeper's minimum for autopurge.snapRetainCount, for the same reason: fallback needs spares. */
    public static final int MIN_RETAIN_COUNT = 3;
    private static final int WRITE_BUFFER_BYTES = 256 * 1024;

    /** A verification result that stays good while the file's size and mtime are unchanged. */
    private record Verified(long size, long changeStamp, Snapshot snapshot) {
    }

    private final Disk disk;
    private final Path dir;
    private final Set<String> writesInProgress = ConcurrentHashMap.newKeySet();
    /** Numbers spool files, so that two receptions of the same zxid never share one. */
    private final AtomicLong spools = new AtomicLong();
    /** Verifying reads the whole file; remembering the answer keeps repeated purges cheap. */
    private final Map<Path, Verified> verified = new ConcurrentHashMap<>();

    public SnapshotStore(Disk disk, Path dir) throws IOException {
        this.disk = disk;
        this.dir = dir;
        disk.createDirectories(dir);
    }

    public Path directory() {
        return dir;
    }

    public void write(long zxid, SnapshotBody body) throws IOException {
        Path target = pathOf(zxid);
        Path tmp = dir.resolve(target.getFileName() + SnapshotFormat.TMP_SUFFIX);
        writesInProgress.add(tmp.getFileName().toString());
        try {
            writeFile(tmp, zxid, body);
            FileSync.replace(disk, tmp, target);
        } catch (IOException | RuntimeException e) {
            disk.deleteIfExists(tmp);
            throw e;
        } finally {
            writesInProgress.remove(tmp.getFileName().toString());
            verified.remove(target);
        }
        LOG.info("Wrote snapshot {}", target);
    }

    private void writeFile(Path tmp, long zxid, SnapshotBody body) throws IOException {
        try (DiskFile ch = disk.open(tmp, Disk.Mode.CREATE_OR_TRUNCATE)) {
            stream(ch.outputStream(), zxid, body);
            ch.force(true);
        }
    }

    /**
     * Writes a snapshot in this store's file format (header, body, trailer with the checksum and
     * length) to any stream: a file, or a peer link carrying it to a learner, which then stores the
     * bytes as they came ({@link #receive}) and knows from the trailer that it has them all and
     * intact. Flushes {@code sink}, does not close it.
     */
    public static void stream(OutputStream sink, long zxid, SnapshotBody body) throws IOException {
        ChecksummingOutputStream summed = new ChecksummingOutputStream(sink);
        // buffered above the checksum, so it is updated in bulk rather than byte by byte
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(summed, WRITE_BUFFER_BYTES));
        out.writeInt(SnapshotFormat.MAGIC);
        out.writeInt(SnapshotFormat.VERSION);
        out.writeLong(zxid);
        body.writeTo(out);
        out.flush();
        ByteBuffer trailer = ByteBuffer.allocate(SnapshotFormat.TRAILER_BYTES);
        trailer.putInt(summed.checksum()).putLong(summed.count()).putInt(SnapshotFormat.END_MAGIC);
        sink.write(trailer.array());
        sink.flush();
    }

    /**
     * Starts receiving the snapshot at {@code zxid} that a leader streams in this store's format
     * ({@link #stream}), into a spool file of its own. Nothing reads it as a snapshot until
     * {@link IncomingSnapshotFile#adopt} gives it its final name.
     */
    public IncomingSnapshotFile receive(long zxid) throws IOException {
        Path spool = dir.resolve(ZxidFileNames.name(SnapshotFormat.PREFIX, zxid) + "." + spools.incrementAndGet()
                + SnapshotFormat.SPOOL_SUFFIX);
        return new IncomingSnapshotFile(this, disk, zxid, spool, pathOf(zxid));
    }

    /** An adopted spool file replaced {@code target}: forget what was verified of the old one. */
    void adopted(Path target) {
        verified.remove(target);
        LOG.info("Adopted the received snapshot as {}", target);
    }

    /**
     * Deletes spool files of snapshots whose reception a crash interrupted. Call at start-up, before
     * anything is received: a spool is never resumed (the leader sends a whole snapshot again).
     */
    public int deleteLeftoverSpools() throws IOException {
        int deleted = 0;
        for (Path p : listing()) {
            if (p.getFileName().toString().endsWith(SnapshotFormat.SPOOL_SUFFIX) && disk.deleteIfExists(p)) {
                LOG.info("Deleted {}, a snapshot whose reception did not complete", p);
                deleted++;
            }
        }
        return deleted;
    }

    /** The newest snapshot that verifies; newer invalid ones are skipped with a WARN. */
    public Optional<Snapshot> latestValid() throws IOException {
        List<Long> all = zxids();
        for (int i = all.size() - 1; i >= 0; i--) {
            Optional<SnapshotVerifier.Outcome> outcome = check(all.get(i));
            if (outcome.isEmpty()) {
                continue;
            }
            if (outcome.get().valid()) {
                return Optional.of(outcome.get().snapshot());
            }
            LOG.warn("Skipping snapshot {}: {}; falling back to an older snapshot",
                    pathOf(all.get(i)), outcome.get().problem());
        }
        return Optional.empty();
    }

    /** Zxids of all snapshot files present (verified or not), ascending. */
    public List<Long> zxids() throws IOException {
        List<Long> found = new ArrayList<>();
        for (Path p : listing()) {
            OptionalLong zxid = ZxidFileNames.parse(SnapshotFormat.PREFIX, p.getFileName().toString());
            if (zxid.isPresent()) {
                found.add(zxid.getAsLong());
            }
        }
        found.sort(null);
        return found;
    }

    /**
     * Keeps the newest {@code retainCount} valid snapshots (at least {@link #MIN_RETAIN_COUNT}) and
     * deletes every other snapshot, invalid ones included, plus stray tmp files of failed writes.
     *
     * @return number of files deleted
     */
    public int purge(int retainCount) throws IOException {
        int retain = retainCount;
        if (retain < MIN_RETAIN_COUNT) {
            LOG.warn("Snapshot retain count {} is below the minimum; using {}", retainCount, MIN_RETAIN_COUNT);
            retain = MIN_RETAIN_COUNT;
        }
        int deleted = deleteStrayTmpFiles();
        List<Long> all = zxids();
        int kept = 0;
        for (int i = all.size() - 1; i >= 0; i--) {
            Path path = pathOf(all.get(i));
            if (kept < retain) {
                Optional<SnapshotVerifier.Outcome> outcome = check(all.get(i));
                if (outcome.isEmpty()) {
                    continue;
                }
                if (outcome.get().valid()) {
                    kept++;
                    continue;
                }
                LOG.warn("Deleting invalid snapshot {}: {}", path, outcome.get().problem());
            }
            if (disk.deleteIfExists(path)) {
                deleted++;
            }
            verified.remove(path);
        }
        if (deleted > 0) {
            LOG.info("Purged {} snapshot files from {}, kept {}", deleted, dir, kept);
        }
        return deleted;
    }

    /** Zxid of the oldest valid snapshot on disk, or -1 when there is none. */
    public long oldestRetainedZxid() throws IOException {
        for (long zxid : zxids()) {
            Optional<SnapshotVerifier.Outcome> outcome = check(zxid);
            if (outcome.isPresent() && outcome.get().valid()) {
                return zxid;
            }
        }
        return -1;
    }

    private int deleteStrayTmpFiles() throws IOException {
        int deleted = 0;
        for (Path p : listing()) {
            String name = p.getFileName().toString();
            if (!name.endsWith(SnapshotFormat.TMP_SUFFIX) || writesInProgress.contains(name)) {
                continue;
            }
            String base = name.substring(0, name.length() - SnapshotFormat.TMP_SUFFIX.length());
            if (ZxidFileNames.parse(SnapshotFormat.PREFIX, base).isPresent() && disk.deleteIfExists(p)) {
                LOG.info("Deleted leftover snapshot tmp file {}", p);
                deleted++;
            }
        }
        return deleted;
    }

    /** Empty when the file vanished meanwhile (a concurrent purge). */
    private Optional<SnapshotVerifier.Outcome> check(long zxid) throws IOException {
        Path path = pathOf(zxid);
        try {
            long size = disk.size(path);
            long stamp = disk.changeStamp(path);
            Verified cached = verified.get(path);
            if (cached != null && cached.size() == size && cached.changeStamp() == stamp) {
                return Optional.of(new SnapshotVerifier.Outcome(cached.snapshot(), null));
            }
            SnapshotVerifier.Outcome outcome = SnapshotVerifier.verify(disk, path, zxid);
            if (outcome.valid()) {
                verified.put(path, new Verified(size, stamp, outcome.snapshot()));
            }
            return Optional.of(outcome);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    private List<Path> listing() throws IOException {
        return disk.list(dir);
    }

    private Path pathOf(long zxid) {
        return dir.resolve(ZxidFileNames.name(SnapshotFormat.PREFIX, zxid));
    }
}
