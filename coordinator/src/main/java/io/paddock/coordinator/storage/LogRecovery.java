package io.paddock.coordinator.storage;

import io.paddock.coordinator.env.Disk;
import io.paddock.coordinator.env.DiskFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates every segment at open and repairs exactly one kind of damage: a torn final write.
 *
 * <p>The writer fsyncs a segment before it creates the next one, so only the last segment can end
 * in a write that was cut short. Damage there with nothing valid after it is dropped (it was never
 * acknowledged). Damage anywhere else, or damage followed by a valid record, could be committed
 * data, so recovery throws {@link CorruptLogException} instead of guessing.
 */
final class LogRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(LogRecovery.class);
    private static final int WINDOW_BYTES = 1024 * 1024;

    /** Surviving segments, the last zxid on disk, and where the last segment's records end. */
    record Result(List<SegmentFile> segments, long lastZxid, long endOffset) {
    }

    private final Disk disk;
    private final Path dir;
    private final TxnLogOptions options;
    private final List<SegmentFile> kept = new ArrayList<>();
    private long lastGoodZxid;
    private long lastEndOffset;

    private LogRecovery(Disk disk, Path dir, TxnLogOptions options) {
        this.disk = disk;
        this.dir = dir;
        this.options = options;
    }

    static Result run(Disk disk, Path dir, TxnLogOptions options) throws IOException {
        return new LogRecovery(disk, dir, options).recover();
    }

    private Result recover() throws IOException {
        List<SegmentFile> segments = SegmentFiles.list(disk, dir);
        for (int i = 0; i < segments.size(); i++) {
            recoverSegment(segments.get(i), i == segments.size() - 1);
        }
        return new Result(List.copyOf(kept), lastGoodZxid, lastEndOffset);
    }

    private void recoverSegment(SegmentFile seg, boolean last) throws IOException {
        long end = -1;
        try (DiskFile ch = disk.open(seg.path(), Disk.Mode.READ_WRITE)) {
            FileWindow window = new FileWindow(ch, ch.size(), WINDOW_BYTES);
            if (headerPresent(window, seg, last)) {
                end = recoverRecords(window, ch, seg, last);
            }
        }
        if (end < 0) {
            deleteTornSegment(seg.path(), "segment header is incomplete");
        } else if (end == LogFormat.HEADER_BYTES && last) {
            deleteTornSegment(seg.path(), "segment holds no complete record");
        } else {
            kept.add(seg);
            lastEndOffset = end;
        }
    }

    /** Validates records, repairs a torn tail and returns where the valid records end. */
    private long recoverRecords(FileWindow window, DiskFile ch, SegmentFile seg, boolean last) throws IOException {
        long pos = LogFormat.HEADER_BYTES;
        RecordProbe probe;
        while ((probe = RecordProbe.at(window, pos, options.maxEntryBytes())).kind() == RecordProbe.Kind.RECORD) {
            checkOrder(seg, pos, probe.zxid(), pos == LogFormat.HEADER_BYTES);
            lastGoodZxid = probe.zxid();
            pos = probe.nextOffset();
        }
        if (probe.kind() == RecordProbe.Kind.BAD) {
            repairTornRecord(window, ch, seg, pos, last, probe.problem());
        } else {
            checkAfterEnd(window, ch, seg, pos, last);
        }
        return pos;
    }

    /** False for a torn header of the last segment; throws for any other bad header. */
    private boolean headerPresent(FileWindow window, SegmentFile seg, boolean last) throws IOException {
        long size = window.limit();
        long firstNonZero = size >= LogFormat.HEADER_BYTES ? window.nextNonZero(0) : 0;
        boolean zeroHeader = size >= LogFormat.HEADER_BYTES
                && (firstNonZero < 0 || firstNonZero >= LogFormat.HEADER_BYTES);
        if (size < LogFormat.HEADER_BYTES || zeroHeader) {
            long valid = RecordProbe.findValidRecord(window, 0, lastGoodZxid, options.maxEntryBytes());
            if (last && valid < 0) {
                return false;
            }
            throw new CorruptLogException(seg.path(), 0, lastGoodZxid, "segment header is missing or zeroed ("
                    + size + " bytes in file)" + (last ? " but a valid record follows at offset " + valid
                    : " and later segments exist"));
        }
        ByteBuffer header = window.load(0, LogFormat.HEADER_BYTES);
        if (header.getInt(0) != LogFormat.MAGIC) {
            throw new CorruptLogException(seg.path(), 0, lastGoodZxid,
                    String.format("bad segment magic 0x%08x, not a Paddock txn log segment", header.getInt(0)));
        }
        if (header.getInt(Integer.BYTES) != LogFormat.VERSION) {
            throw new CorruptLogException(seg.path(), Integer.BYTES, lastGoodZxid,
                    "unsupported segment format version " + header.getInt(Integer.BYTES));
        }
        return true;
    }

    private void checkOrder(SegmentFile seg, long pos, long zxid, boolean first) throws CorruptLogException {
        if (zxid <= lastGoodZxid) {
            throw new CorruptLogException(seg.path(), pos, lastGoodZxid,
                    String.format("zxid 0x%x does not increase", zxid));
        }
        if (first && zxid != seg.firstZxid()) {
            throw new CorruptLogException(seg.path(), pos, lastGoodZxid,
                    String.format("first zxid 0x%x does not match the file name", zxid));
        }
    }

    private void repairTornRecord(FileWindow window, DiskFile ch, SegmentFile seg, long pos, boolean last,
                                  String problem) throws IOException {
        if (!last) {
            throw new CorruptLogException(seg.path(), pos, lastGoodZxid, problem + " in a segment followed by later segments");
        }
        if (RecordProbe.intactIgnoringLimit(window, pos)) {
            throw new CorruptLogException(seg.path(), pos, lastGoodZxid, problem + " although the record's checksum"
                    + " is valid; it exceeds maxEntryBytes " + options.maxEntryBytes() + ", so raise that limit");
        }
        long valid = RecordProbe.findValidRecord(window, pos + 1, lastGoodZxid, options.maxEntryBytes());
        if (valid >= 0) {
            throw new CorruptLogException(seg.path(), pos, lastGoodZxid,
                    problem + ", and a valid record follows at offset " + valid);
        }
        LOG.warn("Txn log {}: torn write at byte offset {} ({}); truncating the log after zxid 0x{}",
                seg.path(), pos, problem, Long.toHexString(lastGoodZxid));
        truncate(ch, pos);
    }

    /**
     * A zero length ends the log, but a zeroed record header in the middle would also read as the
     * end; a valid record after it exposes that, and committed records must not vanish that way.
     */
    private void checkAfterEnd(FileWindow window, DiskFile ch, SegmentFile seg, long pos, boolean last)
            throws IOException {
        if (pos >= window.limit()) {
            return;
        }
        long valid = RecordProbe.findValidRecord(window, pos + 1, lastGoodZxid, options.maxEntryBytes());
        if (valid >= 0) {
            throw new CorruptLogException(seg.path(), pos, lastGoodZxid,
                    "zero record length (end of log) but a valid record follows at offset " + valid);
        }
        if (last && window.nextNonZero(pos) >= 0) {
            LOG.warn("Txn log {}: non-zero bytes after the last record at byte offset {}; truncating them",
                    seg.path(), pos);
            truncate(ch, pos);
        }
    }

    private void truncate(DiskFile ch, long pos) throws IOException {
        ch.truncate(pos);
        if (options.forceSync()) {
            ch.force(true);
        }
    }

    private void deleteTornSegment(Path path, String why) throws IOException {
        LOG.warn("Txn log {}: {} (torn write at the tail); deleting the segment", path, why);
        disk.delete(path);
        if (options.forceSync()) {
            FileSync.directory(disk, dir);
        }
    }
}
