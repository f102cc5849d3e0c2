package io.paddock.coordinator.env;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/** An open file with positional I/O, as {@code FileChannel} offers it. Not thread-safe. */
public interface DiskFile extends Closeable {
    /** Reads into {@code dst} from {@code position}; returns the bytes read, or -1 at end of file. */
    int read(ByteBuffer dst, long position) throws IOException;

    /** Writes all of {@code src} at {@code position}. */
    void write(ByteBuffer src, long position) throws IOException;

    long size() throws IOException;

    /** Drops everything from {@code size} on. */
    void truncate(long size) throws IOException;

    /** fsync: what was written is durable on return ({@code metadata}: the size too). */
    void force(boolean metadata) throws IOException;

    /** Reads exactly {@code dst.remaining()} bytes from {@code position}. */
    default void readFully(ByteBuffer dst, long position) throws IOException {
        long pos = position;
        while (dst.hasRemaining()) {
            int n = read(dst, pos);
            if (n < 0) {
                throw new EOFException("end of file at offset " + pos);
            }
            pos += n;
        }
    }

    /** A stream over {@code [from, from + length)}; closing it does not close the file. */
    default InputStream inputStream(long from, long length) {
        DiskFile file = this;
        return new InputStream() {
            private long pos = from;
            private final long end = from + length;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                if (pos >= end) {
                    return -1;
                }
                int want = (int) Math.min(len, end - pos);
                int n = file.read(ByteBuffer.wrap(b, off, want), pos);
                if (n > 0) {
                    pos += n;
                }
                return n;
            }
        };
    }

    /** A stream appending from offset 0; closing it does not close the file. */
    default OutputStream outputStream() {
        DiskFile file = this;
        return new OutputStream() {
            private long pos;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                file.write(ByteBuffer.wrap(b, off, len), pos);
                pos += len;
            }
        };
    }
}
