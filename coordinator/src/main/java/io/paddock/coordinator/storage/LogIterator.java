package io.paddock.coordinator.storage;

import io.paddock.coordinator.env.Disk;
import io.paddock.coordinator.env.DiskFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Reads entries from a fixed list of segments, each up to a byte limit fixed at creation.
 *
 * <p>All segment files are opened up front: on POSIX an open file stays readable after it is
 * unlinked, so a concurrent purge cannot pull a segment out from under a reader. The limits and
 * the zxid bound keep the reader inside bytes that were already synced when it was created, so
 * the single writer may keep appending while this iterator runs on another thread.
 */
final class LogIterator implements CloseableIterator<LogEntry> {
    private static final int WINDOW_BYTES = 64 * 1024;

    /** A segment to read and how far; a negative limit means the file's size at open. */
    record Source(SegmentFile segment, long limit) {
    }

    private final List<Source> sources;
    private final List<DiskFile> channels = new ArrayList<>();
    private final long afterZxid;
    private final long upToZxid;
    private final int maxEntryBytes;
    private int index = -1;
    private FileWindow window;
    private long pos;
    private long lastZxid;
    private LogEntry next;
    private boolean done;

    LogIterator(Disk disk, List<Source> sources, long afterZxid, long upToZxid, int maxEntryBytes)
            throws IOException {
        this.sources = sources;
        this.afterZxid = afterZxid;
        this.upToZxid = upToZxid;
        this.maxEntryBytes = maxEntryBytes;
        try {
            for (Source s : sources) {
                channels.add(disk.open(s.segment().path(), Disk.Mode.READ));
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public boolean hasNext() {
        if (next == null && !done) {
            try {
                next = advance();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            done = next == null;
        }
        return next != null;
    }

    @Override
    public LogEntry next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        LogEntry e = next;
        next = null;
        return e;
    }

    private LogEntry advance() throws IOException {
        while (true) {
            if (window == null && !openNextSegment()) {
                return null;
            }
            RecordProbe probe = RecordProbe.at(window, pos, maxEntryBytes);
            switch (probe.kind()) {
                case END -> window = null;
                case BAD -> throw new CorruptLogException(sources.get(index).segment().path(), pos, lastZxid,
                        probe.problem() + " while reading");
                case RECORD -> {
                    if (probe.zxid() > upToZxid) {
                        return null;
                    }
                    byte[] payload = probe.payload(window);
                    pos = probe.nextOffset();
                    lastZxid = probe.zxid();
                    if (probe.zxid() > afterZxid) {
                        return new LogEntry(probe.zxid(), payload);
                    }
                }
                default -> throw new IllegalStateException(probe.kind().name());
            }
        }
    }

    private boolean openNextSegment() throws IOException {
        if (index + 1 >= sources.size()) {
            return false;
        }
        index++;
        DiskFile ch = channels.get(index);
        long limit = sources.get(index).limit() >= 0 ? sources.get(index).limit() : ch.size();
        window = new FileWindow(ch, limit, WINDOW_BYTES);
        pos = LogFormat.HEADER_BYTES;
        return true;
    }

    @Override
    public void close() {
        done = true;
        next = null;
        IOException first = null;
        for (DiskFile ch : channels) {
            try {
                ch.close();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        channels.clear();
        if (first != null) {
            throw new UncheckedIOException(first);
        }
    }
}
