package io.paddock.bench.hdfs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * One HDFS client creating small files back to back through the HA failover proxy and recording
 * when each completed, so the gap a client saw across a failover can be measured. Bounded in count;
 * stops when closed.
 */
final class TimedWriter implements AutoCloseable {
    private static final int MAX_FILES = 200_000;

    private final FileSystem fs;
    private final String dir;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final ConcurrentLinkedQueue<Long> completions = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    private final Thread thread;

    TimedWriter(FileSystem fs, String dir) {
        this.fs = fs;
        this.dir = dir;
        this.thread = new Thread(this::loop, "bench-hdfs-writer");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void loop() {
        for (int i = 0; i < MAX_FILES && !stop.get(); i++) {
            try (FSDataOutputStream out = fs.create(new Path(dir + "/f" + i))) {
                out.write("x".getBytes(StandardCharsets.UTF_8));
            } catch (IOException | RuntimeException e) {
                errors.add(e.toString());
                continue;
            }
            completions.add(System.nanoTime());
        }
    }

    int completed() {
        return completions.size();
    }

    /** Nanotime of the last completion before {@code t}, or -1. */
    long lastBefore(long t) {
        long best = -1;
        for (long c : completions) {
            if (c < t && c > best) {
                best = c;
            }
        }
        return best;
    }

    /** Nanotime of the first completion after {@code t}, or -1. */
    long firstAfter(long t) {
        long best = -1;
        for (long c : completions) {
            if (c > t && (best < 0 || c < best)) {
                best = c;
            }
        }
        return best;
    }

    int errors() {
        return errors.size();
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        thread.join(300_000);
    }
}
