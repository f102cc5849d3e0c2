package io.paddock.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

/**
 * Heap retained per znode (after a full GC, measured with jcmd) once N znodes of ~40-byte paths and
 * 100-byte values are loaded, and the time a restarted server takes to serve that tree again.
 */
final class MemoryRecovery {
    record Result(int znodes, long heapBeforeBytes, long heapAfterBytes, long restartMs) {
        double bytesPerZnode() {
            return (heapAfterBytes - heapBeforeBytes) / (double) znodes;
        }
    }

    private static final Pattern HEAP_USED = Pattern.compile("total \\d+K, used (\\d+)K");

    private MemoryRecovery() {}

    /** Heap in use after a full GC, from {@code jcmd <pid> GC.run} then {@code GC.heap_info}. */
    static long heapAfterFullGc(long pid) throws IOException, InterruptedException {
        jcmd(pid, "GC.run");
        String info = jcmd(pid, "GC.heap_info");
        Matcher m = HEAP_USED.matcher(info);
        if (!m.find()) {
            throw new IOException("cannot read heap use from: " + info);
        }
        return Long.parseLong(m.group(1)) * 1024;
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid), command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("jcmd " + command + " failed: " + out);
        }
        return out;
    }

    /** Loads {@code znodes} znodes into a running standalone server, pipelined, and waits for all of them. */
    static void load(String connect, int znodes) throws Exception {
        ZooKeeper zk = LoadRun.connect(connect, 30_000);
        try {
            try {
                zk.create("/mem", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            } catch (org.apache.zookeeper.KeeperException.NodeExistsException e) {
                // loaded before
            }
            for (int d = 0; d < 100; d++) {
                zk.create(String.format("/mem/dir-%03d", d), null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT,
                        (rc, p, c, n) -> { }, null);
            }
            Semaphore window = new Semaphore(1000);
            AtomicLong failed = new AtomicLong();
            byte[] value = new byte[100];
            for (int i = 0; i < znodes; i++) {
                window.acquire();
                // ~40 characters: /mem/dir-NNN/znode-NNNNNNNN-padding
                String path = String.format("/mem/dir-%03d/znode-%08d-abcdefghijk", i % 100, i);
                zk.create(path, value, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, (rc, p, c, n) -> {
                    if (rc != 0) {
                        failed.incrementAndGet();
                    }
                    window.release();
                }, null);
            }
            if (!window.tryAcquire(1000, 10, TimeUnit.MINUTES)) {
                throw new IllegalStateException("load did not finish");
            }
            if (failed.get() > 0) {
                throw new IllegalStateException(failed.get() + " creates failed while loading");
            }
        } finally {
            zk.close();
        }
    }

    static Result measure(ServerCluster standalone, int znodes) throws Exception {
        long before = heapAfterFullGc(standalone.pid(1));
        load(standalone.connectString(), znodes);
        long after = heapAfterFullGc(standalone.pid(1));
        standalone.kill9(1);
        long start = System.nanoTime();
        standalone.start(1);
        standalone.awaitServing(600_000);
        ZooKeeper zk = LoadRun.connect(standalone.connectString(), 30_000);
        try {
            String last = String.format("/mem/dir-%03d/znode-%08d-abcdefghijk", (znodes - 1) % 100, znodes - 1);
            if (zk.exists(last, false) == null) {
                throw new IllegalStateException("restarted server lost " + last);
            }
        } finally {
            zk.close();
        }
        long restartMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        return new Result(znodes, before, after, restartMs);
    }
}
