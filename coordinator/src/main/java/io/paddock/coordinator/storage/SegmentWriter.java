package io.paddock.coordinator.storage;

import io.paddock.coordinator.env.Disk;
import io.paddock.coordinator.env.DiskFile;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Appends bytes to one segment file and keeps zero-filled space ahead of the write position.
 *
 * <p>Preallocating with real zeros (not a sparse hole) means the blocks already exist and the file
 * size already covers the next writes, so most fdatasync calls flush data only and skip the
 * journal commit a size or extent change would need. Recovery reads the zeros as "end of log".
 */
final class SegmentWriter implements Closeable {
    /**
     * Extend once the write position comes this close to the end of the zeroed space (or half the
     * preallocation step, when that is smaller).
     */
    static final long PREALLOC_MARGIN_BYTES = 4096;
    private static final int ZERO_CHUNK_BYTES = 64 * 1024;
    /**
     * Zeros written per extension at most. Writing ZooKeeper's default 64 MiB step at once stalled
     * the log thread for hundreds of milliseconds at every segment roll (measured in bench/ as a
     * write p99 spike while snapshots were taken); 1 MiB steps cost a few ms each and still keep
     * fdatasync from changing the file size on all but one write per MiB.
     */
    static final long MAX_STEP_BYTES = 1 << 20;

    private final SegmentFile segment;
    private final DiskFile channel;
    private final long preAllocBytes;
    private long position;
    private long fileSize;

    private SegmentWriter(SegmentFile segment, DiskFile channel, long position, long preAllocBytes)
            throws IOException {
        this.segment = segment;
        this.channel = channel;
        this.position = position;
        this.fileSize = channel.size();
        this.preAllocBytes = preAllocBytes;
    }

    /** Creates the file with its header; the caller fsyncs the file and directory. */
    static SegmentWriter create(Disk disk, SegmentFile segment, long preAllocBytes) throws IOException {
        DiskFile ch = disk.open(segment.path(), Disk.Mode.CREATE_NEW);
        try {
            writeAt(ch, LogFormat.header(), 0);
            return new SegmentWriter(segment, ch, LogFormat.HEADER_BYTES, preAllocBytes);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Continues an existing segment whose valid records end at {@code endOffset}. */
    static SegmentWriter resume(Disk disk, SegmentFile segment, long endOffset, long preAllocBytes)
            throws IOException {
        DiskFile ch = disk.open(segment.path(), Disk.Mode.READ_WRITE);
        return new SegmentWriter(segment, ch, endOffset, preAllocBytes);
    }

    SegmentFile segment() {
        return segment;
    }

    long position() {
        return position;
    }

    void write(ByteBuffer data) throws IOException {
        preallocateFor(position + data.remaining());
        position = writeAt(channel, data, position);
        fileSize = Math.max(fileSize, position);
    }

    void force() throws IOException {
        channel.force(false);
    }

    /** Drops everything from {@code offset} on; durable on return when {@code force}. */
    void truncateTo(long offset, boolean force) throws IOException {
        channel.truncate(offset);
        if (force) {
            channel.force(true);
        }
        position = offset;
        fileSize = offset;
    }

    /** Gives back the unused preallocation of a segment that will not be written again. */
    void trimAndClose() throws IOException {
        try {
            channel.truncate(position);
        } finally {
            channel.close();
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private void preallocateFor(long end) throws IOException {
        if (preAllocBytes <= 0) {
            return;
        }
        long margin = Math.min(PREALLOC_MARGIN_BYTES, preAllocBytes / 2);
        if (end + margin <= fileSize) {
            return;
        }
        long step = Math.min(preAllocBytes, MAX_STEP_BYTES);
        long target = fileSize;
        while (end + margin > target) {
            target += step;
        }
        ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(ZERO_CHUNK_BYTES, target - fileSize));
        long pos = fileSize;
        while (pos < target) {
            zeros.clear().limit((int) Math.min(zeros.capacity(), target - pos));
            pos = writeAt(channel, zeros, pos);
        }
        fileSize = target;
    }

    private static long writeAt(DiskFile ch, ByteBuffer data, long pos) throws IOException {
        long end = pos + data.remaining();
        ch.write(data, pos);
        return end;
    }
}
