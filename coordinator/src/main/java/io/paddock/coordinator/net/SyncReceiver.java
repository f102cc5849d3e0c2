package io.paddock.coordinator.net;

import io.paddock.coordinator.zab.Entry;
import io.paddock.coordinator.zab.Message;
import io.paddock.coordinator.zab.SnapshotHandle;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One link end's reassembly of {@link SyncFrames}: snapshot chunks go to the {@link SnapshotSpool}
 * as they arrive, entries are collected, and only at SYNC_END, with every count checked and the
 * spool's own verification passed, is a {@link Message.Sync} produced. Anything out of order or
 * inconsistent is an IOException (the link is then closed, as for any malformed frame); a stream
 * that does not finish, for whatever reason, must be {@link #abort}ed, which frees the spool: a
 * learner never sees a partial snapshot. One thread at a time (the link's).
 */
public final class SyncReceiver {
    private final SnapshotSpool spool;
    private final long from;
    private boolean open;
    private long epoch;
    private Message.Sync.Kind kind;
    private long truncateTo;
    private long snapshotZxid;
    private int announcedEntries;
    private SnapshotSpool.Incoming incoming;
    private long snapshotBytes;
    private List<Entry> entries;

    /** Receives what member {@code from} streams, into {@code spool}. */
    public SyncReceiver(SnapshotSpool spool, long from) {
        this.spool = spool;
        this.from = from;
    }

    /** A stream has begun and not yet ended. */
    public boolean inProgress() {
        return open;
    }

    /** Takes the next sync frame; returns the Sync once the last one arrived, null before. */
    public Message.Sync accept(byte[] body) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(body));
        try {
            byte type = in.readByte();
            switch (type) {
                case SyncFrames.SYNC_BEGIN -> begin(in);
                case SyncFrames.SNAPSHOT_CHUNK -> chunk(body);
                case SyncFrames.ENTRIES -> entries(in);
                case SyncFrames.SYNC_END -> {
                    return end(in);
                }
                default -> throw new IOException("not a sync frame: type " + type);
            }
        } catch (EOFException e) {
            throw new IOException("truncated sync frame", e);
        }
        return null;
    }

    private void begin(DataInputStream in) throws IOException {
        if (open) {
            throw new IOException("a sync stream began inside another");
        }
        epoch = in.readLong();
        int k = in.readByte();
        if (k < 0 || k >= Message.Sync.Kind.values().length) {
            throw new IOException("unknown sync kind " + k);
        }
        kind = Message.Sync.Kind.values()[k];
        truncateTo = in.readLong();
        snapshotZxid = in.readLong();
        announcedEntries = in.readInt();
        if (announcedEntries < 0) {
            throw new IOException("sync announcing " + announcedEntries + " entries");
        }
        if ((kind == Message.Sync.Kind.SNAP) != (snapshotZxid >= 0)) {
            throw new IOException("a " + kind + " sync with snapshot zxid " + snapshotZxid);
        }
        trailing(in);
        open = true;
        snapshotBytes = 0;
        entries = new ArrayList<>(Math.min(announcedEntries, 1 << 16));
        if (kind == Message.Sync.Kind.SNAP) {
            incoming = spool.begin(from, snapshotZxid);
        }
    }

    private void chunk(byte[] body) throws IOException {
        if (!open || incoming == null) {
            throw new IOException("a snapshot chunk outside a SNAP sync stream");
        }
        incoming.write(body, 1, body.length - 1);
        snapshotBytes += body.length - 1;
    }

    private void entries(DataInputStream in) throws IOException {
        if (!open) {
            throw new IOException("sync entries outside a sync stream");
        }
        int n = in.readInt();
        if (n < 1 || n > in.available() / SyncFrames.ENTRY_OVERHEAD || entries.size() + n > announcedEntries) {
            throw new IOException("a batch of " + n + " sync entries (" + entries.size() + " of " + announcedEntries
                    + " so far, " + in.available() + " bytes left)");
        }
        for (int i = 0; i < n; i++) {
            long zxid = in.readLong();
            int length = in.readInt();
            if (length < 0 || length > in.available()) {
                throw new IOException("sync entry of " + length + " bytes with " + in.available() + " left");
            }
            byte[] payload = new byte[length];
            in.readFully(payload);
            entries.add(new Entry(zxid, payload));
        }
        trailing(in);
    }

    private Message.Sync end(DataInputStream in) throws IOException {
        if (!open) {
            throw new IOException("a sync stream ended that never began");
        }
        long sentBytes = in.readLong();
        int sentEntries = in.readInt();
        trailing(in);
        if (sentBytes != snapshotBytes || sentEntries != entries.size() || sentEntries != announcedEntries) {
            throw new IOException("sync stream ended with " + snapshotBytes + " snapshot bytes and " + entries.size()
                    + " entries received, " + sentBytes + " and " + sentEntries + " sent");
        }
        SnapshotHandle snapshot = null;
        if (incoming != null) {
            SnapshotSpool.Incoming done = incoming;
            incoming = null;
            try {
                snapshot = done.finish();
            } catch (IOException | RuntimeException e) {
                done.abort();
                open = false;
                throw e;
            }
        }
        open = false;
        Message.Sync sync = new Message.Sync(epoch, kind, truncateTo, snapshot, List.copyOf(entries));
        entries = null;
        return sync;
    }

    /** The stream will not complete: drops what arrived, spool included. Idempotent. */
    public void abort() {
        open = false;
        entries = null;
        SnapshotSpool.Incoming i = incoming;
        incoming = null;
        if (i != null) {
            i.abort();
        }
    }

    private static void trailing(DataInputStream in) throws IOException {
        if (in.available() != 0) {
            throw new IOException(in.available() + " trailing bytes after a sync frame");
        }
    }
}
