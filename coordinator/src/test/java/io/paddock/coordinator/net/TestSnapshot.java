package io.paddock.coordinator.net;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An {@link OutgoingSnapshot} for the peer-link tests: {@code size} bytes that depend on their
 * offset (so any loss, duplication or reordering shows), generated as they are written (no copy in
 * memory), optionally held at an offset until the test opens a gate (a slow or stuck writer). It
 * records the thread that wrote it and whether it was released.
 */
final class TestSnapshot implements OutgoingSnapshot {
    private final long zxid;
    private final long size;
    private final long gateAt;
    final CountDownLatch gate = new CountDownLatch(1);
    /** Counted down when the writer reaches the gate. */
    final CountDownLatch atGate = new CountDownLatch(1);
    final CountDownLatch released = new CountDownLatch(1);
    volatile String writerThread;
    volatile int releases;

    /** {@code gateAt} < 0: no gate. */
    TestSnapshot(long zxid, long size, long gateAt) {
        this.zxid = zxid;
        this.size = size;
        this.gateAt = gateAt;
    }

    static byte byteAt(long zxid, long offset) {
        return (byte) (offset * 31 + (offset >>> 11) + zxid);
    }

    /** The bytes this snapshot writes (for comparing what arrived). */
    byte[] expected() {
        byte[] b = new byte[Math.toIntExact(size)];
        for (int i = 0; i < b.length; i++) {
            b[i] = byteAt(zxid, i);
        }
        return b;
    }

    @Override
    public long zxid() {
        return zxid;
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
        writerThread = Thread.currentThread().getName();
        byte[] buf = new byte[8192];
        long off = 0;
        while (off < size) {
            if (off == gateAt) {
                atGate.countDown();
                try {
                    if (!gate.await(60, TimeUnit.SECONDS)) {
                        throw new IOException("the test never opened the gate");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException();
                }
            }
            long end = gateAt > off ? Math.min(size, gateAt) : size;
            int n = (int) Math.min(buf.length, end - off);
            for (int i = 0; i < n; i++) {
                buf[i] = byteAt(zxid, off + i);
            }
            out.write(buf, 0, n);
            off += n;
        }
    }

    @Override
    public synchronized void release() {
        releases++;
        released.countDown();
    }

    boolean releasedWithin(long seconds) throws InterruptedException {
        return released.await(seconds, TimeUnit.SECONDS);
    }
}
