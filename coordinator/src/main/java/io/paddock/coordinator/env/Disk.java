package io.paddock.coordinator.env;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * The file operations storage needs, and no more: positional reads and writes, fsync, truncation,
 * directory listing, atomic rename and directory fsync. Production uses the local file system
 * ({@link #local()}); the simulator keeps files in memory, loses what was not fsynced when a
 * server crashes (possibly leaving a torn prefix), and can make fsync slow, hang or fail.
 *
 * <p>Paths are names only: the simulator never touches the real file system through them.
 */
public interface Disk {
    /** How a file is opened. */
    enum Mode {
        /** An existing file, read only. */
        READ,
        /** An existing file, read and write. */
        READ_WRITE,
        /** A new file (fails if it exists), read and write. */
        CREATE_NEW,
        /** Creates the file or empties an existing one, read and write. */
        CREATE_OR_TRUNCATE
    }

    /** @throws NoSuchFileException when the mode needs an existing file and there is none */
    DiskFile open(Path file, Mode mode) throws IOException;

    /** Entries of {@code dir} (files and directories), in no particular order. */
    List<Path> list(Path dir) throws IOException;

    boolean isRegularFile(Path path);

    boolean isDirectory(Path path);

    void createDirectories(Path dir) throws IOException;

    /** @throws NoSuchFileException when there is no such file */
    void delete(Path file) throws IOException;

    default boolean deleteIfExists(Path file) throws IOException {
        try {
            delete(file);
            return true;
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    /** Renames {@code from} over {@code to} atomically: readers see the old or the new file, never a mix. */
    void replace(Path from, Path to) throws IOException;

    /** Makes the directory's entries (creations, renames, deletions) durable. */
    void syncDirectory(Path dir) throws IOException;

    /** Size in bytes. @throws NoSuchFileException when there is no such file */
    long size(Path file) throws IOException;

    /**
     * A value that changes whenever the file's content may have changed (a modification time, or
     * a version counter), for caches of expensive checks. @throws NoSuchFileException
     */
    long changeStamp(Path file) throws IOException;

    /** The whole file. @throws NoSuchFileException when there is no such file */
    default byte[] readAll(Path file) throws IOException {
        try (DiskFile f = open(file, Mode.READ)) {
            long size = f.size();
            if (size > Integer.MAX_VALUE - 8) {
                throw new IOException(file + " is too large to read whole (" + size + " bytes)");
            }
            ByteBuffer buf = ByteBuffer.allocate((int) size);
            while (buf.hasRemaining()) {
                if (f.read(buf, buf.position()) < 0) {
                    break;
                }
            }
            byte[] out = new byte[buf.position()];
            buf.flip().get(out);
            return out;
        }
    }

    /** The local file system through {@code FileChannel}. */
    static Disk local() {
        return LocalDisk.INSTANCE;
    }
}
