package io.paddock.coordinator.net;

import io.paddock.coordinator.zab.Entry;
import io.paddock.coordinator.zab.Message;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * A {@link Message.Sync} on a peer link, as a stream of bounded frames rather than one frame holding
 * the whole snapshot and entry list (which put a ceiling on the tree size and stalled the link while
 * one giant frame was built and sent):
 * <pre>
 *   SYNC_BEGIN   epoch, kind, truncateTo, snapshot zxid (-1: none), entry count
 *   SNAPSHOT     a chunk of the snapshot's bytes            (any number, SNAP only)
 *   ENTRIES      count, then zxid + payload per entry        (any number)
 *   SYNC_END     snapshot bytes sent, entries sent           (both checked by the receiver)
 * </pre>
 * Each frame has the transport's own length and CRC32C; the snapshot bytes carry their own trailer
 * checksum over the whole (checked by the spool). Frame bodies start with a type byte that no
 * {@link PeerCodec} message uses. {@link SyncReceiver} reassembles them.
 */
public final class SyncFrames {
    static final byte SYNC_BEGIN = 16;
    static final byte SNAPSHOT_CHUNK = 17;
    static final byte ENTRIES = 18;
    static final byte SYNC_END = 19;
    /** Bytes an ENTRIES frame adds around its entries; each entry adds 12 to its payload. */
    static final int ENTRIES_OVERHEAD = 5;
    static final int ENTRY_OVERHEAD = 12;

    /** Takes each frame body, in order; may block (back-pressure) or throw to abort the stream. */
    @FunctionalInterface
    public interface FrameSink {
        void frame(byte[] body) throws IOException;
    }

    private SyncFrames() {
    }

    /** True for a frame body that belongs to a sync stream. */
    public static boolean isSyncFrame(byte[] body) {
        return body.length > 0 && body[0] >= SYNC_BEGIN && body[0] <= SYNC_END;
    }

    /**
     * Writes {@code sync} as frames of at most {@code chunkBytes} of snapshot data (an ENTRIES frame
     * holds entries up to that size, or one larger entry alone). A SNAP sync's snapshot must be an
     * {@link OutgoingSnapshot}; it is written here but not released (the caller owns it).
     *
     * @return the snapshot bytes written
     */
    public static long write(Message.Sync sync, int chunkBytes, FrameSink sink) throws IOException {
        if (chunkBytes < 1) {
            throw new IllegalArgumentException("chunk of " + chunkBytes + " bytes");
        }
        boolean snap = sync.kind() == Message.Sync.Kind.SNAP;
        if (snap != (sync.snapshot() != null)) {
            throw new IllegalArgumentException("a " + sync.kind() + " sync " + (snap ? "without" : "with")
                    + " a snapshot");
        }
        List<Entry> entries = sync.entries();
        sink.frame(body(out -> {
            out.writeByte(SYNC_BEGIN);
            out.writeLong(sync.epoch());
            out.writeByte(sync.kind().ordinal());
            out.writeLong(sync.truncateTo());
            out.writeLong(sync.snapshotZxid());
            out.writeInt(entries.size());
        }));
        long snapshotBytes = 0;
        if (snap) {
            if (!(sync.snapshot() instanceof OutgoingSnapshot outgoing)) {
                throw new IllegalArgumentException("cannot send " + sync.snapshot() + ": not an OutgoingSnapshot");
            }
            Chunker chunks = new Chunker(chunkBytes, sink);
            outgoing.writeTo(chunks);
            chunks.finish();
            snapshotBytes = chunks.total;
        }
        int from = 0;
        while (from < entries.size()) {
            int to = from;
            long size = 0;
            do {
                size += ENTRY_OVERHEAD + entries.get(to).payload().length;
                to++;
            } while (to < entries.size() && size + ENTRY_OVERHEAD + entries.get(to).payload().length <= chunkBytes);
            List<Entry> batch = entries.subList(from, to);
            sink.frame(body(out -> {
                out.writeByte(ENTRIES);
                out.writeInt(batch.size());
                for (Entry e : batch) {
                    out.writeLong(e.zxid());
                    out.writeInt(e.payload().length);
                    out.write(e.payload());
                }
            }));
            from = to;
        }
        long sent = snapshotBytes;
        sink.frame(body(out -> {
            out.writeByte(SYNC_END);
            out.writeLong(sent);
            out.writeInt(entries.size());
        }));
        return snapshotBytes;
    }

    /**
     * The largest frame body {@link #write} produces for chunks of {@code chunkBytes} and entries of up
     * to {@code maxEntryBytes}.
     */
    public static int maxFrameBody(int chunkBytes, int maxEntryBytes) {
        return Math.max(chunkBytes, maxEntryBytes + ENTRY_OVERHEAD) + ENTRIES_OVERHEAD + 64;
    }

    private interface BodyWriter {
        void write(DataOutputStream out) throws IOException;
    }

    private static byte[] body(BodyWriter w) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            w.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Cuts what the snapshot writes into SNAPSHOT frames of at most {@code chunkBytes} of data. */
    private static final class Chunker extends OutputStream {
        private final int chunkBytes;
        private final FrameSink sink;
        private byte[] buf;
        private int used;
        long total;

        Chunker(int chunkBytes, FrameSink sink) {
            this.chunkBytes = chunkBytes;
            this.sink = sink;
            fresh();
        }

        private void fresh() {
            // a new array per frame: the one handed on may still wait in the transport's buffers
            buf = new byte[1 + chunkBytes];
            buf[0] = SNAPSHOT_CHUNK;
            used = 1;
        }

        @Override
        public void write(int b) throws IOException {
            buf[used++] = (byte) b;
            total++;
            if (used == buf.length) {
                emit();
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                int n = Math.min(len, buf.length - used);
                System.arraycopy(b, off, buf, used, n);
                used += n;
                off += n;
                len -= n;
                total += n;
                if (used == buf.length) {
                    emit();
                }
            }
        }

        /** Writers flush as they please; frames are cut only when full, and at the end. */
        @Override
        public void flush() {
        }

        void finish() throws IOException {
            if (used > 1) {
                emit();
            }
        }

        private void emit() throws IOException {
            byte[] frame = used == buf.length ? buf : java.util.Arrays.copyOf(buf, used);
            sink.frame(frame);
            fresh();
        }
    }
}
