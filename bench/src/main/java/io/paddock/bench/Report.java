package io.paddock.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** Collects results; writes runs.jsonl, report.md and the PNG plots. */
final class Report {
    private record Run(String topology, ServerCluster.Kind kind, int rep, LoadRun.Result result, CpuMeter.Usage cpu,
                       boolean noisy) {
        String key() {
            return topology + " " + result.scenario() + " " + result.valueSize() + "B";
        }
    }

    private final Path out;
    private final boolean quick;
    private final List<Run> runs = new ArrayList<>();
    private final List<String> json = new ArrayList<>();
    private final Map<ServerCluster.Kind, List<Long>> failoverGaps = new LinkedHashMap<>();
    private final Map<ServerCluster.Kind, long[]> failoverCurves = new LinkedHashMap<>();
    private final Map<ServerCluster.Kind, List<SessionExpiry.Sample>> expiry = new LinkedHashMap<>();
    private final Map<ServerCluster.Kind, MemoryRecovery.Result> memory = new LinkedHashMap<>();
    private final Map<String, LoadRun.Result> snapshots = new LinkedHashMap<>();
    private Profile.Summary profile;

    Report(Path out, boolean quick) {
        this.out = out;
        this.quick = quick;
    }

    void throughput(String topology, ServerCluster.Kind kind, int rep, LoadRun.Result r, CpuMeter.Usage cpu,
                    boolean noisy) {
        runs.add(new Run(topology, kind, rep, r, cpu, noisy));
        Histogram h = r.latencyMicros();
        json.add(String.format(Locale.ROOT, "{\"type\":\"throughput\",\"topology\":\"%s\",\"server\":\"%s\","
                        + "\"scenario\":\"%s\",\"valueBytes\":%d,\"sessions\":%d,\"outstanding\":%d,\"rep\":%d,"
                        + "\"seconds\":%.1f,\"ops\":%d,\"errors\":%d,\"opsPerSec\":%.1f,\"p50us\":%d,\"p90us\":%d,"
                        + "\"p99us\":%d,\"p999us\":%d,\"maxUs\":%d,\"serverCores\":%.3f,\"harnessCores\":%.3f,"
                        + "\"otherCores\":%.3f,\"noisy\":%b}", topology, kind.label(), r.scenario(), r.valueSize(),
                r.sessions(), r.outstanding(), rep, r.seconds(), r.ops(), r.errors(), r.opsPerSecond(),
                h.getValueAtPercentile(50), h.getValueAtPercentile(90), h.getValueAtPercentile(99),
                h.getValueAtPercentile(99.9), h.getMaxValue(), cpu.serverCores(), cpu.harnessCores(), cpu.otherCores(),
                noisy));
    }

    void failover(ServerCluster.Kind kind, List<Long> gaps, long[] curve) {
        failoverGaps.put(kind, gaps);
        failoverCurves.put(kind, curve);
        json.add(String.format(Locale.ROOT, "{\"type\":\"failover\",\"server\":\"%s\",\"unavailabilityMs\":%s}",
                kind.label(), gaps));
    }

    void expiry(ServerCluster.Kind kind, List<SessionExpiry.Sample> samples) {
        expiry.put(kind, samples);
        for (SessionExpiry.Sample s : samples) {
            json.add(String.format(Locale.ROOT, "{\"type\":\"expiry\",\"server\":\"%s\",\"negotiatedMs\":%d,"
                    + "\"vanishedAfterMs\":%d}", kind.label(), s.negotiatedMs(), s.vanishedAfterMs()));
        }
    }

    void memory(ServerCluster.Kind kind, MemoryRecovery.Result r) {
        memory.put(kind, r);
        json.add(String.format(Locale.ROOT, "{\"type\":\"memory\",\"server\":\"%s\",\"znodes\":%d,\"heapBefore\":%d,"
                        + "\"heapAfter\":%d,\"bytesPerZnode\":%.1f,\"restartMs\":%d}", kind.label(), r.znodes(),
                r.heapBeforeBytes(), r.heapAfterBytes(), r.bytesPerZnode(), r.restartMs()));
    }

