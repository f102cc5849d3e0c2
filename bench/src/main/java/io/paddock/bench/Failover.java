package io.paddock.bench;

import io.paddock.testkit.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooKeeper;

/**
 * Leader failover on a 3-node ensemble: a trickle of synchronous writes from one stock client while
 * the leader is SIGKILLed; the unavailability of one kill is the longest pause between consecutive
 * acknowledgements from a second before the kill until writes flow again. Also the
 * throughput-over-time of a loaded ensemble through one leader kill (the ZooKeeper paper's Figure 8).
 */
final class Failover {
    private Failover() {}

    /** Unavailability in ms of each of {@code kills} leader kills. Bounded: each kill waits at most minutes. */
    static List<Long> unavailability(ServerCluster cluster, int kills) throws Exception {
        List<Long> gaps = new ArrayList<>();
        ConcurrentLinkedQueue<Long> acks = new ConcurrentLinkedQueue<>();
        ZooKeeper zk = LoadRun.connect(cluster.connectString(), 30_000);
        long stopAt = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        boolean[] stop = {false};
        Thread writer = new Thread(() -> {
            byte[] value = new byte[100];
            while (!stop[0] && System.nanoTime() < stopAt) {
                try {
                    zk.setData("/bench/k0", value, -1);
                    acks.add(System.nanoTime());
                } catch (KeeperException e) {
                    pause(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "failover-trickle");
        writer.setDaemon(true);
        writer.start();
        try {
            for (int k = 0; k < kills; k++) {
                awaitAcks(acks, 200);
                int leader = cluster.awaitServing(120_000);
                long at = System.nanoTime();
                cluster.kill9(leader);
                cluster.awaitServing(120_000);
                awaitAcksAfter(acks, at, 200);
                gaps.add(longestPause(acks, at - TimeUnit.SECONDS.toNanos(1)));
                cluster.start(leader);
                cluster.awaitServing(120_000);
            }
        } finally {
            stop[0] = true;
            writer.join(30_000);
            zk.close();
        }
        return gaps;
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitAcks(ConcurrentLinkedQueue<Long> acks, int more) throws InterruptedException {
        int target = acks.size() + more;
        Await.until(Duration.ofMinutes(2), "writes acknowledged", () -> acks.size() >= target);
    }

    private static void awaitAcksAfter(ConcurrentLinkedQueue<Long> acks, long at, int count) throws InterruptedException {
        Await.until(Duration.ofMinutes(2), "writes resuming after the kill",
                () -> acks.stream().filter(t -> t > at).count() >= count);
    }

    static long longestPause(ConcurrentLinkedQueue<Long> acks, long fromNanos) {
        List<Long> times = new ArrayList<>();
        for (long t : acks) {
            if (t >= fromNanos) {
                times.add(t);
            }
        }
        Collections.sort(times);
        long longest = 0;
        for (int i = 1; i < times.size(); i++) {
            longest = Math.max(longest, times.get(i) - times.get(i - 1));
        }
        return TimeUnit.NANOSECONDS.toMillis(longest);
    }

    /** Write throughput per 100 ms of a loaded ensemble whose leader is killed {@code killAfterMs} into the run. */
    static long[] throughputThroughKill(ServerCluster cluster, long runMs, long killAfterMs) throws Exception {
        int leader = cluster.awaitServing(120_000);
        Thread killer = new Thread(() -> {
            try {
                Thread.sleep(killAfterMs);
                cluster.kill9(leader);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "leader-killer");
        killer.setDaemon(true);
        killer.start();
        LoadRun.Result r = LoadRun.run(cluster.connectString(), false, LoadRun.Scenario.WRITE, 100, 4, 32, 0, runMs, 7);
        killer.join(60_000);
        cluster.start(leader);
        cluster.awaitServing(120_000);
        return r.opsPerBucket();
    }
}
