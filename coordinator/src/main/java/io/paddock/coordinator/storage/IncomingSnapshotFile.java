package io.paddock.coordinator.storage;

import io.paddock.coordinator.env.Disk;
import io.paddock.coordinator.env.DiskFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A snapshot arriving from a leader in the store's file format, written to a spool file as it comes
 * and checked on the way: the header must name the expected zxid, and {@link #finish} accepts it only
 * when the trailer's length and CRC32C match every byte received, so a short, torn or corrupted
 * stream never becomes a snapshot. Written without fsync (the receiving thread must not wait for
 * the disk); {@link #adopt} makes it durable and gives it its final name on the log thread.
 *
 * <p>Lifecycle: {@link #write}s, then {@link #finish} (same thread), then once either
 * {@link #adopt} or {@link #discard}; {@link #discard} may come at any point and from any thread
 * (the link broke, or the peer did not use it) and is a no-op after adoption.
 */
public final class IncomingSnapshotFile {
    private static final Logger LOG = LoggerFactory.getLogger(IncomingSnapshotFile.class);

    private enum State { RECEIVING, COMPLETE, ADOPTED, DISCARDED }

    private final SnapshotStore store;
    private final Disk disk;
    private final long zxid;
    private final Path spool;
    private final Path target;
    private final CRC32C crc = new CRC32C();
    private final byte[] header = new byte[SnapshotFormat.HEADER_BYTES];
    /** The last bytes received, held back from the checksum: they may be the trailer. */
    private final byte[] tail = new byte[SnapshotFormat.TRAILER_BYTES];
    private int tailLength;
    private long received;
    private volatile DiskFile file;
    private State state = State.RECEIVING;

    IncomingSnapshotFile(SnapshotStore store, Disk disk, long zxid, Path spool, Path target) throws IOException {
        this.store = store;
        this.disk = disk;
        this.zxid = zxid;
        this.spool = spool;
        this.target = target;
        this.file = disk.open(spool, Disk.Mode.CREATE_OR_TRUNCATE);
    }

    public long zxid() {
        return zxid;
    }

    /** Bytes received so far (the whole file once finished). */
    public long size() {
        return received;
    }

    public Path spoolPath() {
        return spool;
    }

    /** Appends the next bytes of the stream. */
    public void write(byte[] b, int off, int len) throws IOException {
        synchronized (this) {
            if (state != State.RECEIVING) {
                throw new IOException("snapshot " + spool + " is no longer receiving (" + state + ")");
            }
        }
        file.write(ByteBuffer.wrap(b, off, len), received);
        if (received < header.length) {
            int n = (int) Math.min(len, header.length - received);
            System.arraycopy(b, off, header, (int) received, n);
            if (received + n == header.length) {
                checkHeader();
            }
        }
        holdBackTail(b, off, len);
        received += len;
    }

    private void checkHeader() throws IOException {
        ByteBuffer h = ByteBuffer.wrap(header);
        if (h.getInt(0) != SnapshotFormat.MAGIC || h.getInt(4) != SnapshotFormat.VERSION) {
            throw new IOException(String.format("received snapshot does not start with a version %d header (0x%08x %d)",
                    SnapshotFormat.VERSION, h.getInt(0), h.getInt(4)));
        }
        if (h.getLong(8) != zxid) {
            throw new IOException(String.format("received snapshot is at zxid 0x%x, announced at 0x%x", h.getLong(8),
                    zxid));
        }
    }

    /** Everything but the last {@code TRAILER_BYTES} received goes into the checksum. */
    private void holdBackTail(byte[] b, int off, int len) {
        int keep = tail.length;
        if (len >= keep) {
            crc.update(tail, 0, tailLength);
            crc.update(b, off, len - keep);
            System.arraycopy(b, off + len - keep, tail, 0, keep);
            tailLength = keep;
            return;
        }
        int overflow = tailLength + len - keep;
        if (overflow > 0) {
            crc.update(tail, 0, overflow);
            System.arraycopy(tail, overflow, tail, 0, tailLength - overflow);
            tailLength -= overflow;
        }
        System.arraycopy(b, off, tail, tailLength, len);
        tailLength += len;
    }

    /** The stream ended: accepts it only whole and intact (trailer length and CRC), or throws. */
    public void finish() throws IOException {
        synchronized (this) {
            if (state != State.RECEIVING) {
                throw new IOException("snapshot " + spool + " is no longer receiving (" + state + ")");
            }
        }
        if (received < SnapshotFormat.HEADER_BYTES + SnapshotFormat.TRAILER_BYTES) {
            throw new IOException("received snapshot of " + received + " bytes is too short for header and trailer");
        }
        ByteBuffer t = ByteBuffer.wrap(tail);
        long covered = received - SnapshotFormat.TRAILER_BYTES;
        if (t.getInt(12) != SnapshotFormat.END_MAGIC) {
            throw new IOException("received snapshot lacks its trailer (cut short?)");
        }
        if (t.getLong(4) != covered) {
            throw new IOException("received snapshot's trailer records " + t.getLong(4) + " bytes, " + covered
                    + " arrived");
        }
        if (t.getInt(0) != (int) crc.getValue()) {
            throw new IOException(String.format("received snapshot's checksum mismatch (sent 0x%08x, computed 0x%08x)",
                    t.getInt(0), (int) crc.getValue()));
        }
        DiskFile f = file;
        file = null;
        f.close();
        synchronized (this) {
            if (state == State.RECEIVING) {
                state = State.COMPLETE;
                return;
            }
        }
        throw new IOException("snapshot " + spool + " was discarded while it was being received");
    }

    /**
     * Makes the complete snapshot durable under its final name (fsync, rename, directory fsync), as
     * {@link SnapshotStore#write} would have; from then on it is one of the store's snapshots.
     */
    public Snapshot adopt() throws IOException {
        synchronized (this) {
            if (state != State.COMPLETE) {
                throw new IllegalStateException("snapshot " + spool + " cannot be adopted: " + state);
            }
            state = State.ADOPTED;
        }
        try (DiskFile f = disk.open(spool, Disk.Mode.READ_WRITE)) {
            f.force(true);
        }
        FileSync.replace(disk, spool, target);
        store.adopted(target);
        return new Snapshot(disk, zxid, target, received - SnapshotFormat.HEADER_BYTES - SnapshotFormat.TRAILER_BYTES);
    }

    /** Deletes the spool file unless it was adopted; quiet, any thread, idempotent. */
    public void discard() {
        synchronized (this) {
            if (state == State.ADOPTED || state == State.DISCARDED) {
                return;
            }
            state = State.DISCARDED;
        }
        try {
            DiskFile f = file;
            if (f != null) {
                f.close();
            }
            disk.deleteIfExists(spool);
        } catch (IOException | RuntimeException e) {
            // start-up deletes it anyway
            LOG.warn("could not delete {} ({}); it is removed at the next start", spool, e.toString());
        }
    }

    @Override
    public String toString() {
        return "received snapshot at zxid 0x" + Long.toHexString(zxid) + " (" + received + " bytes, " + spool + ")";
    }
}
