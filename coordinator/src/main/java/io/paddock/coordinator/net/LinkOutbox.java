package io.paddock.coordinator.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.paddock.coordinator.zab.Message;
import io.paddock.coordinator.zab.Zxid;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one open peer link sends, in order. An ordinary message is written to the channel at once by
 * the thread that sends it. A {@link Message.Sync} is streamed instead ({@link SyncFrames}), on one of
 * the transport's stream threads, never the sender's (the request thread) nor a network event loop:
 * frame by frame, and only as fast as the peer reads (at most {@link #WINDOW} frames wait in the
 * channel; a frame that is not written out within the stall limit closes the link). While a sync
 * streams, later messages wait behind it, queued bytes counting against the link's send bound like
 * anything else a peer leaves unread, except pings: those go out between the chunks, so a learner
 * being synchronized keeps hearing from its leader however long the transfer takes (a ping says only
 * that the leader is alive; nothing in a sync depends on its position).
 *
 * <p>The outbox owns every {@link OutgoingSnapshot} it is given and releases it once streamed, or
 * when the link closes first.
 */
final class LinkOutbox {
    private static final Logger LOG = LoggerFactory.getLogger(PeerTransport.class);
    /** Frames of a stream that may wait in the channel: enough to keep a fast link busy. */
    static final int WINDOW = 8;

    private final Channel channel;
    private final long peer;
    private final Executor streams;
    private final int chunkBytes;
    private final long stallMillis;
    private final long bound;
    /** Closes the connection at once (no draining), logging {@code reason}; any thread. */
    private final Consumer<String> closeHard;

    private final ArrayDeque<Object> queue = new ArrayDeque<>();
    private long queuedBytes;
    private boolean streaming;
    private boolean closed;

    LinkOutbox(Channel channel, long peer, Executor streams, Network.PeerSettings settings, long bound,
               Consumer<String> closeHard) {
        this.channel = channel;
        this.peer = peer;
        this.streams = streams;
        this.chunkBytes = settings.streamChunkBytes();
        this.stallMillis = settings.streamStallMillis();
        this.bound = bound;
        this.closeHard = closeHard;
    }

    synchronized boolean isClosed() {
        return closed;
    }

    /** Queues {@code m} after everything sent before; false when the link is closed or closes now. */
    boolean send(Message m) {
        if (m instanceof Message.Sync s) {
            return sendSync(s);
        }
        ByteBuf frame = PeerFrames.frame(PeerCodec.encode(m));
        synchronized (this) {
            if (closed) {
                frame.release();
                return false;
            }
            if (streaming && !(m instanceof Message.Ping)) {
                queuedBytes += frame.readableBytes();
                queue.add(frame);
                // what waits here and what waits in the channel, together, within the link's bound
                if (queuedBytes <= channel.bytesBeforeUnwritable()) {
                    return true;
                }
            } else {
                channel.writeAndFlush(frame, channel.voidPromise());
                // Netty counts what waits as it is submitted, from any thread, against the water mark
                if (channel.isWritable()) {
                    return true;
                }
            }
        }
        overflow("more than " + bound + " bytes waited to be sent to it (it is not reading)");
        return false;
    }

    private boolean sendSync(Message.Sync s) {
        synchronized (this) {
            if (!closed) {
                queue.add(s);
                if (streaming) {
                    return true;
                }
                streaming = true;
                try {
                    streams.execute(this::drain);
                    return true;
                } catch (RejectedExecutionException e) {
                    // the transport is closing
                    queue.remove(s);
                    streaming = false;
                }
            }
        }
        release(s);
        return false;
    }

    /** On a stream thread: sends what waits, streaming each sync, until nothing does. */
    private void drain() {
        while (true) {
            Object next;
            synchronized (this) {
                next = closed ? null : queue.poll();
                if (next == null) {
                    streaming = false;
                    return;
                }
                if (next instanceof ByteBuf f) {
                    queuedBytes -= f.readableBytes();
                }
            }
            if (next instanceof ByteBuf f) {
                channel.writeAndFlush(f, channel.voidPromise());
                continue;
            }
            Message.Sync sync = (Message.Sync) next;
            try {
                stream(sync);
            } catch (Stalled e) {
                overflow(e.getMessage());
                return;
            } catch (IOException e) {
                if (channel.isActive()) {
                    // the snapshot could not be written: the learner must not wait for the rest
                    overflow("the sync stream failed: " + e);
                } else {
                    // the link broke under the stream: it is reported like any break
                    LOG.debug("sync stream to server {} ended: {}", peer, e.toString());
                    close();
                }
                return;
            } catch (RuntimeException e) {
                LOG.error("sync stream to server {} failed; closing the link", peer, e);
                overflow("the sync stream failed: " + e);
                return;
            } finally {
                release(sync);
            }
        }
    }

    private static final class Stalled extends IOException {
        Stalled(String message) {
            super(message);
        }
    }

    private void stream(Message.Sync sync) throws IOException {
        long start = System.nanoTime();
        ArrayDeque<ChannelFuture> inFlight = new ArrayDeque<>();
        int[] frames = {0};
        long bytes = SyncFrames.write(sync, chunkBytes, body -> {
            if (isClosed()) {
                throw new IOException("link closed");
            }
            inFlight.add(channel.writeAndFlush(PeerFrames.frame(body)));
            frames[0]++;
            while (inFlight.size() > WINDOW) {
                awaitWritten(inFlight.poll());
            }
        });
        long ms = (System.nanoTime() - start) / 1_000_000;
        if (sync.snapshot() != null) {
            LOG.info("sent server {} a snapshot at zxid {} ({} bytes) and {} entries in {} frames, {} ms", peer,
                    Zxid.hex(sync.snapshotZxid()), bytes, sync.entries().size(), frames[0], ms);
        } else {
            LOG.debug("sent server {} a {} sync with {} entries in {} frames, {} ms", peer, sync.kind(),
                    sync.entries().size(), frames[0], ms);
        }
    }

    private void awaitWritten(ChannelFuture f) throws IOException {
        boolean done;
        try {
            done = f.await(stallMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while streaming a sync");
        }
        if (!done) {
            throw new Stalled("a sync stream to it made no progress for " + stallMillis + " ms (it is not reading)");
        }
        if (!f.isSuccess()) {
            throw new IOException("link closed during a sync stream", f.cause());
        }
    }

    /** The peer does not read: drop what waits and reset the connection rather than drain it. */
    private void overflow(String reason) {
        if (markClosed()) {
            closeHard.accept(reason);
        }
    }

    /** The link is gone (or going): frees what waits, snapshots included. Idempotent, any thread. */
    void close() {
        markClosed();
    }

    private boolean markClosed() {
        List<Object> dropped;
        boolean first;
        synchronized (this) {
            first = !closed;
            closed = true;
            dropped = new ArrayList<>(queue);
            queue.clear();
            queuedBytes = 0;
        }
        for (Object o : dropped) {
            if (o instanceof ByteBuf f) {
                f.release();
            } else {
                release((Message.Sync) o);
            }
        }
        return first;
    }

    /** Frees the snapshot a message carries, if any: for a message that will not be sent. */
    static void release(Message m) {
        if (m instanceof Message.Sync s && s.snapshot() instanceof OutgoingSnapshot o) {
            o.release();
        }
    }
}