    void snapshotLatency(ServerCluster.Kind kind, boolean withSnapshots, long snapCount, LoadRun.Result r) {
        snapshots.put(kind.label() + (withSnapshots ? " with" : " without"), r);
        Histogram h = r.latencyMicros();
        json.add(String.format(Locale.ROOT, "{\"type\":\"snapshotLatency\",\"server\":\"%s\",\"snapCount\":%d,"
                        + "\"opsPerSec\":%.1f,\"p50us\":%d,\"p99us\":%d,\"p999us\":%d,\"maxUs\":%d}", kind.label(), snapCount,
                r.opsPerSecond(), h.getValueAtPercentile(50), h.getValueAtPercentile(99), h.getValueAtPercentile(99.9),
                h.getMaxValue()));
    }

    void profile(Profile.Summary s) {
        this.profile = s;
    }

    void write(double elapsedSeconds) throws IOException {
        Files.write(out.resolve("runs.jsonl"), json);
        StringBuilder md = new StringBuilder();
        md.append("# Paddock vs Apache ZooKeeper 3.9.4").append(quick ? " (quick)" : "").append("\n\n");
        md.append("Produced by `bench/run")
                .append(quick ? " --quick" : "").append("` on ").append(ZonedDateTime.now().withNano(0))
                .append(" in ").append(String.format(Locale.ROOT, "%.0f", elapsedSeconds / 60)).append(" min; ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores, Java ")
                .append(System.getProperty("java.version")).append(".\n\n");
        md.append("Each server runs in its own JVM (`-Xms1g -Xmx1g`, 3g for the memory runs) on loopback with the ")
                .append("same zoo.cfg: tickTime=2000, initLimit=10, syncLimit=5, forceSync=yes, snapCount=100000, ")
                .append("globalOutstandingLimit=1000, data on the same filesystem. Load: the stock ZooKeeper 3.9.4 ")
                .append("client's async API, 4 sessions x 64 outstanding requests, over 1000 keys; runs alternate ")
                .append("Paddock / ZooKeeper. Latencies in ms from HdrHistogram; ratio = Paddock / ZooKeeper ")
                .append("(above 1 is better for throughput, below 1 better for latency).\n\n");
        throughputTable(md);
        failoverSection(md);
        expirySection(md);
        memorySection(md);
        profileSection(md);
        md.append("\nRaw runs: `runs.jsonl`. Noise: a run where processes other than the servers and the harness ")
                .append("used more than 0.3 cores was repeated once; `noisy` marks runs whose repeat was noisy too.\n");
        Files.writeString(out.resolve("report.md"), md.toString());
        plots();
    }

