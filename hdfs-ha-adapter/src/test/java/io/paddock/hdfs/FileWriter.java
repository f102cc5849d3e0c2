package io.paddock.hdfs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * An HDFS client writing small files one after another through the HA failover proxy, so a test can
 * check it keeps writing across a failover. Like an application it moves on to the next file when
 * one fails (a create in flight on the NameNode that dies may fail; HDFS does not retry
 * non-idempotent calls across a failover). Bounded: at most {@code maxFiles} files and stops when
 * told; every failure is kept with the time it happened.
 */
final class FileWriter implements AutoCloseable {
    private final FileSystem fs;
    private final int maxFiles;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicInteger written = new AtomicInteger();
    private final List<String> errors = new ArrayList<>();
    private final List<Long> errorTimes = new ArrayList<>();
    private final Thread thread;

    FileWriter(FileSystem fs, int maxFiles) {
        this.fs = fs;
        this.maxFiles = maxFiles;
        this.thread = new Thread(this::loop, "hdfs-writer");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void loop() {
        for (int i = 0; i < maxFiles && !stop.get(); i++) {
            Path p = new Path("/writer/f" + i);
            try (FSDataOutputStream out = fs.create(p)) {
                out.write(("file " + i).getBytes(StandardCharsets.UTF_8));
            } catch (IOException | RuntimeException e) {
                synchronized (errors) {
                    errors.add(p + ": " + e);
                    errorTimes.add(System.nanoTime());
                }
                continue;
            }
            written.incrementAndGet();
        }
    }

    int written() {
        return written.get();
    }

    List<String> errors() {
        synchronized (errors) {
            return new ArrayList<>(errors);
        }
    }

    /** Failures whose call ended after nanotime {@code t}. */
    List<String> errorsAfter(long t) {
        synchronized (errors) {
            List<String> late = new ArrayList<>();
            for (int i = 0; i < errors.size(); i++) {
                if (errorTimes.get(i) > t) {
                    late.add(errors.get(i));
                }
            }
            return late;
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        thread.join(120_000);
    }
}
