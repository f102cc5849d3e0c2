package io.paddock.coordinator.storage;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A snapshot file whose checksum was verified when it was handed out, so readers of the body need
 * no checks of their own.
 */
public final class Snapshot {
    private static final int READ_BUFFER_BYTES = 256 * 1024;

    private final long zxid;
    private final Path path;
    private final long bodyBytes;

    Snapshot(long zxid, Path path, long bodyBytes) {
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
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
        try {
            ch.position(SnapshotFormat.HEADER_BYTES);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        return new DataInputStream(new BufferedInputStream(
                new LimitedInputStream(Channels.newInputStream(ch), bodyBytes), READ_BUFFER_BYTES));
    }

    @Override
    public String toString() {
        return "Snapshot[" + path + ", zxid 0x" + Long.toHexString(zxid) + "]";
    }
}
