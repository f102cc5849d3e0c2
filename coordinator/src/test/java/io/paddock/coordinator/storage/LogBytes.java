package io.paddock.coordinator.storage;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/** Test-side reimplementation of the segment format, independent of the production encoder. */
final class LogBytes {
    static final int HEADER = 16;

    private LogBytes() {
    }

    static byte[] header() {
        return ByteBuffer.allocate(HEADER).put(new byte[] {'P', 'D', 'K', 'L'}).putInt(1).putLong(0).array();
    }

    static byte[] record(long zxid, byte[] payload) {
        int length = 8 + payload.length;
        ByteBuffer b = ByteBuffer.allocate(8 + length);
        b.putInt(length).putInt(0).putLong(zxid).put(payload);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, 4);
        crc.update(b.array(), 8, length);
        b.putInt(4, (int) crc.getValue());
        return b.array();
    }

    static int recordSize(int payloadLength) {
        return 16 + payloadLength;
    }

    /** Deterministic payload whose bytes depend on the zxid, so misplaced entries are caught. */
    static byte[] payload(long zxid, int length) {
        byte[] p = new byte[length];
        for (int i = 0; i < length; i++) {
            p[i] = (byte) (zxid * 31 + i * 7 + 1);
        }
        return p;
    }

    /** [start, end) of each record in a healthy segment. */
    static List<long[]> recordSpans(Path segment) throws IOException {
        byte[] bytes = Files.readAllBytes(segment);
        ByteBuffer b = ByteBuffer.wrap(bytes);
        List<long[]> spans = new ArrayList<>();
        int pos = HEADER;
        while (pos + 4 <= bytes.length) {
            int len = b.getInt(pos);
            if (len == 0) {
                break;
            }
            spans.add(new long[] {pos, pos + 8L + len});
            pos += 8 + len;
        }
        return spans;
    }

    static void flipByte(Path file, long offset) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(offset);
            int b = raf.read();
            raf.seek(offset);
            raf.write(b ^ 0x5A);
        }
    }

    static void writeAt(Path file, long offset, byte[] data) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(offset);
            raf.write(data);
        }
    }

    static void zero(Path file, long from, long to) throws IOException {
        writeAt(file, from, new byte[(int) (to - from)]);
    }

    static void truncate(Path file, long size) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(size);
        }
    }

    static String segmentName(long zxid) {
        return String.format("log.%016x", zxid);
    }
}
