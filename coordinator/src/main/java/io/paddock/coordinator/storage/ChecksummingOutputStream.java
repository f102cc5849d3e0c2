package io.paddock.coordinator.storage;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.CRC32C;

/**
 * Checksums and counts bytes on their way out. The count is a long because DataOutputStream's own
 * counter is an int and large trees produce snapshots beyond 2 GiB. {@link #close()} only flushes,
 * so a body writer that closes its stream cannot cut the trailer off.
 */
final class ChecksummingOutputStream extends FilterOutputStream {
    private final CRC32C crc = new CRC32C();
    private long count;

    ChecksummingOutputStream(OutputStream out) {
        super(out);
    }

    @Override
    public void write(int b) throws IOException {
        out.write(b);
        crc.update(b);
        count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        crc.update(b, off, len);
        count += len;
    }

    @Override
    public void close() throws IOException {
        flush();
    }

    int checksum() {
        return (int) crc.getValue();
    }

    long count() {
        return count;
    }
}
