package io.paddock.bench.hdfs;

import io.paddock.testkit.hdfs.HaCluster;
import io.paddock.testkit.hdfs.FileWriter;
import io.paddock.testkit.hdfs.StockZkfc;
import io.paddock.bench.ServerCluster;
import io.paddock.testkit.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.server.namenode.ha.HATestUtil;

/**
 * HDFS NameNode failover time, three ways in one run: the stock ZKFC on Apache ZooKeeper, the stock
 * ZKFC on Paddock, and Paddock's controller on Paddock. Laid out as operators run it: the
 * coordinator and each controller in their own JVM (Paddock's started through
 * {@code bin/paddock-hdfs-fc}), NameNode addresses as {@code localhost:<port>}, Hadoop's default
 * controller settings. Each setup gets a fresh 2-NameNode MiniQJMHACluster (3 JournalNodes, 1
 * DataNode) in this JVM; its active NameNode is shut down {@code runs} times while one HDFS client
 * per client setting ({@link #CLIENTS}) creates files. Measured per kill: shutdown until the other
 * NameNode is active, the gap each client saw, and from the controllers' logs where the time went.
 * Between kills the NameNode is restarted and made active again with {@code haadmin -failover}.
 *
 * <p>Usage: {@code bench/run-hdfs [--runs N] [--out DIR]}.
 */
public final class HdfsFailoverBench {
    enum Setup {
        STOCK_ZKFC_ON_ZOOKEEPER("stock ZKFC on ZooKeeper 3.9.4", ControllerProcess.Kind.STOCK, ServerCluster.Kind.ZOOKEEPER),
        STOCK_ZKFC_ON_PADDOCK("stock ZKFC on Paddock", ControllerProcess.Kind.STOCK, ServerCluster.Kind.PADDOCK),
        PADDOCK_FC_ON_PADDOCK("Paddock controller on Paddock", ControllerProcess.Kind.PADDOCK, ServerCluster.Kind.PADDOCK);

        final String label;
        final ControllerProcess.Kind controller;
        final ServerCluster.Kind coordinator;

        Setup(String label, ControllerProcess.Kind controller, ServerCluster.Kind coordinator) {
            this.label = label;
            this.controller = controller;
            this.coordinator = coordinator;
        }
    }

    /** An HDFS client's failover back-off: {@code dfs.client.failover.sleep.base.millis} and {@code .max.millis}. */
    record ClientSettings(int baseMs, int maxMs) {
        String label() {
            return "sleep.base " + baseMs + " / sleep.max " + maxMs + " ms" + (baseMs == 500 && maxMs == 15_000 ? " (Hadoop's default)" : "");
        }
    }

    static final List<ClientSettings> CLIENTS = List.of(new ClientSettings(500, 15_000), new ClientSettings(100, 2_000),
            new ClientSettings(50, 500));

    /** One kill: failover time, each client's gap (in {@link #CLIENTS} order; none measured after a controller kill) and the split from the logs. */
    record Kill(long failoverMs, List<Long> gapsMs, FailoverTimeline split) {
    }

    /** What one setup measured: NameNode deaths, then controller deaths and host deaths (controller and NameNode). */
    record SetupResult(List<Kill> nameNodeDeaths, List<Kill> controllerDeaths, List<Kill> hostDeaths) {
    }

    private static final java.util.Random PHASE = new java.util.Random(20261207L);

    private HdfsFailoverBench() {
    }

