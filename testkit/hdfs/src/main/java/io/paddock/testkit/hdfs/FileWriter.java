package io.paddock.testkit.hdfs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * An HDFS client writing small files one after another through the HA failover proxy, so a test can
 * check it keeps writing across a failover and the benchmark can measure the gap it saw. Like an
 * application it moves on to the next file when one fails (a create in flight on the NameNode that
 * dies may fail; HDFS does not retry non-idempotent calls across a failover). Bounded: at most
 * {@code maxFiles} files and stops when told; every completion and failure is kept with its time.
 */
public final class FileWriter implements AutoCloseable {
    private final FileSystem fs;
    private final String dir;
    private final int maxFiles;
    private final long pauseMs;
    private final AtomicBoolean stop = new AtomicBoolean();
    /** Nanotimes of completed creates and of failures, each with the failure text. */
    private final List<Long> completions = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    private final List<Long> errorTimes = new ArrayList<>();
    private final Thread thread;

    public FileWriter(FileSystem fs, String dir, int maxFiles) {
        this(fs, dir, maxFiles, 0);
    }

    /** {@code pauseMs} between files sets the load (the benchmark runs several writers at once). */
    public FileWriter(FileSystem fs, String dir, int maxFiles, long pauseMs) {
        this.fs = fs;
        this.dir = dir;
        this.maxFiles = maxFiles;
        this.pauseMs = pauseMs;
        this.thread = new Thread(this::loop, "hdfs-writer");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void loop() {
        for (int i = 0; i < maxFiles && !stop.get(); i++) {
            Path p = new Path(dir + "/f" + i);
            try (FSDataOutputStream out = fs.create(p)) {
                out.write(("file " + i).getBytes(StandardCharsets.UTF_8));
            } catch (IOException | RuntimeException e) {
                synchronized (this) {
                    errors.add(p + ": " + e);
                    errorTimes.add(System.nanoTime());
                }
                continue;
            }
            synchronized (this) {
                completions.add(System.nanoTime());
            }
            pause();
        }
    }

    private void pause() {
        if (pauseMs > 0) {
            try {
                Thread.sleep(pauseMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop.set(true);
            }
        }
    }

    public synchronized int written() {
        return completions.size();
    }

    public synchronized List<String> errors() {
        return new ArrayList<>(errors);
    }

    /** Failures whose call ended after nanotime {@code t}. */
    public synchronized List<String> errorsAfter(long t) {
        List<String> late = new ArrayList<>();
        for (int i = 0; i < errors.size(); i++) {
            if (errorTimes.get(i) > t) {
                late.add(errors.get(i));
            }
        }
        return late;
    }

    /** Nanotime of the last completion before {@code t}, or -1 (completions are in time order). */
    public synchronized long lastBefore(long t) {
        long found = -1;
        for (long c : completions) {
            if (c >= t) {
                break;
            }
            found = c;
        }
        return found;
    }

    /** Nanotime of the first completion after {@code t}, or -1. */
    public synchronized long firstAfter(long t) {
        for (long c : completions) {
            if (c > t) {
                return c;
            }
        }
        return -1;
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        thread.join(300_000);
    }
}
