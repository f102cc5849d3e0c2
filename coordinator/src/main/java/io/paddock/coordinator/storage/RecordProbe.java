package io.paddock.coordinator.storage;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * What lies at one offset of a segment: a checksummed record, the end of the log, or a bad record
 * with the reason. Recovery and readers share it so both apply exactly the same validity rules.
 */
final class RecordProbe {
    enum Kind { RECORD, END, BAD }

    private final Kind kind;
    private final long offset;
    private final int bodyLength;
    private final long zxid;
    private final String problem;

    private RecordProbe(Kind kind, long offset, int bodyLength, long zxid, String problem) {
        this.kind = kind;
        this.offset = offset;
        this.bodyLength = bodyLength;
        this.zxid = zxid;
        this.problem = problem;
    }

    static RecordProbe at(FileWindow window, long pos, int maxEntryBytes) throws IOException {
        long limit = window.limit();
        long remaining = limit - pos;
        if (remaining <= 0) {
            return new RecordProbe(Kind.END, pos, 0, 0, null);
        }
        if (remaining < Integer.BYTES) {
            return window.nextNonZero(pos) < 0
                    ? new RecordProbe(Kind.END, pos, 0, 0, null)
                    : bad(pos, "record length field cut off by end of file");
        }
        int length = window.load(pos, Integer.BYTES).getInt(0);
        if (length == 0) {
            return new RecordProbe(Kind.END, pos, 0, 0, null);
        }
        if (length < LogFormat.MIN_BODY_BYTES || length > LogFormat.maxBodyBytes(maxEntryBytes)) {
            return bad(pos, "impossible record length " + length);
        }
        long end = pos + LogFormat.RECORD_HEADER_BYTES + length;
        if (end > limit) {
            return bad(pos, "record of " + length + " bytes extends beyond end of file at " + limit);
        }
        ByteBuffer rec = window.load(pos, LogFormat.RECORD_HEADER_BYTES + length);
        int stored = rec.getInt(Integer.BYTES);
        int computed = LogFormat.checksum(rec, length);
        if (stored != computed) {
            return bad(pos, String.format("checksum mismatch (stored 0x%08x, computed 0x%08x)", stored, computed));
        }
        return new RecordProbe(Kind.RECORD, pos, length, rec.getLong(LogFormat.RECORD_HEADER_BYTES), null);
    }

    private static RecordProbe bad(long pos, String problem) {
        return new RecordProbe(Kind.BAD, pos, 0, 0, problem);
    }

    /**
     * Offset of the first record at or after {@code from} that checksums and continues the zxid
     * order, or -1. Deciding "torn tail" versus "corruption in the middle" rests on this: damage
     * followed by a valid record cannot be a torn final write.
     */
    static long findValidRecord(FileWindow window, long from, long lastGoodZxid, int maxEntryBytes)
            throws IOException {
        long minRecord = LogFormat.RECORD_HEADER_BYTES + LogFormat.MIN_BODY_BYTES;
        long pos = from;
        while (window.limit() - pos >= minRecord) {
            long nonZero = window.nextNonZero(pos);
            if (nonZero < 0) {
                return -1;
            }
            // A record's length is >= 8, so one of its four length bytes is non-zero: none can
            // start more than three bytes before the next non-zero byte.
            pos = Math.max(pos, nonZero - (Integer.BYTES - 1));
            if (window.limit() - pos < minRecord) {
                return -1;
            }
            if (plausible(window, pos, lastGoodZxid, maxEntryBytes)) {
                RecordProbe probe = at(window, pos, maxEntryBytes);
                if (probe.kind == Kind.RECORD && probe.zxid > lastGoodZxid) {
                    return pos;
                }
            }
            pos++;
        }
        return -1;
    }

    /** Cheap filter before the checksum, so scanning garbage costs little per byte. */
    private static boolean plausible(FileWindow window, long pos, long lastGoodZxid, int maxEntryBytes)
            throws IOException {
        ByteBuffer head = window.load(pos, LogFormat.RECORD_HEADER_BYTES + LogFormat.ZXID_BYTES);
        int length = head.getInt(0);
        return length >= LogFormat.MIN_BODY_BYTES
                && length <= LogFormat.maxBodyBytes(maxEntryBytes)
                && pos + LogFormat.RECORD_HEADER_BYTES + length <= window.limit()
                && head.getLong(LogFormat.RECORD_HEADER_BYTES) > lastGoodZxid;
    }

    /**
     * True when the record at {@code pos} checksums under any length that fits the file: such a
     * record was written whole, so rejecting it for exceeding a (since lowered) size limit must
     * not be mistaken for a torn write.
     */
    static boolean intactIgnoringLimit(FileWindow window, long pos) throws IOException {
        return window.limit() - pos >= LogFormat.RECORD_HEADER_BYTES + LogFormat.MIN_BODY_BYTES
                && at(window, pos, Integer.MAX_VALUE - 2 * LogFormat.RECORD_HEADER_BYTES).kind == Kind.RECORD;
    }

    Kind kind() {
        return kind;
    }

    long zxid() {
        return zxid;
    }

    String problem() {
        return problem;
    }

    long nextOffset() {
        return offset + LogFormat.RECORD_HEADER_BYTES + bodyLength;
    }

    byte[] payload(FileWindow window) throws IOException {
        int payloadLength = bodyLength - LogFormat.ZXID_BYTES;
        byte[] payload = new byte[payloadLength];
        window.load(offset + LogFormat.RECORD_HEADER_BYTES + LogFormat.ZXID_BYTES, payloadLength).get(payload);
        return payload;
    }
}
