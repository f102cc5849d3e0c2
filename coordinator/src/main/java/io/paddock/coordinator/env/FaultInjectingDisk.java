package io.paddock.coordinator.env;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A {@link Disk} whose fsyncs stall or fail while a trigger file exists: the process tests' way of
 * making one server's disk freeze or break, where the machine offers no real way (fsfreeze needs
 * root and a loop device). Enabled only by the test-only configuration keys
 * {@code paddock.faultInjection.fsyncStallFile} and {@code paddock.faultInjection.fsyncFailFile}.
 */
public final class FaultInjectingDisk implements Disk {
    private static final long POLL_MILLIS = 10;

    private final Disk disk;
    private final Path stallWhileExists;
    private final Path failWhileExists;

    /** Either trigger may be null. */
    public FaultInjectingDisk(Disk disk, Path stallWhileExists, Path failWhileExists) {
        this.disk = disk;
        this.stallWhileExists = stallWhileExists;
        this.failWhileExists = failWhileExists;
    }

    /** Blocks while the stall trigger exists, then fails if the failure trigger exists. */
    private void beforeSync() throws IOException {
        while (stallWhileExists != null && Files.exists(stallWhileExists)) {
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted in a stalled fsync");
            }
        }
        if (failWhileExists != null && Files.exists(failWhileExists)) {
            throw new IOException("injected fsync failure (" + failWhileExists + " exists)");
        }
    }

    @Override
    public DiskFile open(Path file, Mode mode) throws IOException {
        DiskFile f = disk.open(file, mode);
        return new DiskFile() {
            @Override
            public int read(ByteBuffer dst, long position) throws IOException {
                return f.read(dst, position);
            }

            @Override
            public void write(ByteBuffer src, long position) throws IOException {
                f.write(src, position);
            }

            @Override
            public long size() throws IOException {
                return f.size();
            }

            @Override
            public void truncate(long size) throws IOException {
                f.truncate(size);
            }

            @Override
            public void force(boolean metadata) throws IOException {
                beforeSync();
                f.force(metadata);
            }

            @Override
            public void close() throws IOException {
                f.close();
            }
        };
    }

    @Override
    public List<Path> list(Path dir) throws IOException {
        return disk.list(dir);
    }

    @Override
    public boolean isRegularFile(Path path) {
        return disk.isRegularFile(path);
    }

    @Override
    public boolean isDirectory(Path path) {
        return disk.isDirectory(path);
    }

    @Override
    public void createDirectories(Path dir) throws IOException {
        disk.createDirectories(dir);
    }

    @Override
    public void delete(Path file) throws IOException {
        disk.delete(file);
    }

    @Override
    public void replace(Path from, Path to) throws IOException {
        disk.replace(from, to);
    }

    @Override
    public void syncDirectory(Path dir) throws IOException {
        beforeSync();
        disk.syncDirectory(dir);
    }

    @Override
    public long size(Path file) throws IOException {
        return disk.size(file);
    }

    @Override
    public long changeStamp(Path file) throws IOException {
        return disk.changeStamp(file);
    }
}