    private void throughputTable(StringBuilder md) {
        md.append("## Throughput and latency\n\n");
        md.append("| topology / scenario | Paddock ops/s | ZooKeeper ops/s | ratio (min-max) | Paddock p50 / p99 / p99.9 | ")
                .append("ZooKeeper p50 / p99 / p99.9 | p99 ratio | errors P/Z | server CPU cores P/Z |\n");
        md.append("|---|---|---|---|---|---|---|---|---|\n");
        Map<String, List<Run>> byKey = new LinkedHashMap<>();
        for (Run r : runs) {
            byKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r);
        }
        for (Map.Entry<String, List<Run>> e : byKey.entrySet()) {
            List<Run> p = e.getValue().stream().filter(r -> r.kind() == ServerCluster.Kind.PADDOCK).toList();
            List<Run> z = e.getValue().stream().filter(r -> r.kind() == ServerCluster.Kind.ZOOKEEPER).toList();
            double pOps = BenchMain.median(p.stream().map(r -> r.result().opsPerSecond()).toList());
            double zOps = BenchMain.median(z.stream().map(r -> r.result().opsPerSecond()).toList());
            List<Double> ratios = new ArrayList<>();
            for (int i = 0; i < Math.min(p.size(), z.size()); i++) {
                ratios.add(p.get(i).result().opsPerSecond() / z.get(i).result().opsPerSecond());
            }
            double lo = ratios.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
            double hi = ratios.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
            double pP99 = BenchMain.median(p.stream().map(r -> ms(r.result().latencyMicros(), 99)).toList());
            double zP99 = BenchMain.median(z.stream().map(r -> ms(r.result().latencyMicros(), 99)).toList());
            md.append(String.format(Locale.ROOT, "| %s | %,.0f | %,.0f | **%.2f** (%.2f-%.2f) | %s | %s | %.2f | %d / %d | %.2f / %.2f |\n",
                    e.getKey(), pOps, zOps, pOps / zOps, lo, hi, latencies(p), latencies(z), pP99 / zP99,
                    p.stream().mapToLong(r -> r.result().errors()).sum(), z.stream().mapToLong(r -> r.result().errors()).sum(),
                    BenchMain.median(p.stream().map(r -> r.cpu().serverCores()).toList()),
                    BenchMain.median(z.stream().map(r -> r.cpu().serverCores()).toList())));
        }
        md.append('\n');
    }

    private static String latencies(List<Run> rs) {
        return String.format(Locale.ROOT, "%.2f / %.2f / %.2f",
                BenchMain.median(rs.stream().map(r -> ms(r.result().latencyMicros(), 50)).toList()),
                BenchMain.median(rs.stream().map(r -> ms(r.result().latencyMicros(), 99)).toList()),
                BenchMain.median(rs.stream().map(r -> ms(r.result().latencyMicros(), 99.9)).toList()));
    }

    private static double ms(Histogram h, double percentile) {
        return h.getValueAtPercentile(percentile) / 1000.0;
    }

    private void failoverSection(StringBuilder md) {
        md.append("## Leader failover (3 servers, kill -9 of the leader, one client writing synchronously)\n\n");
        md.append("| server | unavailability per kill (ms) | median | max |\n|---|---|---|---|\n");
        Map<ServerCluster.Kind, Double> medians = new LinkedHashMap<>();
        failoverGaps.forEach((k, gaps) -> {
            double med = BenchMain.median(gaps.stream().map(Long::doubleValue).toList());
            medians.put(k, med);
            md.append(String.format(Locale.ROOT, "| %s | %s | %.0f | %d |\n", k.label(), gaps, med,
                    gaps.stream().mapToLong(Long::longValue).max().orElse(-1)));
        });
        if (medians.size() == 2) {
            md.append(String.format(Locale.ROOT, "\nRatio of medians (Paddock / ZooKeeper): **%.2f** (below 1: Paddock "
                    + "recovers faster).\n", medians.get(ServerCluster.Kind.PADDOCK) / medians.get(ServerCluster.Kind.ZOOKEEPER)));
        }
        md.append("\nThroughput through a leader kill at 3 s (4 sessions x 32 outstanding setData): ")
                .append("![throughput through a leader kill](failover-throughput.png)\n\n");
    }

    private void expirySection(StringBuilder md) {
        md.append("## Session expiry (client JVM SIGKILLed; time until its ephemeral is deleted for a watcher)\n\n");
        md.append("| server | negotiated timeout (ms) | vanished after (ms) |\n|---|---|---|\n");
        expiry.forEach((k, samples) -> md.append(String.format(Locale.ROOT, "| %s | %s | %s |\n", k.label(),
                samples.stream().map(s -> Long.toString(s.negotiatedMs())).distinct().toList(),
                samples.stream().map(SessionExpiry.Sample::vanishedAfterMs).toList())));
        md.append('\n');
    }

    private void memorySection(StringBuilder md) {
        md.append("## Memory and recovery\n\n");
        md.append("| server | znodes | heap per znode after full GC (bytes) | restart to serving (ms) |\n|---|---|---|---|\n");
        memory.forEach((k, r) -> md.append(String.format(Locale.ROOT, "| %s | %,d | %.0f | %d |\n", k.label(),
                r.znodes(), r.bytesPerZnode(), r.restartMs())));
        MemoryRecovery.Result p = memory.get(ServerCluster.Kind.PADDOCK);
        MemoryRecovery.Result z = memory.get(ServerCluster.Kind.ZOOKEEPER);
        if (p != null && z != null) {
            md.append(String.format(Locale.ROOT, "\nRatios (Paddock / ZooKeeper): heap per znode **%.2f**, restart "
                    + "**%.2f** (below 1 is better).\n", p.bytesPerZnode() / z.bytesPerZnode(),
                    (double) p.restartMs() / z.restartMs()));
        }
        md.append("\nWrite latency on that tree with and without snapshots being taken during the run:\n\n");
        md.append("| server, snapshots | ops/s | p50 | p99 | p99.9 | max (ms) |\n|---|---|---|---|---|---|\n");
        snapshots.forEach((k, r) -> md.append(String.format(Locale.ROOT, "| %s | %,.0f | %.2f | %.2f | %.2f | %.2f |\n",
                k, r.opsPerSecond(), ms(r.latencyMicros(), 50), ms(r.latencyMicros(), 99), ms(r.latencyMicros(), 99.9),
                r.latencyMicros().getMaxValue() / 1000.0)));
        md.append('\n');
    }

    private void profileSection(StringBuilder md) {
        if (profile == null) {
            return;
        }
        md.append("## Where Paddock spends CPU under setData load (JFR, ").append(profile.samples())
                .append(" execution samples)\n\nTop of stack (self):\n\n| method | share |\n|---|---|\n");
        for (Map.Entry<String, Long> e : profile.self()) {
            md.append(String.format(Locale.ROOT, "| `%s` | %.1f%% |\n", e.getKey(), 100.0 * e.getValue() / profile.samples()));
        }
        md.append("\nPaddock methods anywhere on the stack (total):\n\n| method | share |\n|---|---|\n");
        for (Map.Entry<String, Long> e : profile.paddockTotal()) {
            md.append(String.format(Locale.ROOT, "| `%s` | %.1f%% |\n", e.getKey(), 100.0 * e.getValue() / profile.samples()));
        }
        md.append('\n');
    }

    private void plots() throws IOException {
        Map<String, List<Run>> byKey = new LinkedHashMap<>();
        for (Run r : runs) {
            if (r.rep() == 0) {
                byKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r);
            }
        }
        for (Map.Entry<String, List<Run>> e : byKey.entrySet()) {
            Plot plot = new Plot("Latency CDF: " + e.getKey(), "latency (ms, log scale)", "percentile", true);
            for (Run r : e.getValue()) {
                List<double[]> pts = new ArrayList<>();
                for (double pct : new double[] {1, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 97, 99, 99.5, 99.9, 99.99, 100}) {
                    pts.add(new double[] {r.result().latencyMicros().getValueAtPercentile(pct) / 1000.0, pct});
                }
                plot.add(new Plot.Series(r.kind().label(), pts));
            }
            plot.write(out.resolve("latency-cdf-" + e.getKey().replace(' ', '-').toLowerCase(Locale.ROOT) + ".png"));
        }
        if (!failoverCurves.isEmpty()) {
            Plot plot = new Plot("Write throughput through a leader kill at 3 s (3 servers)", "time (s)", "ops/s", false);
            failoverCurves.forEach((k, curve) -> {
                List<double[]> pts = new ArrayList<>();
                for (int i = 0; i < curve.length - 1; i++) {
                    pts.add(new double[] {i * LoadRun.BUCKET_MS / 1000.0, curve[i] * (1000.0 / LoadRun.BUCKET_MS)});
                }
                plot.add(new Plot.Series(k.label(), pts));
            });
            plot.write(out.resolve("failover-throughput.png"));
        }
    }
}
