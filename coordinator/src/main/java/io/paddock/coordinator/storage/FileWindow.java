package io.paddock.coordinator.storage;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import io.paddock.coordinator.env.DiskFile;

/**
 * Random-access reads over the first {@code limit} bytes of a file through one reusable buffer.
 *
 * <p>Recovery and readers step through records of arbitrary size and sometimes scan byte by byte;
 * a window keeps that to few system calls without mapping or loading whole segments (which can be
 * hundreds of MiB with preallocation).
 */
final class FileWindow {
    private final DiskFile channel;
    private final long limit;
    private final byte[] buffer;
    private long start;
    private int filled;

    FileWindow(DiskFile channel, long limit, int capacity) {
        this.channel = channel;
        this.limit = limit;
        this.buffer = new byte[capacity];
    }

    long limit() {
        return limit;
    }

    /**
     * A buffer whose index 0 is file offset {@code pos} and that holds {@code len} bytes. It stays
     * valid only until the next call, which may refill the shared buffer.
     */
    ByteBuffer load(long pos, int len) throws IOException {
        if (pos < 0 || len < 0 || pos + len > limit) {
            throw new IllegalArgumentException("range " + pos + "+" + len + " outside window of " + limit);
        }
        if (pos >= start && pos + len <= start + filled) {
            return ByteBuffer.wrap(buffer, (int) (pos - start), len).slice();
        }
        if (len > buffer.length) {
            byte[] large = new byte[len];
            readFully(large, len, pos);
            return ByteBuffer.wrap(large);
        }
        int n = (int) Math.min(buffer.length, limit - pos);
        filled = 0;
        readFully(buffer, n, pos);
        start = pos;
        filled = n;
        return ByteBuffer.wrap(buffer, 0, len).slice();
    }

    /** Offset of the first non-zero byte at or after {@code from}, or -1 when only zeros remain. */
    long nextNonZero(long from) throws IOException {
        long pos = from;
        while (pos < limit) {
            int n = (int) Math.min(buffer.length, limit - pos);
            ByteBuffer chunk = load(pos, n);
            for (int i = 0; i < n; i++) {
                if (chunk.get(i) != 0) {
                    return pos + i;
                }
            }
            pos += n;
        }
        return -1;
    }

    private void readFully(byte[] dst, int len, long pos) throws IOException {
        ByteBuffer target = ByteBuffer.wrap(dst, 0, len);
        while (target.hasRemaining()) {
            int read = channel.read(target, pos + target.position());
            if (read < 0) {
                throw new EOFException("file shrank while reading at offset " + (pos + target.position()));
            }
        }
    }
}
