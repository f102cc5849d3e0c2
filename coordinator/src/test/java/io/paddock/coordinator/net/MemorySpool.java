package io.paddock.coordinator.net;

import io.paddock.coordinator.zab.SnapshotHandle;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/** A {@link SnapshotSpool} in memory for the peer-link tests: keeps what it is told, in order. */
final class MemorySpool implements SnapshotSpool {
    /** A snapshot received whole: its bytes as they arrived. */
    record Received(long zxid, byte[] bytes) implements SnapshotHandle {
    }

    /** "begin <from> <zxid hex>", "abort <zxid hex>", "finish <zxid hex> <bytes>". */
    final LinkedBlockingQueue<String> events = new LinkedBlockingQueue<>();
    /** Bytes written to snapshots being received, all told (for progress checks). */
    final AtomicLong bytesWritten = new AtomicLong();
    /** While set, every write fails with this message (a full disk). */
    volatile String failWrites;

    @Override
    public Incoming begin(long from, long zxid) {
        events.add("begin " + from + " " + Long.toHexString(zxid));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        return new Incoming() {
            @Override
            public void write(byte[] b, int off, int len) throws java.io.IOException {
                if (failWrites != null) {
                    throw new java.io.IOException(failWrites);
                }
                bytes.write(b, off, len);
                bytesWritten.addAndGet(len);
            }

            @Override
            public SnapshotHandle finish() {
                events.add("finish " + Long.toHexString(zxid) + " " + bytes.size());
                return new Received(zxid, bytes.toByteArray());
            }

            @Override
            public void abort() {
                events.add("abort " + Long.toHexString(zxid));
            }
        };
    }
}
