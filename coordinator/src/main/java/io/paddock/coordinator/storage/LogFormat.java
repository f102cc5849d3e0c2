package io.paddock.coordinator.storage;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Byte layout of a log segment. Kept in one place so the writer, recovery and readers cannot
 * disagree about it.
 */
final class LogFormat {
    /** "PDKL": lets recovery tell a Paddock segment from a stray or foreign file. */
    static final int MAGIC = 0x50444B4C;
    static final int VERSION = 1;
    /** magic + version + reserved long, reserved so a later version can add a field without moving records. */
    static final int HEADER_BYTES = 16;
    /** int length + int crc. */
    static final int RECORD_HEADER_BYTES = 8;
    static final int ZXID_BYTES = Long.BYTES;
    /** Smallest body: a zxid and an empty payload. */
    static final int MIN_BODY_BYTES = ZXID_BYTES;
    static final String SEGMENT_PREFIX = "log.";

    private LogFormat() {
    }

    static ByteBuffer header() {
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES);
        b.putInt(MAGIC).putInt(VERSION).putLong(0L).flip();
        return b;
    }

    static int recordBytes(int payloadLength) {
        return RECORD_HEADER_BYTES + ZXID_BYTES + payloadLength;
    }

    static long maxBodyBytes(int maxEntryBytes) {
        return (long) ZXID_BYTES + maxEntryBytes;
    }

    /**
     * The checksum covers the length field too, so a flipped length bit is caught as a checksum
     * error instead of silently reframing every later record.
     *
     * @param record buffer whose index 0 is the record's length field and which holds the whole record
     */
    static int checksum(ByteBuffer record, int bodyLength) {
        CRC32C crc = new CRC32C();
        crc.update(record.duplicate().position(0).limit(Integer.BYTES));
        crc.update(record.duplicate().position(RECORD_HEADER_BYTES).limit(RECORD_HEADER_BYTES + bodyLength));
        return (int) crc.getValue();
    }

    /** Appends one encoded record to {@code out}. */
    static void encode(long zxid, byte[] payload, ByteAccumulator out) {
        int bodyLength = ZXID_BYTES + payload.length;
        ByteBuffer rec = ByteBuffer.allocate(RECORD_HEADER_BYTES + bodyLength);
        rec.putInt(bodyLength).putInt(0).putLong(zxid).put(payload);
        rec.putInt(Integer.BYTES, checksum(rec, bodyLength));
        out.append(rec.array());
    }
}
