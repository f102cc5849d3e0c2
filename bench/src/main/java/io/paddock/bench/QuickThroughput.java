package io.paddock.bench;

import io.paddock.coordinator.server.ConfigLoader;
import io.paddock.coordinator.server.PaddockServer;
import java.io.File;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;

/**
 * A first, simple side-by-side throughput loop: Paddock and Apache ZooKeeper standalone, each in this
 * JVM on loopback with the same tickTime, forceSync and data filesystem, driven by the stock async
 * client (C sessions x K outstanding). Runs alternate A B A B so drift hits both. Every loop is
 * bounded by an operation count. Not a test: it prints numbers.
 *
 * <p>Usage: {@code QuickThroughput [rounds] [opsPerPhase] [sessions] [outstanding] [valueBytes]}
 */
public final class QuickThroughput {
    interface Server extends AutoCloseable {
        String connectString();

        @Override
        void close();
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int ops = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        int sessions = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        int outstanding = args.length > 3 ? Integer.parseInt(args[3]) : 64;
        int valueBytes = args.length > 4 ? Integer.parseInt(args[4]) : 100;
        System.setProperty("zookeeper.admin.enableServer", "false");
        Path base = Files.createTempDirectory("paddock-bench");
        System.out.printf("# ops/phase=%d sessions=%d outstanding=%d value=%dB forceSync=yes dir=%s%n",
                ops, sessions, outstanding, valueBytes, base);
        System.out.println("server     round  write(setData) ops/s  read(getData) ops/s");
        List<double[]> paddock = new ArrayList<>();
        List<double[]> zookeeper = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            for (String kind : List.of("paddock", "zookeeper")) {
                Path dir = base.resolve(kind + "-" + r);
                Files.createDirectories(dir);
                try (Server s = kind.equals("paddock") ? paddock(dir) : zookeeper(dir)) {
                    double[] res = run(s.connectString(), ops, sessions, outstanding, valueBytes);
                    (kind.equals("paddock") ? paddock : zookeeper).add(res);
                    System.out.printf("%-10s %5d  %20.0f  %19.0f%n", kind, r, res[0], res[1]);
                }
            }
        }
        double pw = median(paddock, 0);
        double zw = median(zookeeper, 0);
        double pr = median(paddock, 1);
        double zr = median(zookeeper, 1);
        System.out.printf("median     write paddock %.0f zookeeper %.0f ratio %.2f | read paddock %.0f zookeeper %.0f ratio %.2f%n",
                pw, zw, pw / zw, pr, zr, pr / zr);
        System.exit(0);
    }

    private static double median(List<double[]> runs, int i) {
        double[] v = runs.stream().mapToDouble(a -> a[i]).sorted().toArray();
        return v[v.length / 2];
    }

    static Server paddock(Path dir) throws Exception {
        PaddockServer s = PaddockServer.start(ConfigLoader.fromProperties(Map.of(
                "dataDir", dir.toString(), "clientPort", "0", "clientPortAddress", "127.0.0.1",
                "tickTime", "2000", "maxClientCnxns", "0")));
        return new Server() {
            public String connectString() {
                return s.connectString();
            }

            public void close() {
                s.close();
            }
        };
    }

    static Server zookeeper(Path dir) throws Exception {
        File d = dir.toFile();
        ZooKeeperServer zks = new ZooKeeperServer(d, d, 2000);
        ServerCnxnFactory f = ServerCnxnFactory.createFactory(new InetSocketAddress("127.0.0.1", 0), 0);
        f.startup(zks);
        return new Server() {
            public String connectString() {
                return "127.0.0.1:" + f.getLocalPort();
            }

            public void close() {
                f.shutdown();
                zks.shutdown();
            }
        };
    }

    /** Returns {writes/s, reads/s}. */
    static double[] run(String cs, int ops, int sessions, int outstanding, int valueBytes) throws Exception {
        List<ZooKeeper> clients = new ArrayList<>();
        try {
            for (int i = 0; i < sessions; i++) {
                CountDownLatch up = new CountDownLatch(1);
                ZooKeeper zk = new ZooKeeper(cs, 30_000, e -> {
                    if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                        up.countDown();
                    }
                });
                if (!up.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("cannot connect to " + cs);
                }
                clients.add(zk);
                zk.create("/bench-" + i, new byte[valueBytes], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            }
            byte[] value = new byte[valueBytes];
            phase(clients, ops / 5, outstanding, (zk, i, done) -> zk.setData("/bench-" + i, value, -1, (rc, p, c, s) -> done.run(), null));
            double writes = phase(clients, ops, outstanding,
                    (zk, i, done) -> zk.setData("/bench-" + i, value, -1, (rc, p, c, s) -> done.run(), null));
            double reads = phase(clients, ops, outstanding,
                    (zk, i, done) -> zk.getData("/bench-" + i, false, (rc, p, c, d, s) -> done.run(), null));
            return new double[] {writes, reads};
        } finally {
            for (ZooKeeper zk : clients) {
                zk.close();
            }
        }
    }

    interface Op {
        void issue(ZooKeeper zk, int index, Runnable done);
    }

    private static double phase(List<ZooKeeper> clients, int ops, int outstanding, Op op) throws InterruptedException {
        int perClient = ops / clients.size();
        CountDownLatch finished = new CountDownLatch(clients.size());
        AtomicLong errors = new AtomicLong();
        long start = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients.size(); c++) {
            ZooKeeper zk = clients.get(c);
            int index = c;
            Thread t = new Thread(() -> {
                Semaphore window = new Semaphore(outstanding);
                CountDownLatch all = new CountDownLatch(perClient);
                for (int i = 0; i < perClient; i++) {
                    try {
                        if (!window.tryAcquire(60, TimeUnit.SECONDS)) {
                            errors.incrementAndGet();
                            break;
                        }
                    } catch (InterruptedException e) {
                        return;
                    }
                    op.issue(zk, index, () -> {
                        window.release();
                        all.countDown();
                    });
                }
                try {
                    all.await(120, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                finished.countDown();
            });
            t.start();
            threads.add(t);
        }
        finished.await(300, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - start) / 1e9;
        if (errors.get() > 0) {
            System.out.println("# " + errors.get() + " client threads timed out");
        }
        return perClient * clients.size() / seconds;
    }
}
