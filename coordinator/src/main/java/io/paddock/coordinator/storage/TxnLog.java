package io.paddock.coordinator.storage;

import io.paddock.coordinator.env.Disk;
import io.paddock.coordinator.env.DiskFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The txn log: entries {@code (zxid, payload)} in segment files of one directory.
 *
 * <p><b>Threading.</b> Not thread-safe: one log-writer thread owns the instance and makes every
 * call, including {@link #purgeBefore} and {@link #truncateAfter}. The iterator returned by
 * {@link #readFrom} may be consumed on another thread while the owner keeps appending, syncing and
 * purging, because it reads only bytes synced before it was created and holds its files open. It
 * must be closed before the owner calls {@link #truncateAfter}, which rewrites synced bytes.
 *
 * <p><b>Durability.</b> {@link #append} only buffers; {@link #sync} writes the batch and fsyncs it
 * once (group commit). A segment is fsynced before the next one is created, so only the last
 * segment can hold a torn write, which is what lets recovery tell a torn tail from corruption.
 * After an I/O error the log refuses further writes: what reached the disk is unknown until
 * recovery reads it back, so the server must restart.
 *
 * <p>Zxids are opaque, strictly increasing and positive; 0 stands for "no entry".
 */
public final class TxnLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TxnLog.class);
    private static final int TRUNCATE_WINDOW_BYTES = 64 * 1024;

    /** Records waiting for the next sync; a new segment starts at {@code newSegment}'s zxid. */
    private static final class Batch {
        final SegmentFile newSegment;
        final ByteAccumulator bytes = new ByteAccumulator();

        Batch(SegmentFile newSegment) {
            this.newSegment = newSegment;
        }
    }

    private final Disk disk;
    private final Path dir;
    private final TxnLogOptions options;
    private final List<SegmentFile> segments;
    private final List<Batch> pending = new ArrayList<>();
    private SegmentWriter writer;
    private long lastZxid;
    private long lastSyncedZxid;
    /** Size of the segment that receives appends, counting buffered records; 0 when there is none. */
    private long appendSegmentBytes;
    private boolean rollRequested;
    private IOException failure;
    private boolean closed;

    private TxnLog(Disk disk, Path dir, TxnLogOptions options, LogRecovery.Result recovered) throws IOException {
        this.disk = disk;
        this.dir = dir;
        this.options = options;
        this.segments = new ArrayList<>(recovered.segments());
        this.lastZxid = recovered.lastZxid();
        this.lastSyncedZxid = recovered.lastZxid();
        if (!segments.isEmpty()) {
            writer = SegmentWriter.resume(disk, lastSegment(), recovered.endOffset(), options.preAllocBytes());
            appendSegmentBytes = writer.position();
        }
    }

    public static TxnLog open(Disk disk, Path dir, long preAllocBytes, boolean forceSync, long segmentTargetBytes)
            throws IOException {
        return open(disk, dir, new TxnLogOptions(preAllocBytes, forceSync, segmentTargetBytes,
                TxnLogOptions.DEFAULT_MAX_ENTRY_BYTES));
    }

    /** Creates the directory if needed, recovers it (see {@link LogRecovery}) and positions for appending. */
    public static TxnLog open(Disk disk, Path dir, TxnLogOptions options) throws IOException {
        disk.createDirectories(dir);
        LogRecovery.Result recovered = LogRecovery.run(disk, dir, options);
        TxnLog log = new TxnLog(disk, dir, options, recovered);
        LOG.info("Opened txn log {}: {} segments, last zxid 0x{}", dir, recovered.segments().size(),
                Long.toHexString(recovered.lastZxid()));
        return log;
    }

    /**
     * Buffers an entry for the next {@link #sync()}.
     *
     * @throws IllegalArgumentException if {@code zxid <= lastZxid()} or the payload exceeds maxEntryBytes
     */
    public void append(long zxid, byte[] payload) throws IOException {
        checkWritable();
        if (zxid <= lastZxid) {
            throw new IllegalArgumentException(String.format(
                    "zxid 0x%x does not follow last zxid 0x%x", zxid, lastZxid));
        }
        if (payload.length > options.maxEntryBytes()) {
            throw new IllegalArgumentException("payload of " + payload.length
                    + " bytes exceeds maxEntryBytes " + options.maxEntryBytes());
        }
        if (appendSegmentBytes == 0 || rollRequested || appendSegmentBytes >= options.segmentTargetBytes()) {
            pending.add(new Batch(SegmentFile.in(dir, zxid)));
            appendSegmentBytes = LogFormat.HEADER_BYTES;
            rollRequested = false;
        } else if (pending.isEmpty()) {
            pending.add(new Batch(null));
        }
        LogFormat.encode(zxid, payload, pending.get(pending.size() - 1).bytes);
        appendSegmentBytes += LogFormat.recordBytes(payload.length);
        lastZxid = zxid;
    }

    /** Writes buffered entries and, with forceSync, fsyncs them; durable up to {@link #lastZxid()} on return. */
    public void sync() throws IOException {
        checkWritable();
        if (pending.isEmpty()) {
            return;
        }
        try {
            for (Batch batch : pending) {
                if (batch.newSegment != null) {
                    startSegment(batch.newSegment);
                }
                writer.write(batch.bytes.view());
            }
            if (options.forceSync()) {
                writer.force();
            }
        } catch (IOException | RuntimeException e) {
            throw fail(e);
        }
        pending.clear();
        lastSyncedZxid = lastZxid;
    }

    /** Makes the next append start a new segment, so that segments before it become purgeable. */
    public void roll() {
        rollRequested = true;
    }

    public long lastZxid() {
        return lastZxid;
    }

    public long lastSyncedZxid() {
        return lastSyncedZxid;
    }

    /** First zxid the log can replay from (of the oldest segment on disk), or 0 when the log is empty. */
    public long firstZxid() {
        return segments.isEmpty() ? 0 : segments.get(0).firstZxid();
    }

    public List<Path> segments() {
        return segments.stream().map(SegmentFile::path).toList();
    }

    /** Synced entries with zxid greater than {@code afterZxid}, in order. See the class comment for threading. */
    public CloseableIterator<LogEntry> readFrom(long afterZxid) throws IOException {
        checkOpen();
        int start = 0;
        for (int i = 0; i < segments.size(); i++) {
            if (segments.get(i).firstZxid() - 1 <= afterZxid) {
                start = i;
            }
        }
        List<LogIterator.Source> sources = new ArrayList<>();
        for (int i = start; i < segments.size(); i++) {
            SegmentFile seg = segments.get(i);
            boolean current = writer != null && writer.segment().equals(seg);
            sources.add(new LogIterator.Source(seg, current ? writer.position() : -1));
        }
        return new LogIterator(disk, sources, afterZxid, lastSyncedZxid, options.maxEntryBytes());
    }

    /**
     * Drops every entry with a zxid greater than {@code zxid} (Zab TRUNC); durable on return.
     * Later segments go first, newest first, so a crash part-way leaves a shorter log, never one
     * with a hole in it.
     */
    public void truncateAfter(long zxid) throws IOException {
        sync();
        if (zxid >= lastZxid) {
            return;
        }
        try {
            closeWriter();
            while (!segments.isEmpty() && lastSegment().firstZxid() > zxid) {
                deleteDurably(segments.remove(segments.size() - 1).path());
            }
            lastZxid = segments.isEmpty() ? 0 : truncateLastSegmentAfter(zxid);
            lastSyncedZxid = lastZxid;
            appendSegmentBytes = writer == null ? 0 : writer.position();
        } catch (IOException | RuntimeException e) {
            throw fail(e);
        }
        LOG.info("Txn log {} truncated after zxid 0x{}", dir, Long.toHexString(zxid));
    }

    /**
     * Deletes segments holding only entries {@code <= zxid}, keeping everything needed to replay
     * from {@code zxid}: a segment goes only when the next one starts at or before {@code zxid + 1}.
     * The last segment is never deleted. Oldest first, so a crash part-way leaves no hole.
     *
     * @return number of segments deleted
     */
    public int purgeBefore(long zxid) throws IOException {
        checkWritable();
        int deleted = 0;
        try {
            while (segments.size() > 1 && segments.get(1).firstZxid() - 1 <= zxid) {
                deleteDurably(segments.remove(0).path());
                deleted++;
            }
        } catch (IOException | RuntimeException e) {
            throw fail(e);
        }
        if (deleted > 0) {
            LOG.info("Txn log {}: purged {} segments before zxid 0x{}", dir, deleted, Long.toHexString(zxid));
        }
        return deleted;
    }

    /** Syncs buffered entries (unless the log failed) and releases the files. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        try {
            if (failure == null) {
                sync();
            }
        } finally {
            closed = true;
            closeWriter();
        }
    }

    private void startSegment(SegmentFile seg) throws IOException {
        if (writer != null) {
            if (options.forceSync()) {
                writer.force();
            }
            writer.trimAndClose();
            writer = null;
        }
        writer = SegmentWriter.create(disk, seg, options.preAllocBytes());
        segments.add(seg);
        if (options.forceSync()) {
            writer.force();
            FileSync.directory(disk, dir);
        }
    }

    /** Cuts the last segment before its first entry above {@code zxid} and resumes writing there. */
    private long truncateLastSegmentAfter(long zxid) throws IOException {
        SegmentFile seg = lastSegment();
        long kept = 0;
        long cut = LogFormat.HEADER_BYTES;
        try (DiskFile ch = disk.open(seg.path(), Disk.Mode.READ)) {
            FileWindow window = new FileWindow(ch, ch.size(), TRUNCATE_WINDOW_BYTES);
            RecordProbe probe;
            while ((probe = RecordProbe.at(window, cut, options.maxEntryBytes())).kind() == RecordProbe.Kind.RECORD
                    && probe.zxid() <= zxid) {
                kept = probe.zxid();
                cut = probe.nextOffset();
            }
        }
        writer = SegmentWriter.resume(disk, seg, cut, options.preAllocBytes());
        writer.truncateTo(cut, options.forceSync());
        return kept;
    }

    private void deleteDurably(Path file) throws IOException {
        disk.delete(file);
        if (options.forceSync()) {
            FileSync.directory(disk, dir);
        }
    }

    private void closeWriter() throws IOException {
        if (writer != null) {
            SegmentWriter w = writer;
            writer = null;
            w.close();
        }
    }

    private SegmentFile lastSegment() {
        return segments.get(segments.size() - 1);
    }

    private IOException fail(Exception e) {
        IOException io = e instanceof IOException ioe ? ioe : new IOException(e);
        failure = io;
        LOG.error("Txn log {} failed; it accepts no more writes until the server restarts and recovers it", dir, io);
        return io;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("txn log " + dir + " is closed");
        }
    }

    private void checkWritable() throws IOException {
        checkOpen();
        if (failure != null) {
            throw new IOException("txn log " + dir + " failed earlier and accepts no more writes", failure);
        }
    }
}
