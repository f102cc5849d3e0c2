package io.paddock.coordinator.server;

import io.paddock.coordinator.storage.TxnLog;
import io.paddock.coordinator.zab.Entry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only thread that touches the {@link TxnLog}. It drains whatever entries are queued, appends
 * them, fsyncs once (group commit) and only then reports "durable up to zxid" to the request thread.
 * A failed write or fsync is fatal for the server: an acknowledged write must never be lost, so
 * continuing after an I/O error would be worse than stopping.
 */
final class GroupCommitter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitter.class);

    private sealed interface Item permits Append, Roll, PurgeBefore, Persist, Stop {}

    private record Append(long zxid, byte[] payload) implements Item {}

    private record Roll() implements Item {}

    private record PurgeBefore(long zxid) implements Item {}

    private record Stop() implements Item {}

    /** One Zab Ready's durable effects, performed in the order the zab package contract gives. */
    private record Persist(ZabWrite write, Runnable done) implements Item {}

    /**
     * What a Ready asks to make durable. {@code snapshot} (a SNAP sync) replaces the log: it is
     * written to the snapshot store first, then the log is cut after {@code snapshotZxid}.
     */
    record ZabWrite(long truncateAfter, byte[] snapshot, long snapshotZxid, List<Entry> entries,
                    long acceptedEpoch, long currentEpoch) {}

    /** Where Zab's epochs and SNAP snapshots go; called on the log thread. */
    interface EpochStore {
        void writeAcceptedEpoch(long epoch) throws IOException;

        void writeCurrentEpoch(long epoch) throws IOException;

        void writeSnapshot(long zxid, byte[] bytes) throws IOException;
    }

    private final TxnLog log;
    private final BlockingQueue<Item> queue;
    private final int maxBatch;
    private final LongConsumer onDurable;
    private final Runnable onFatal;
    private final Thread thread;
    private EpochStore epochs;
    private volatile boolean failed;

    GroupCommitter(TxnLog log, int queueCapacity, int maxBatch, LongConsumer onDurable, Runnable onFatal,
                   String name) {
        this.log = log;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.maxBatch = maxBatch;
        this.onDurable = onDurable;
        this.onFatal = onFatal;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    void attach(EpochStore epochs) {
        this.epochs = epochs;
    }

    /** Queues a Ready's persistence; {@code done} runs on the log thread once all of it is durable. */
    void persist(ZabWrite write, Runnable done) {
        put(new Persist(write, done));
    }

    void start() {
        thread.start();
    }

    /** Queues an entry; blocks when the queue is full, which back-pressures the request thread. */
    void append(long zxid, byte[] payload) {
        put(new Append(zxid, payload));
    }

    /** Starts a new log segment at the next append (after a snapshot, so old segments can be purged). */
    void roll() {
        put(new Roll());
    }

    void purgeBefore(long zxid) {
        put(new PurgeBefore(zxid));
    }

    private void put(Item item) {
        if (failed) {
            throw new IllegalStateException("txn log writer has failed");
        }
        try {
            queue.put(item);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while queueing for the txn log", e);
        }
    }

    private void run() {
        List<Item> batch = new ArrayList<>(maxBatch);
        try {
            while (true) {
                Item first = queue.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                batch.clear();
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                long lastAppended = -1;
                boolean stop = false;
                for (Item item : batch) {
                    if (item instanceof Append a) {
                        log.append(a.zxid(), a.payload());
                        lastAppended = a.zxid();
                    } else if (item instanceof Roll) {
                        log.roll();
                    } else if (item instanceof PurgeBefore p) {
                        int n = log.purgeBefore(p.zxid());
                        if (n > 0) {
                            LOG.info("purged {} txn log segments before zxid 0x{}", n, Long.toHexString(p.zxid()));
                        }
                    } else if (item instanceof Persist p) {
                        if (lastAppended >= 0) {
                            log.sync();
                            onDurable.accept(lastAppended);
                            lastAppended = -1;
                        }
                        persist(p.write());
                        p.done().run();
                    } else if (item instanceof Stop) {
                        stop = true;
                    }
                }
                if (lastAppended >= 0) {
                    log.sync();
                    onDurable.accept(lastAppended);
                }
                if (stop) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            failed = true;
            LOG.error("txn log write failed; the server stops rather than acknowledge what is not durable", e);
            onFatal.run();
        }
    }

    private void persist(ZabWrite w) throws IOException {
        if (w.snapshot() != null) {
            epochs.writeSnapshot(w.snapshotZxid(), w.snapshot());
            log.truncateAfter(w.snapshotZxid());
            log.roll();
        }
        if (w.truncateAfter() >= 0) {
            log.truncateAfter(w.truncateAfter());
        }
        for (Entry e : w.entries()) {
            log.append(e.zxid(), e.payload());
        }
        if (!w.entries().isEmpty()) {
            log.sync();
        }
        if (w.acceptedEpoch() >= 0) {
            epochs.writeAcceptedEpoch(w.acceptedEpoch());
        }
        if (w.currentEpoch() >= 0) {
            epochs.writeCurrentEpoch(w.currentEpoch());
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (!failed && thread.isAlive()) {
            queue.put(new Stop());
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }
    }
}