    public static void main(String[] args) throws Exception {
        int runs = 5;
        int controllerKills = 3;
        Path out = Path.of("bench/results/" + LocalDate.now());
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--controller-kills" -> controllerKills = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default -> {
                    System.err.println("usage: HdfsFailoverBench [--runs N] [--controller-kills N] [--out DIR]");
                    System.exit(2);
                }
            }
        }
        Path root = Path.of("").toAbsolutePath();
        if (!Files.exists(root.resolve("bin/paddock-hdfs-fc"))) {
            throw new IllegalStateException("run from the repository root (bench/run-hdfs does)");
        }
        Files.createDirectories(out);
        Path work = Files.createTempDirectory("paddock-bench-hdfs");
        long t0 = System.nanoTime();
        List<SetupResult> results = new ArrayList<>();
        for (Setup s : Setup.values()) {
            System.err.println("== " + s.label);
            results.add(runSetup(s, runs, controllerKills, work.resolve(s.name().toLowerCase()), root));
        }
        HdfsFailoverReport.write(out, results, runs, controllerKills, Duration.ofNanos(System.nanoTime() - t0));
        System.out.println(Files.readString(out.resolve("hdfs-failover.md")));
        System.out.println("report: " + out.resolve("hdfs-failover.md") + "; controller logs under " + work);
        System.exit(0);
    }

    private static SetupResult runSetup(Setup setup, int runs, int controllerKills, Path dir, Path root) throws Exception {
        Files.createDirectories(dir);
        List<AutoCloseable> closers = new ArrayList<>();
        try {
            // the coordinator in its own JVM, started as the coordinator benchmarks start it
            ServerCluster coordinator = new ServerCluster(setup.coordinator, dir.resolve("coordinator"), 1,
                    Map.of("tickTime", "2000", "initLimit", "10", "syncLimit", "5", "forceSync", "yes"), "512m",
                    List.of());
            closers.add(coordinator);
            coordinator.startAll();
            HaCluster ha = new HaCluster(dir.resolve("ha"), coordinator.connectString(), true,
                    HdfsFailoverBench::hadoopDefaults);
            closers.add(0, ha);
            int rc = setup.controller == ControllerProcess.Kind.PADDOCK
                    ? io.paddock.hdfs.FailoverControllerMain.run(ha.conf(0), new String[] {"-formatZK", "-nonInteractive"},
                            new java.io.ByteArrayInputStream(new byte[0]), System.out, System.err)
                    : StockZkfc.formatZk(ha.conf(0));
            check(rc == 0, "-formatZK exit " + rc);
            ControllerProcess[] fc = new ControllerProcess[2];
            for (int i = 0; i < 2; i++) {
                fc[i] = ControllerProcess.start(setup.controller, ha.conf(i), dir.resolve("fc" + i), root);
                closers.add(0, fc[i]);
            }
            Await.until(Duration.ofSeconds(120), () -> ha.active() >= 0);
            List<FileSystem> clients = new ArrayList<>();
            for (ClientSettings c : CLIENTS) {
                clients.add(client(ha, c));
            }
            // both controllers in the election before the first kill
            failover(ha, ha.active(), 1 - ha.active());

            List<Kill> kills = new ArrayList<>();
            for (int run = 1; run <= runs; run++) {
                int a = ha.active();
                int b = 1 - a;
                List<FileWriter> writers = new ArrayList<>();
                Kill k;
                try {
                    for (int c = 0; c < clients.size(); c++) {
                        writers.add(new FileWriter(clients.get(c), "/bench-" + setup.ordinal() + "-" + run + "-" + c,
                                200_000, 10));
                    }
                    Await.until(Duration.ofSeconds(60), () -> writers.stream().allMatch(w -> w.written() >= 10));
                    // a random phase against the controllers' 1 s health checks: without it the
                    // loop's own rhythm can line kills up with one setup's checks (seeded, so a run repeats)
                    Thread.sleep(PHASE.nextInt(1000));
                    long oldFrom = FailoverTimeline.mark(fc[a].log);
                    long newFrom = FailoverTimeline.mark(fc[b].log);
                    long killEpochMs = System.currentTimeMillis();
                    long killAt = System.nanoTime();
                    ha.dfs.shutdownNameNode(a);
                    long activeAt = awaitNanos(Duration.ofSeconds(180), () -> ha.active() == b);
                    Await.until(Duration.ofSeconds(180), () -> writers.stream().allMatch(w -> w.firstAfter(activeAt) > 0));
                    FailoverTimeline.awaitComplete(setup.controller, fc[b].log, newFrom);
                    List<Long> gaps = new ArrayList<>();
                    for (FileWriter w : writers) {
                        gaps.add(TimeUnit.NANOSECONDS.toMillis(w.firstAfter(killAt) - w.lastBefore(killAt)));
                    }
                    k = new Kill(TimeUnit.NANOSECONDS.toMillis(activeAt - killAt), gaps,
                            FailoverTimeline.read(setup.controller, fc[a].log, oldFrom, fc[b].log, newFrom, killEpochMs));
                } finally {
                    for (FileWriter w : writers) {
                        w.close();
                    }
                }
                kills.add(k);
                System.err.printf("  kill %d of %s: standby active after %d ms (%s), client gaps %s ms%n", run, ha.id(a),
                        k.failoverMs(), k.split(), k.gapsMs());
                ha.dfs.restartNameNode(a);
                failover(ha, b, a);
            }
            List<Kill> controllerDeaths = new ArrayList<>();
            List<Kill> hostDeaths = new ArrayList<>();
            for (int run = 1; run <= controllerKills; run++) {
                controllerDeaths.add(killController(setup, ha, fc, dir, root, closers, false));
                hostDeaths.add(killController(setup, ha, fc, dir, root, closers, true));
            }
            return new SetupResult(kills, controllerDeaths, hostDeaths);
        } finally {
            for (AutoCloseable c : closers) {
                try {
                    c.close();
                } catch (Exception e) {
                    System.err.println("closing " + c + ": " + e);
                }
            }
        }
    }

    /**
     * SIGKILLs the active NameNode's controller ({@code hostToo}: and shuts its NameNode down, a
     * host death): only the coordinator's session expiry tells the other controller, which then
     * fences (gracefully if the NameNode still runs) and takes over. Afterwards the controller (and
     * NameNode) are started again and the NameNode made active again.
     */
    private static Kill killController(Setup setup, HaCluster ha, ControllerProcess[] fc, Path dir, Path root,
            List<AutoCloseable> closers, boolean hostToo) throws Exception {
        int a = ha.active();
        int b = 1 - a;
        // a random phase against the coordinator's expiry ticks and the health checks
        Thread.sleep(PHASE.nextInt(2000));
        long newFrom = FailoverTimeline.mark(fc[b].log);
        long killEpochMs = System.currentTimeMillis();
        long killAt = System.nanoTime();
        fc[a].kill9();
        if (hostToo) {
            ha.dfs.shutdownNameNode(a);
        }
        long activeAt = awaitNanos(Duration.ofSeconds(180), () -> ha.active() == b);
        FailoverTimeline.awaitComplete(setup.controller, fc[b].log, newFrom);
        Kill k = new Kill(TimeUnit.NANOSECONDS.toMillis(activeAt - killAt), List.of(),
                FailoverTimeline.read(setup.controller, null, 0, fc[b].log, newFrom, killEpochMs));
        System.err.printf("  %s death of %s: standby active after %d ms (%s)%n", hostToo ? "host" : "controller",
                ha.id(a), k.failoverMs(), k.split());
        if (hostToo) {
            ha.dfs.restartNameNode(a);
        }
        fc[a] = ControllerProcess.start(setup.controller, ha.conf(a), dir.resolve("fc" + a), root);
        closers.add(0, fc[a]);
        failover(ha, b, a);
        return k;
    }

    /** An HDFS client of its own (not the shared cache) with the given failover back-off. */
    private static FileSystem client(HaCluster ha, ClientSettings s) throws Exception {
        Configuration c = ha.conf(0);
        c.setBoolean("fs.hdfs.impl.disable.cache", true);
        c.setInt("dfs.client.failover.sleep.base.millis", s.baseMs());
        c.setInt("dfs.client.failover.sleep.max.millis", s.maxMs());
        return HATestUtil.configureFailoverFs(ha.dfs, c);
    }

    /** Nanotime at which {@code condition} first held, polled every millisecond: this is the measurement. */
    private static long awaitNanos(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("condition not met within " + timeout);
            }
            Thread.sleep(1);
        }
        return System.nanoTime();
    }

    /**
     * {@code haadmin -failover from to} until it succeeds (bounded): a readiness step between kills,
     * not a measurement. Besides a controller that has not reported health yet, the stock ZKFC's
     * first transitionToActive on a NameNode restarted within {@code ipc.client.connection.maxidletime}
     * fails on the IPC connection cached to the old process (EOF); it rejoins 1 s later.
     */
    private static void failover(HaCluster ha, int from, int to) throws Exception {
        Await.until(Duration.ofSeconds(180), () -> {
            try {
                return ha.haadmin("-failover", ha.id(from), ha.id(to)).code() == 0;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Undo the test harness's short timeouts: the benchmark runs with Hadoop's defaults. */
    private static void hadoopDefaults(Configuration conf) {
        for (String k : List.of("ha.zookeeper.session-timeout.ms", "ha.health-monitor.check-interval.ms",
                "ha.health-monitor.rpc-timeout.ms", "ha.health-monitor.sleep-after-disconnect.ms",
                "ipc.client.connect.max.retries", "ipc.client.connect.retry.interval")) {
            conf.unset(k);
        }
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException(what);
        }
    }
}
