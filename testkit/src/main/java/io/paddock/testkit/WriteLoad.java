package io.paddock.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

/**
 * Steady writes from several stock clients, each creating its own numbered znodes one at a time. A
 * create that fails with connection loss is retried with the same path (NODEEXISTS then means the
 * first attempt committed), so every acknowledged path is known exactly. Bounded by count and time.
 */
public final class WriteLoad implements AutoCloseable {
    private final List<ZooKeeper> clients = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<Long> ackTimesNanos = new ConcurrentLinkedQueue<>();
    private final AtomicInteger expired = new AtomicInteger();
    private final AtomicLong lastAck = new AtomicLong();
    private volatile boolean stopping;

    public WriteLoad(String connectString, int clientCount, int sessionTimeoutMs, int maxWritesEach, long maxMillis)
            throws Exception {
        ZooKeeper setup = connect(connectString, sessionTimeoutMs);
        try {
            setup.create("/load", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        } catch (KeeperException.NodeExistsException e) {
            // a second load on the same ensemble
        }
        setup.close();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMillis);
        for (int c = 0; c < clientCount; c++) {
            ZooKeeper zk = connect(connectString, sessionTimeoutMs);
            clients.add(zk);
            String prefix = "/load/c" + c + "-" + zk.getSessionId() + "-";
            Thread t = new Thread(() -> run(zk, prefix, maxWritesEach, deadline), "write-load-" + c);
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
    }

    private ZooKeeper connect(String connectString, int timeoutMs) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(connectString, timeoutMs, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            } else if (e.getState() == Watcher.Event.KeeperState.Expired) {
                expired.incrementAndGet();
            }
        });
        if (!connected.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("could not connect to " + connectString);
        }
        return zk;
    }

    private void run(ZooKeeper zk, String prefix, int max, long deadline) {
        for (int n = 0; n < max && !stopping && System.nanoTime() < deadline; n++) {
            String path = prefix + n;
            while (!stopping && System.nanoTime() < deadline) {
                try {
                    zk.create(path, new byte[16], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                } catch (KeeperException.NodeExistsException e) {
                    // the lost attempt had committed
                } catch (KeeperException.ConnectionLossException e) {
                    pause();
                    continue;
                } catch (KeeperException | InterruptedException e) {
                    return;
                }
                long now = System.nanoTime();
                acknowledged.add(path);
                ackTimesNanos.add(now);
                lastAck.set(now);
                break;
            }
        }
    }

    /** Backs off briefly while the client has no server (it reconnects on its own thread). */
    private static void pause() {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public int acknowledgedCount() {
        return acknowledged.size();
    }

    public Set<String> acknowledged() {
        return Set.copyOf(acknowledged);
    }

    public int expiredSessions() {
        return expired.get();
    }

    /**
     * The longest pause between consecutive acknowledgements (of all clients together) from
     * {@code fromNanos} to now, in milliseconds: with a steady load that is the outage. Writes that
     * committed before a kill can still be acknowledged just after it, so the pause is not simply
     * "last ack before the kill to first ack after".
     */
    public long longestPauseSinceMillis(long fromNanos) {
        List<Long> times = new ArrayList<>();
        for (long t : ackTimesNanos) {
            if (t >= fromNanos) {
                times.add(t);
            }
        }
        java.util.Collections.sort(times);
        long longest = 0;
        for (int i = 1; i < times.size(); i++) {
            longest = Math.max(longest, times.get(i) - times.get(i - 1));
        }
        return TimeUnit.NANOSECONDS.toMillis(longest);
    }

    /** Waits until {@code more} further writes have been acknowledged. */
    public void awaitProgress(int more, long timeoutMs) throws InterruptedException {
        int target = acknowledgedCount() + more;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (acknowledgedCount() < target) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("writes stalled: " + acknowledgedCount() + " of " + target + " acknowledged");
            }
            Thread.sleep(20);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stopping = true;
        for (Thread t : threads) {
            t.join(60_000);
        }
        for (ZooKeeper zk : clients) {
            zk.close();
        }
    }
}
