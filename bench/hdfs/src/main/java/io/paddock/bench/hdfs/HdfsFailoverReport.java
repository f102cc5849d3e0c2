package io.paddock.bench.hdfs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/** The markdown report and the raw JSON lines of one {@link HdfsFailoverBench} run. */
final class HdfsFailoverReport {
    private HdfsFailoverReport() {
    }

    static void write(Path out, List<HdfsFailoverBench.SetupResult> all, int runs, int controllerKills, Duration took)
            throws IOException {
        List<List<HdfsFailoverBench.Kill>> results = all.stream().map(HdfsFailoverBench.SetupResult::nameNodeDeaths).toList();
        Files.writeString(out.resolve("hdfs-failover.md"), markdown(results, runs, took) + deaths(all, controllerKills));
        StringBuilder jsonl = new StringBuilder();
        for (HdfsFailoverBench.Setup s : HdfsFailoverBench.Setup.values()) {
            HdfsFailoverBench.SetupResult r = all.get(s.ordinal());
            append(jsonl, s, "namenode", r.nameNodeDeaths());
            append(jsonl, s, "controller", r.controllerDeaths());
            append(jsonl, s, "host", r.hostDeaths());
        }
        Files.writeString(out.resolve("hdfs-failover.jsonl"), jsonl);
    }

    private static void append(StringBuilder jsonl, HdfsFailoverBench.Setup s, String death, List<HdfsFailoverBench.Kill> kills) {
        for (HdfsFailoverBench.Kill k : kills) {
            FailoverTimeline t = k.split();
            jsonl.append("{\"setup\":\"").append(s.name()).append("\",\"death\":\"").append(death)
                    .append("\",\"failoverMs\":").append(k.failoverMs())
                    .append(",\"clientGapsMs\":").append(k.gapsMs()).append(",\"detectionMs\":").append(t.detectionMs())
                    .append(",\"handoverMs\":").append(t.handoverMs()).append(",\"fencingMs\":").append(t.fencingMs())
                    .append(",\"transitionMs\":").append(t.transitionMs()).append("}\n");
        }
    }

    /** Controller and host deaths: nothing but the coordinator's session expiry tells the other controller. */
    private static String deaths(List<HdfsFailoverBench.SetupResult> all, int kills) {
        if (kills == 0) {
            return "";
        }
        StringBuilder b = new StringBuilder("\n## Controller death and host death\n\n");
        b.append(kills).append(" of each per setup: the active NameNode's controller SIGKILLed (*controller death*: its "
                + "NameNode keeps running and is asked to step down), or SIGKILLed together with shutting its NameNode "
                + "down (*host death*: the fencing method runs). Only the coordinator's expiry of the 10 s session "
                + "tells the other controller. Medians in ms (max); *lock after kill* is the expiry as the other "
                + "controller sees it, then fencing and transition from its log as above.\n\n");
        b.append("| setup | death | failover | lock after kill | fencing | transition |\n|---|---|---|---|---|---|\n");
        for (HdfsFailoverBench.Setup s : HdfsFailoverBench.Setup.values()) {
            HdfsFailoverBench.SetupResult r = all.get(s.ordinal());
            row(b, s, "controller", r.controllerDeaths());
            row(b, s, "host", r.hostDeaths());
        }
        return b.toString();
    }

    private static void row(StringBuilder b, HdfsFailoverBench.Setup s, String death, List<HdfsFailoverBench.Kill> k) {
        List<Long> f = column(k, HdfsFailoverBench.Kill::failoverMs);
        b.append("| ").append(s.label).append(" | ").append(death).append(" | ").append(median(f)).append(" (")
                .append(f.stream().mapToLong(Long::longValue).max().orElse(0)).append(") | ")
                .append(median(column(k, x -> x.split().handoverMs()))).append(" | ")
                .append(median(column(k, x -> x.split().fencingMs()))).append(" | ")
                .append(median(column(k, x -> x.split().transitionMs()))).append(" |\n");
    }

