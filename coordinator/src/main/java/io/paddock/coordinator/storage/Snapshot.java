package io.paddock.coordinator.storage;

import io.paddock.coordinator.env.Disk;
import io.paddock.coordinator.env.DiskFile;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A snapshot file whose checksum was verified when it was handed out, so readers of the body need
 * no checks of their own.
 */
public final class Snapshot {
    private static final int READ_BUFFER_BYTES = 256 * 1024;

    private final Disk disk;
    private final long zxid;
    private final Path path;
    private final long bodyBytes;

    Snapshot(Disk disk, long zxid, Path path, long bodyBytes) {
        this.disk = disk;
        this.zxid = zxid;
        this.path = path;
        this.bodyBytes = bodyBytes;
    }

    public long zxid() {
        return zxid;
    }

    public Path path() {
        return path;
    }

    public long bodyBytes() {
        return bodyBytes;
    }

    /** A fresh stream over the body only; the caller closes it. */
    public DataInputStream open() throws IOException {
        DiskFile file = disk.open(path, Disk.Mode.READ);
        FilterInputStream body = new FilterInputStream(file.inputStream(SnapshotFormat.HEADER_BYTES, bodyBytes)) {
            @Override
            public void close() throws IOException {
                file.close();
            }
        };
        return new DataInputStream(new BufferedInputStream(body, READ_BUFFER_BYTES));
    }

    @Override
    public String toString() {
        return "Snapshot[" + path + ", zxid 0x" + Long.toHexString(zxid) + "]";
    }
}
