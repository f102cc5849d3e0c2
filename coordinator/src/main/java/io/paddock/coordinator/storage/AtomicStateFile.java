package io.paddock.coordinator.storage;

import io.paddock.coordinator.env.Disk;
import io.paddock.coordinator.env.DiskFile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import java.util.zip.CRC32C;

/**
 * Small state files (epochs, votes, identity) that are replaced whole and verified on read
 * (DESIGN.md rule 10). A crash leaves either the old or the new content; a damaged file is an
 * error, never silently read as "absent", since a lost epoch could let a server vote twice.
 *
 * <p>Layout: {@code "PDKA", int version=1, int length, content, int crc32c of all preceding bytes}.
 */
public final class AtomicStateFile {
    private static final int MAGIC = 0x50444B41;
    private static final int VERSION = 1;
    private static final int HEADER_BYTES = 12;
    private static final int OVERHEAD_BYTES = HEADER_BYTES + Integer.BYTES;

    private AtomicStateFile() {
    }

    /** Replaces the file durably: tmp + fsync + rename + directory fsync. */
    public static void write(Disk disk, Path file, byte[] content) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(OVERHEAD_BYTES + content.length);
        buf.putInt(MAGIC).putInt(VERSION).putInt(content.length).put(content);
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 0, buf.position());
        buf.putInt((int) crc.getValue()).flip();
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (DiskFile ch = disk.open(tmp, Disk.Mode.CREATE_OR_TRUNCATE)) {
            ch.write(buf, 0);
            ch.force(true);
        }
        FileSync.replace(disk, tmp, file);
    }

    public static void write(Disk disk, Path file, Properties content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        content.store(bytes, null);
        write(disk, file, bytes.toByteArray());
    }

    /**
     * The content, or empty when the file does not exist.
     *
     * @throws IOException naming the file when it is truncated or its checksum does not match
     */
    public static Optional<byte[]> read(Disk disk, Path file) throws IOException {
        byte[] raw;
        try {
            raw = disk.readAll(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        ByteBuffer buf = ByteBuffer.wrap(raw);
        if (raw.length < OVERHEAD_BYTES) {
            throw corrupt(file, "only " + raw.length + " bytes, shorter than the " + OVERHEAD_BYTES + "-byte frame");
        }
        if (buf.getInt(0) != MAGIC) {
            throw corrupt(file, String.format("bad magic 0x%08x", buf.getInt(0)));
        }
        if (buf.getInt(4) != VERSION) {
            throw corrupt(file, "unsupported version " + buf.getInt(4));
        }
        int length = buf.getInt(8);
        if (length < 0 || length != raw.length - OVERHEAD_BYTES) {
            throw corrupt(file, "content length " + length + " does not match file size " + raw.length);
        }
        CRC32C crc = new CRC32C();
        crc.update(raw, 0, HEADER_BYTES + length);
        int stored = buf.getInt(HEADER_BYTES + length);
        if (stored != (int) crc.getValue()) {
            throw corrupt(file, String.format("checksum mismatch (stored 0x%08x, computed 0x%08x)",
                    stored, (int) crc.getValue()));
        }
        byte[] content = new byte[length];
        System.arraycopy(raw, HEADER_BYTES, content, 0, length);
        return Optional.of(content);
    }

    public static Optional<Properties> readProperties(Disk disk, Path file) throws IOException {
        Optional<byte[]> raw = read(disk, file);
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        Properties props = new Properties();
        props.load(new ByteArrayInputStream(raw.get()));
        return Optional.of(props);
    }

    private static IOException corrupt(Path file, String why) {
        return new IOException("State file " + file + " is corrupt: " + why
                + "; refusing to guess its content (restore it or rebuild this server's data directory)");
    }
}