    static long median(List<Long> xs) {
        List<Long> s = new ArrayList<>(xs);
        s.removeIf(x -> x < 0);
        if (s.isEmpty()) {
            return -1;
        }
        s.sort(null);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private static List<Long> column(List<HdfsFailoverBench.Kill> kills, ToLongFunction<HdfsFailoverBench.Kill> f) {
        return kills.stream().map(k -> f.applyAsLong(k)).toList();
    }

    private static String markdown(List<List<HdfsFailoverBench.Kill>> results, int runs, Duration took) {
        StringBuilder b = new StringBuilder();
        b.append("# HDFS NameNode failover: stock ZKFC vs Paddock controller, controllers in their own JVMs\n\n");
        b.append("Produced by `bench/run-hdfs --runs ").append(runs).append("` in ").append(took.toMinutes())
                .append(" min ").append(took.toSecondsPart()).append(" s; ").append(Runtime.getRuntime().availableProcessors())
                .append(" cores, Java ").append(System.getProperty("java.version")).append(", Hadoop 3.4.1.\n\n");
        b.append("Each setup: a fresh MiniQJMHACluster (2 NameNodes at `localhost:<port>`, 3 JournalNodes, 1 DataNode) "
                + "in the benchmark's JVM; a standalone coordinator (tickTime 2000, forceSync on) and one failover "
                + "controller per NameNode, each in its own JVM (Paddock's started through `bin/paddock-hdfs-fc`, the "
                + "stock `DFSZKFailoverController` through `java` on Hadoop's jars), Hadoop's default controller "
                + "settings (health check every 1 s, 10 s session), shell fencing. The active NameNode is shut down, at a "
                + "seeded random phase against the health checks, while three HDFS clients create small files "
                + "(10 ms apart) through the failover proxy, one per client failover setting. *Failover* = shutdown "
                + "until the other NameNode is active (polled every 1 ms); *client gap* = that client's last create "
                + "completed before the shutdown until its first completed after. Ratio = setup median / "
                + "stock-ZKFC-on-ZooKeeper median (below 1 is faster).\n\n");
        b.append("| setup | failover per kill (ms) | median | max | ratio |\n|---|---|---|---|---|\n");
        long base = median(column(results.get(0), HdfsFailoverBench.Kill::failoverMs));
        for (HdfsFailoverBench.Setup s : HdfsFailoverBench.Setup.values()) {
            List<Long> f = column(results.get(s.ordinal()), HdfsFailoverBench.Kill::failoverMs);
            long m = median(f);
            b.append("| ").append(s.label).append(" | ").append(f).append(" | ").append(m).append(" | ")
                    .append(f.stream().mapToLong(Long::longValue).max().orElse(0)).append(" | ")
                    .append(String.format("%.2f", m / (double) base)).append(" |\n");
        }
        b.append("\nWhere the time goes (medians in ms, from the controllers' own log lines: *detection* = shutdown "
                + "until the old active's controller logs its NameNode not responding; *lock handover* = until the other "
                + "controller holds the lock; *fencing* = until it starts transitionToActive (breadcrumb, asking the old "
                + "active to step down or skipping that because its port refuses connections, the shell fencer); "
                + "*transition* = the transitionToActive call):\n\n");
        b.append("| setup | detection | lock handover | fencing | transition | sum | failover |\n|---|---|---|---|---|---|---|\n");
        for (HdfsFailoverBench.Setup s : HdfsFailoverBench.Setup.values()) {
            List<HdfsFailoverBench.Kill> k = results.get(s.ordinal());
            long d = median(column(k, x -> x.split().detectionMs()));
            long h = median(column(k, x -> x.split().handoverMs()));
            long fe = median(column(k, x -> x.split().fencingMs()));
            long t = median(column(k, x -> x.split().transitionMs()));
            b.append("| ").append(s.label).append(" | ").append(d).append(" | ").append(h).append(" | ").append(fe)
                    .append(" | ").append(t).append(" | ").append(d + h + fe + t).append(" | ")
                    .append(median(column(k, HdfsFailoverBench.Kill::failoverMs))).append(" |\n");
        }
        b.append("\nClient gap by client failover setting (`dfs.client.failover.sleep.base.millis` / "
                + "`.sleep.max.millis`), median (max) in ms:\n\n| setup |");
        for (HdfsFailoverBench.ClientSettings c : HdfsFailoverBench.CLIENTS) {
            b.append(' ').append(c.label()).append(" |");
        }
        b.append("\n|---|").append("---|".repeat(HdfsFailoverBench.CLIENTS.size())).append('\n');
        for (HdfsFailoverBench.Setup s : HdfsFailoverBench.Setup.values()) {
            b.append("| ").append(s.label).append(" |");
            for (int c = 0; c < HdfsFailoverBench.CLIENTS.size(); c++) {
                int ci = c;
                List<Long> g = column(results.get(s.ordinal()), x -> x.gapsMs().get(ci));
                b.append(' ').append(median(g)).append(" (").append(g.stream().mapToLong(Long::longValue).max().orElse(0))
                        .append(") |");
            }
            b.append('\n');
        }
        b.append("\nRaw runs (every kill, with the split and every client's gap): `hdfs-failover.jsonl`.\n");
        return b.toString();
    }
}
