package io.paddock.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.apache.zookeeper.AsyncCallback;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

/**
 * The load generator: C stock-client sessions, each keeping K async requests outstanding, for a
 * warm-up and then a measured window. Latencies go to an HdrHistogram (microseconds); completions
 * per 100 ms bucket make the throughput-over-time curve; every error is counted.
 */
final class LoadRun {
    enum Scenario { READ, WRITE, MIXED, CHURN }

    static final int KEYS = 1000;
    static final long BUCKET_MS = 100;

    record Result(Scenario scenario, int valueSize, int sessions, int outstanding, double seconds, long ops,
                  long errors, Histogram latencyMicros, long[] opsPerBucket) {
        double opsPerSecond() {
            return ops / seconds;
        }
    }

    private LoadRun() {}

    /** Creates /bench and its keys with {@code valueSize}-byte values (idempotent). */
    static void prepare(String connect, int valueSize) throws Exception {
        ZooKeeper zk = connect(connect, 30_000);
        try {
            create(zk, "/bench", new byte[0]);
            create(zk, "/bench/churn", new byte[0]);
            CountDownLatch done = new CountDownLatch(KEYS);
            byte[] value = new byte[valueSize];
            for (int i = 0; i < KEYS; i++) {
                zk.create("/bench/k" + i, value, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT,
                        (rc, path, ctx, name) -> {
                            if (rc == 0 || rc == KeeperException.Code.NODEEXISTS.intValue()) {
                                done.countDown();
                            }
                        }, null);
            }
            if (!done.await(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException("could not create the benchmark keys");
            }
            for (int i = 0; i < KEYS; i++) {
                zk.setData("/bench/k" + i, value, -1, (rc, path, ctx, stat) -> { }, null);
            }
            zk.sync("/bench", (rc, path, ctx) -> { }, null);
        } finally {
            zk.close();
        }
    }

    private static void create(ZooKeeper zk, String path, byte[] data) throws Exception {
        try {
            zk.create(path, data, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        } catch (KeeperException.NodeExistsException e) {
            // prepared before
        }
    }

    static ZooKeeper connect(String connect, int timeoutMs) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(connect, timeoutMs, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        if (!connected.await(60, TimeUnit.SECONDS)) {
            zk.close();
            throw new IllegalStateException("cannot connect to " + connect);
        }
        return zk;
    }

    /** Runs one measurement; bounded by {@code warmupMs + measureMs} and stops by itself. */
    static Result run(String connect, Scenario scenario, int valueSize, int sessions, int outstanding, long warmupMs,
                      long measureMs, long seed) throws Exception {
        return run(connect, true, scenario, valueSize, sessions, outstanding, warmupMs, measureMs, seed);
    }

    /** {@code pin}: spread sessions over the listed servers round-robin instead of letting the client choose. */
    static Result run(String connect, boolean pin, Scenario scenario, int valueSize, int sessions, int outstanding,
                      long warmupMs, long measureMs, long seed) throws Exception {
        Recorder recorder = new Recorder(3);
        AtomicLong ops = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        int buckets = (int) ((warmupMs + measureMs) / BUCKET_MS) + 2;
        AtomicLongArray perBucket = new AtomicLongArray(buckets);
        List<ZooKeeper> clients = new ArrayList<>();
        // Session i talks to server i mod N: the stock client shuffles a multi-server connect string,
        // which would spread sessions differently in every run (and every server kind).
        String[] servers = pin ? connect.split(",") : new String[] {connect};
        for (int s = 0; s < sessions; s++) {
            clients.add(connect(servers[s % servers.length], 30_000));
        }
        long start = System.nanoTime();
        long measureFrom = start + TimeUnit.MILLISECONDS.toNanos(warmupMs);
        long end = measureFrom + TimeUnit.MILLISECONDS.toNanos(measureMs);
        byte[] value = new byte[valueSize];
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < sessions; s++) {
            ZooKeeper zk = clients.get(s);
            int session = s;
            Thread t = new Thread(() -> drive(zk, session, scenario, value, outstanding, start, measureFrom, end,
                    recorder, ops, errors, perBucket, new Random(seed * 31 + session)), "load-" + s);
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join(warmupMs + measureMs + 120_000);
        }
        for (ZooKeeper zk : clients) {
            zk.close();
        }
        long[] series = new long[buckets];
        for (int i = 0; i < buckets; i++) {
            series[i] = perBucket.get(i);
        }
        return new Result(scenario, valueSize, sessions, outstanding, measureMs / 1000.0, ops.get(), errors.get(),
                recorder.getIntervalHistogram(), series);
    }

    private static void drive(ZooKeeper zk, int session, Scenario scenario, byte[] value, int outstanding, long start,
                              long measureFrom, long end, Recorder recorder, AtomicLong ops, AtomicLong errors,
                              AtomicLongArray perBucket, Random random) {
        Semaphore window = new Semaphore(outstanding);
        long churn = 0;
        try {
            while (System.nanoTime() < end) {
                if (!window.tryAcquire(1, TimeUnit.SECONDS)) {
                    continue;
                }
                long issued = System.nanoTime();
                Completion done = rc -> {
                    long now = System.nanoTime();
                    window.release();
                    int bucket = (int) ((now - start) / 1_000_000 / BUCKET_MS);
                    if (bucket < perBucket.length()) {
                        perBucket.incrementAndGet(bucket);
                    }
                    if (issued >= measureFrom && now <= end) {
                        if (rc == 0) {
                            ops.incrementAndGet();
                            recorder.recordValue(Math.max(1, (now - issued) / 1000));
                        } else {
                            errors.incrementAndGet();
                        }
                    }
                };
                String key = "/bench/k" + random.nextInt(KEYS);
                Scenario op = scenario == Scenario.MIXED ? (random.nextInt(10) == 0 ? Scenario.WRITE : Scenario.READ)
                        : scenario;
                switch (op) {
                    case READ -> zk.getData(key, false, (AsyncCallback.DataCallback) (rc, p, c, d, s) -> done.rc(rc), null);
                    case WRITE -> zk.setData(key, value, -1, (rc, p, c, s) -> done.rc(rc), null);
                    case CHURN -> {
                        // alternately create a node and delete it: both are writes that change the tree's shape
                        String path = "/bench/churn/s" + session + "-" + (churn / 2);
                        if (churn++ % 2 == 0) {
                            zk.create(path, value, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT,
                                    (rc, p, c, n) -> done.rc(rc), null);
                        } else {
                            zk.delete(path, -1, (rc, p, c) -> done.rc(rc), null);
                        }
                    }
                    default -> throw new IllegalStateException();
                }
            }
            // let the window drain so the session closes cleanly
            window.tryAcquire(outstanding, 30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @FunctionalInterface
    private interface Completion {
        void rc(int rc);
    }
}
