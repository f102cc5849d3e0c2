package io.paddock.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Paddock against Apache ZooKeeper 3.9 on this machine, in one run: standalone and 3-node
 * throughput and latency per scenario, leader failover, session expiry, memory per znode and
 * restart time, plus a JFR profile of Paddock under writes. Runs alternate Paddock / ZooKeeper;
 * every run records both servers' CPU and is repeated once when other load on the machine is
 * significant. Writes JSON lines, a Markdown report and PNG plots to the output folder.
 *
 * <pre>java -cp "bench/target/classes:bench/target/lib/*" io.paddock.bench.BenchMain [--quick] [--out DIR]</pre>
 */
public final class BenchMain {
    private static final ServerCluster.Kind[] KINDS = {ServerCluster.Kind.PADDOCK, ServerCluster.Kind.ZOOKEEPER};
    /** Cores used by neither the servers nor the harness above which a run is repeated. */
    private static final double NOISE_CORES = 0.3;

    private final boolean quick;
    private final java.util.Set<String> only;
    private final Path out;
    private final Path work;
    private final Report report;

    private BenchMain(boolean quick, java.util.Set<String> only, Path out) throws IOException {
        this.quick = quick;
        this.only = only;
        this.out = out;
        this.work = Files.createTempDirectory("paddock-bench");
        this.report = new Report(out, quick);
    }

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        java.util.Set<String> only = java.util.Set.of();
        Path out = Path.of("bench", "results", LocalDate.now().toString());
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--out" -> out = Path.of(args[++i]);
                case "--only" -> only = java.util.Set.of(args[++i].split(","));
                default -> {
                    System.err.println("usage: BenchMain [--quick] [--out DIR] [--only standalone,ensemble3,failover,"
                            + "expiry,memory,profile]");
                    System.exit(2);
                }
            }
        }
        Files.createDirectories(out);
        long start = System.nanoTime();
        BenchMain bench = new BenchMain(quick, only, out);
        bench.runAll();
        bench.report.write((System.nanoTime() - start) / 1e9);
        System.out.println("report: " + out.resolve("report.md"));
    }

    private Map<String, String> settings(String snapCount) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("tickTime", "2000");
        s.put("initLimit", "10");
        s.put("syncLimit", "5");
        s.put("forceSync", "yes");
        s.put("snapCount", snapCount);
        s.put("globalOutstandingLimit", "1000");
        return s;
    }

    private ServerCluster cluster(ServerCluster.Kind kind, int size, String tag, String heap, String snapCount,
                                  List<String> jvmExtra) throws IOException {
        return new ServerCluster(kind, work.resolve(tag + "-" + kind.label()), size, settings(snapCount), heap, jvmExtra);
    }

    private void runAll() throws Exception {
        int reps = quick ? 1 : 3;
        long warmup = quick ? 3000 : 5000;
        long measure = quick ? 5000 : 10_000;
        // --quick is a smoke run (under 5 minutes): fewer scenarios, one repetition, 3 kills, a small tree
        List<LoadRun.Scenario> scenarios = quick ? List.of(LoadRun.Scenario.READ, LoadRun.Scenario.WRITE)
                : List.of(LoadRun.Scenario.READ, LoadRun.Scenario.WRITE, LoadRun.Scenario.MIXED, LoadRun.Scenario.CHURN);
        List<Integer> sizes = quick ? List.of(100) : List.of(100, 1024);
        if (wanted("standalone")) {
            throughput("standalone", 1, scenarios, sizes, reps, warmup, measure);
        }
        if (wanted("ensemble3")) {
            throughput("ensemble3", 3, quick ? List.of(LoadRun.Scenario.WRITE)
                    : List.of(LoadRun.Scenario.READ, LoadRun.Scenario.WRITE, LoadRun.Scenario.MIXED), List.of(100), reps,
                    warmup, measure);
        }
        if (wanted("failover")) {
            failover();
        }
        if (wanted("expiry")) {
            sessionExpiry(quick ? 1 : 3);
        }
        if (wanted("memory")) {
            memory(quick ? 50_000 : 1_000_000);
        }
        if (wanted("profile")) {
            profile(measure);
        }
    }

    private boolean wanted(String part) {
        return only.isEmpty() || only.contains(part);
    }

    private void throughput(String topology, int size, List<LoadRun.Scenario> scenarios, List<Integer> sizes, int reps,
                            long warmup, long measure) throws Exception {
        for (int valueSize : sizes) {
            for (LoadRun.Scenario scenario : scenarios) {
                if (valueSize != 100 && (scenario == LoadRun.Scenario.MIXED || scenario == LoadRun.Scenario.CHURN)) {
                    continue;
                }
                for (int rep = 0; rep < reps; rep++) {
                    for (ServerCluster.Kind kind : KINDS) {
                        measureOnce(topology, size, scenario, valueSize, rep, kind, warmup, measure);
                    }
                }
            }
        }
    }

    private void measureOnce(String topology, int size, LoadRun.Scenario scenario, int valueSize, int rep,
                             ServerCluster.Kind kind, long warmup, long measure) throws Exception {
        for (int attempt = 1; attempt <= 2; attempt++) {
            try (ServerCluster c = cluster(kind, size, topology + "-" + scenario + "-" + valueSize + "-" + rep + "-" + attempt,
                    "1g", "100000", List.of())) {
                c.startAll();
                LoadRun.prepare(c.connectString(), valueSize);
                long[] pids = new long[size];
                for (int id = 1; id <= size; id++) {
                    pids[id - 1] = c.pid(id);
                }
                CpuMeter.Sample before = CpuMeter.Sample.take(pids);
                LoadRun.Result r = LoadRun.run(c.connectString(), scenario, valueSize, 4, 64, warmup, measure, rep);
                CpuMeter.Usage usage = CpuMeter.Sample.take(pids).since(before);
                boolean noisy = usage.otherCores() > NOISE_CORES;
                System.out.printf(Locale.ROOT, "%-10s %-9s %-6s %5dB rep %d: %,10.0f ops/s p99 %6.2f ms errors %d"
                                + " cpu servers %.2f harness %.2f other %.2f%s%n", topology, kind.label(), scenario,
                        valueSize, rep, r.opsPerSecond(), r.latencyMicros().getValueAtPercentile(99) / 1000.0,
                        r.errors(), usage.serverCores(), usage.harnessCores(), usage.otherCores(),
                        noisy ? " (noisy)" : "");
                if (!noisy || attempt == 2) {
                    report.throughput(topology, kind, rep, r, usage, noisy);
                    return;
                }
            }
        }
    }

    private void failover() throws Exception {
        for (ServerCluster.Kind kind : KINDS) {
            try (ServerCluster c = cluster(kind, 3, "failover", "1g", "100000", List.of())) {
                c.startAll();
                LoadRun.prepare(c.connectString(), 100);
                List<Long> gaps = Failover.unavailability(c, quick ? 3 : 5);
                System.out.println("failover " + kind.label() + ": " + gaps);
                long[] curve = Failover.throughputThroughKill(c, quick ? 8000 : 12_000, 3000);
                report.failover(kind, gaps, curve);
            }
        }
    }

    private void sessionExpiry(int reps) throws Exception {
        for (ServerCluster.Kind kind : KINDS) {
            try (ServerCluster c = cluster(kind, 1, "expiry", "1g", "100000", List.of())) {
                c.startAll();
                LoadRun.prepare(c.connectString(), 100);
                List<SessionExpiry.Sample> samples = SessionExpiry.measure(c.connectString(), 4000, reps);
                System.out.println("session expiry " + kind.label() + ": " + samples);
                report.expiry(kind, samples);
            }
        }
    }

    private void memory(int znodes) throws Exception {
        for (ServerCluster.Kind kind : KINDS) {
            try (ServerCluster c = cluster(kind, 1, "memory", "3g", "100000", List.of())) {
                c.startAll();
                MemoryRecovery.Result r = MemoryRecovery.measure(c, znodes);
                System.out.printf(Locale.ROOT, "memory %s: %.0f bytes/znode, restart %d ms%n", kind.label(),
                        r.bytesPerZnode(), r.restartMs());
                report.memory(kind, r);
            }
        }
        // write latency with snapshots being taken vs without, on the loaded tree's sibling: a fresh
        // server with the same znodes, snapCount small enough for several snapshots in the run
        if (quick) {
            return;
        }
        for (ServerCluster.Kind kind : KINDS) {
            for (String snapCount : List.of("100000000", "50000")) {
                try (ServerCluster c = cluster(kind, 1, "snap-" + snapCount, "3g", snapCount, List.of())) {
                    c.startAll();
                    MemoryRecovery.load(c.connectString(), znodes);
                    LoadRun.prepare(c.connectString(), 100);
                    LoadRun.Result r = LoadRun.run(c.connectString(), LoadRun.Scenario.WRITE, 100, 4, 64, 2000,
                            15_000, 3);
                    System.out.printf(Locale.ROOT, "snapshot %s snapCount=%s: p99 %.2f ms max %.2f ms%n", kind.label(),
                            snapCount, r.latencyMicros().getValueAtPercentile(99) / 1000.0,
                            r.latencyMicros().getMaxValue() / 1000.0);
                    report.snapshotLatency(kind, !snapCount.equals("100000000"), Long.parseLong(snapCount), r);
                }
            }
        }
    }

    private void profile(long measure) throws Exception {
        Path jfr = out.resolve("paddock-write.jfr");
        try (ServerCluster c = cluster(ServerCluster.Kind.PADDOCK, 1, "profile", "1g", "100000",
                List.of("-XX:StartFlightRecording=filename=" + jfr.toAbsolutePath() + ",settings=profile,dumponexit=true"))) {
            c.startAll();
            LoadRun.prepare(c.connectString(), 100);
            LoadRun.run(c.connectString(), LoadRun.Scenario.WRITE, 100, 4, 64, 2000, measure, 5);
        }
        // the recording is written when the JVM exits (SIGTERM above)
        Profile.Summary s = Profile.summarize(jfr, 15);
        report.profile(s);
        Files.deleteIfExists(jfr);
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n == 0 ? Double.NaN : n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    static double micros(Histogram h, double percentile) {
        return h.getValueAtPercentile(percentile);
    }
}
