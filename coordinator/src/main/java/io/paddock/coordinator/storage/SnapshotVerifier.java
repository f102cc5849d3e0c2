package io.paddock.coordinator.storage;

import io.paddock.coordinator.env.Disk;
import io.paddock.coordinator.env.DiskFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Checks a snapshot file end to end. A file that fails is reported with a reason rather than an
 * exception, because the caller's answer to a bad snapshot is to fall back to an older one.
 */
final class SnapshotVerifier {
    private static final int READ_BUFFER_BYTES = 1024 * 1024;

    /** Either a verified snapshot or why the file is unusable. */
    record Outcome(Snapshot snapshot, String problem) {
        boolean valid() {
            return snapshot != null;
        }
    }

    private SnapshotVerifier() {
    }

    static Outcome verify(Disk disk, Path path, long zxidFromName) throws IOException {
        try (DiskFile ch = disk.open(path, Disk.Mode.READ)) {
            long size = ch.size();
            if (size < SnapshotFormat.HEADER_BYTES + SnapshotFormat.TRAILER_BYTES) {
                return invalid("file of " + size + " bytes is too short for header and trailer");
            }
            ByteBuffer header = readAt(ch, 0, SnapshotFormat.HEADER_BYTES);
            if (header.getInt(0) != SnapshotFormat.MAGIC) {
                return invalid(String.format("bad header magic 0x%08x", header.getInt(0)));
            }
            if (header.getInt(4) != SnapshotFormat.VERSION) {
                return invalid("unsupported format version " + header.getInt(4));
            }
            if (header.getLong(8) != zxidFromName) {
                return invalid(String.format("header zxid 0x%x does not match the file name", header.getLong(8)));
            }
            long covered = size - SnapshotFormat.TRAILER_BYTES;
            ByteBuffer trailer = readAt(ch, covered, SnapshotFormat.TRAILER_BYTES);
            if (trailer.getInt(12) != SnapshotFormat.END_MAGIC) {
                return invalid("trailer missing (file cut short?)");
            }
            if (trailer.getLong(4) != covered) {
                return invalid("trailer records " + trailer.getLong(4) + " bytes but the file holds " + covered);
            }
            int computed = crcOf(ch, covered);
            if (computed != trailer.getInt(0)) {
                return invalid(String.format("checksum mismatch (stored 0x%08x, computed 0x%08x)",
                        trailer.getInt(0), computed));
            }
            return new Outcome(new Snapshot(disk, zxidFromName, path, covered - SnapshotFormat.HEADER_BYTES), null);
        }
    }

    private static Outcome invalid(String problem) {
        return new Outcome(null, problem);
    }

    private static int crcOf(DiskFile ch, long length) throws IOException {
        CRC32C crc = new CRC32C();
        ByteBuffer buf = ByteBuffer.allocate(READ_BUFFER_BYTES);
        long pos = 0;
        while (pos < length) {
            buf.clear().limit((int) Math.min(buf.capacity(), length - pos));
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new IOException("file shrank while verifying at offset " + pos);
            }
            buf.flip();
            crc.update(buf);
            pos += n;
        }
        return (int) crc.getValue();
    }

    private static ByteBuffer readAt(DiskFile ch, long pos, int len) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(len);
        while (b.hasRemaining()) {
            if (ch.read(b, pos + b.position()) < 0) {
                throw new IOException("file shrank while verifying at offset " + (pos + b.position()));
            }
        }
        return b.flip();
    }
}
