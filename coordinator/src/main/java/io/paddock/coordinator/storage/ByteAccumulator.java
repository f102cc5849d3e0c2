package io.paddock.coordinator.storage;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Growable buffer for records waiting for the next group commit. Unlike ByteArrayOutputStream it
 * is unsynchronized and hands out a view instead of a copy, since it sits on the write hot path.
 */
final class ByteAccumulator {
    private byte[] bytes = new byte[4096];
    private int size;

    void append(byte[] data) {
        if (size + data.length > bytes.length) {
            long wanted = Math.max((long) bytes.length * 2, (long) size + data.length);
            if (wanted > Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("group commit batch exceeds 2 GiB; sync more often");
            }
            bytes = Arrays.copyOf(bytes, (int) wanted);
        }
        System.arraycopy(data, 0, bytes, size, data.length);
        size += data.length;
    }

    int size() {
        return size;
    }

    ByteBuffer view() {
        return ByteBuffer.wrap(bytes, 0, size);
    }
}
