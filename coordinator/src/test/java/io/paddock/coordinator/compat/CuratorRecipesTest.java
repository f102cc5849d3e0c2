package io.paddock.coordinator.compat;

import io.paddock.testkit.Clients;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.atomic.AtomicValue;
import org.apache.curator.framework.recipes.atomic.DistributedAtomicLong;
import org.apache.curator.framework.recipes.atomic.PromotedToLock;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.framework.recipes.leader.Participant;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.curator.framework.recipes.queue.DistributedQueue;
import org.apache.curator.framework.recipes.queue.QueueBuilder;
import org.apache.curator.framework.recipes.queue.QueueConsumer;
import org.apache.curator.framework.recipes.queue.QueueSerializer;
import org.apache.curator.framework.recipes.shared.SharedCount;
import org.apache.curator.framework.recipes.shared.SharedCountListener;
import org.apache.curator.framework.recipes.shared.SharedCountReader;
import org.apache.curator.framework.recipes.shared.VersionedValue;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.BoundedExponentialBackoffRetry;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Apache Curator's recipes, unmodified, against both servers. Each scenario asserts exact outcomes;
 * every wait is on an event or a watched condition with a generous bound, never a sleep.
 */
class CuratorRecipesTest {
    private static final long WAIT_S = Clients.TIMEOUT_S;

    @TempDir
    Path dir;

    /** Everything a scenario opens, closed newest first (recipes, then clients, then the server). */
    private final Deque<AutoCloseable> opened = new ArrayDeque<>();

    @AfterEach
    void closeAll() throws Exception {
        Exception first = null;
        while (!opened.isEmpty()) {
            try {
                opened.pop().close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private <T extends AutoCloseable> T track(T c) {
        opened.push(c);
        return c;
    }

    private ServerUnderTest start(ServerUnderTest.Kind kind) throws Exception {
        return track(kind.start(dir, ServerUnderTest.defaults(Map.of())));
    }

    private CuratorFramework curator(ServerUnderTest server) throws InterruptedException {
        CuratorFramework c = CuratorFrameworkFactory.builder()
                .connectString(server.connectString())
                .sessionTimeoutMs(30_000)
                .connectionTimeoutMs(30_000)
                .retryPolicy(new ExponentialBackoffRetry(100, 10, 2_000))
                .build();
        track(c);
        c.start();
        assertTrue(c.blockUntilConnected((int) WAIT_S, TimeUnit.SECONDS), "curator did not connect");
        return c;
    }

    private ZooKeeper zk(ServerUnderTest server) throws Exception {
        return track(Clients.connect(server.connectString()));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String str(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------- LeaderLatch

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void leaderLatchElectsExactlyOneLeaderAndFailsOver(ServerUnderTest.Kind kind) throws Exception {
        ServerUnderTest server = start(kind);
        ZooKeeper observer = zk(server);
        LinkedBlockingQueue<String> elected = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<String> deposed = new LinkedBlockingQueue<>();
        Map<String, LeaderLatch> latches = new HashMap<>();
        for (int i = 0; i < 3; i++) {
            String id = "p" + i;
            LeaderLatch latch = new LeaderLatch(curator(server), "/election", id);
            assertEquals(LeaderLatch.State.LATENT, latch.getState());
            assertFalse(latch.hasLeadership());
            latch.addListener(new LeaderLatchListener() {
                @Override
                public void isLeader() {
                    elected.add(id);
                }

                @Override
                public void notLeader() {
                    deposed.add(id);
                }
            });
            latches.put(id, latch);
            // some latches are closed by the scenario itself; close the rest (a second close throws)
            track(() -> {
                if (latch.getState() == LeaderLatch.State.STARTED) {
                    latch.close();
                }
            });
            latch.start();
            assertEquals(LeaderLatch.State.STARTED, latch.getState());
        }

        String first = elected.poll(WAIT_S, TimeUnit.SECONDS);
        assertNotNull(first, "nobody was elected");
        awaitChildren(observer, "/election", c -> c.size() == 3);
        LeaderLatch leader = latches.get(first);
        assertTrue(leader.await(WAIT_S, TimeUnit.SECONDS));
        assertEquals(List.of(first), holders(latches));

        // every participant agrees on the leader, and the leader owns the lowest sequence node
        List<Participant> participants = new ArrayList<>(leader.getParticipants());
        assertEquals(3, participants.size());
        assertEquals(first, participants.get(0).getId());
        assertTrue(participants.get(0).isLeader());
        assertFalse(participants.get(1).isLeader());
        assertFalse(participants.get(2).isLeader());
        assertEquals(Set.of("p0", "p1", "p2"),
                participants.stream().map(Participant::getId).collect(Collectors.toSet()));
        for (LeaderLatch l : latches.values()) {
            Participant p = l.getLeader();
            assertEquals(first, p.getId());
            assertTrue(p.isLeader());
        }
        List<String> nodes = new ArrayList<>(observer.getChildren("/election", false));
        Collections.sort(nodes, (a, b) -> a.substring(a.length() - 10).compareTo(b.substring(b.length() - 10)));
        assertEquals("/election/" + nodes.get(0), leader.getOurPath());
        assertEquals(0, elected.size(), "only one election so far: " + elected);

        // the leader leaves: the next in line (the second-lowest node) takes over, exactly once
        String next = participants.get(1).getId();
        leader.close(LeaderLatch.CloseMode.NOTIFY_LEADER);
        assertEquals(first, deposed.poll(WAIT_S, TimeUnit.SECONDS));
        assertEquals(LeaderLatch.State.CLOSED, leader.getState());
        assertFalse(leader.hasLeadership());
        assertEquals(next, elected.poll(WAIT_S, TimeUnit.SECONDS));
        latches.remove(first);
        assertEquals(List.of(next), holders(latches));
        awaitChildren(observer, "/election", c -> c.size() == 2);
        for (LeaderLatch l : latches.values()) {
            assertEquals(next, l.getLeader().getId());
            assertEquals(2, l.getParticipants().size());
        }

        // the remaining follower closes: the leader keeps leadership and nobody else is elected
        String follower = latches.keySet().stream().filter(id -> !id.equals(next)).findFirst().orElseThrow();
        latches.remove(follower).close();
        awaitChildren(observer, "/election", c -> c.size() == 1);
        assertTrue(latches.get(next).hasLeadership());
        assertEquals(1, latches.get(next).getParticipants().size());
        latches.get(next).close();
        awaitChildren(observer, "/election", List::isEmpty);
        assertEquals(0, elected.size(), "unexpected elections: " + elected);
        assertEquals(0, deposed.size(), "unexpected notLeader calls: " + deposed);
    }

    private static List<String> holders(Map<String, LeaderLatch> latches) {
        return latches.entrySet().stream().filter(e -> e.getValue().hasLeadership()).map(Map.Entry::getKey)
                .sorted().collect(Collectors.toList());
    }

    // ---------------------------------------------------------------- InterProcessMutex

    /** A counter whose increment is a separate read and write: only the lock keeps it exact. */
    private static final class RacyCounter {
        private volatile int value;

        void increment() {
            int v = value;
            Thread.yield();
            value = v + 1;
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void interProcessMutexSerializesIncrements(ServerUnderTest.Kind kind) throws Exception {
        ServerUnderTest server = start(kind);
        ZooKeeper observer = zk(server);
        String lockPath = "/locks/counter";

        // exclusion first, without threads: a held lock cannot be taken by another client
        InterProcessMutex a = new InterProcessMutex(curator(server), lockPath);
        InterProcessMutex b = new InterProcessMutex(curator(server), lockPath);
        assertTrue(a.acquire(WAIT_S, TimeUnit.SECONDS));
        assertTrue(a.acquire(WAIT_S, TimeUnit.SECONDS), "re-entrant");
        assertTrue(a.isAcquiredInThisProcess());
        assertTrue(a.isOwnedByCurrentThread());
        assertEquals(1, a.getParticipantNodes().size());
        assertFalse(b.acquire(200, TimeUnit.MILLISECONDS), "b took a lock a holds");
        assertEquals(1, a.getParticipantNodes().size(), "b's abandoned attempt left its node behind");
        a.release();
        assertTrue(a.isAcquiredInThisProcess(), "still held once");
        a.release();
        assertFalse(a.isAcquiredInThisProcess());
        assertTrue(b.acquire(WAIT_S, TimeUnit.SECONDS));
        b.release();
        awaitChildren(observer, lockPath, List::isEmpty);

        // N clients x M increments of a non-atomic counter, each under the lock
        int n = 4;
        int m = 25;
        RacyCounter counter = new RacyCounter();
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(n);
        track(pool::shutdownNow);
        List<InterProcessMutex> mutexes = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            mutexes.add(new InterProcessMutex(curator(server), lockPath));
        }
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (InterProcessMutex mutex : mutexes) {
            done.add(pool.submit(() -> {
                assertTrue(go.await(WAIT_S, TimeUnit.SECONDS));
                for (int j = 0; j < m; j++) {
                    assertTrue(mutex.acquire(WAIT_S, TimeUnit.SECONDS), "lock not acquired in time");
                    try {
                        maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                        counter.increment();
                        inside.decrementAndGet();
                    } finally {
                        mutex.release();
                    }
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : done) {
            f.get(4 * WAIT_S, TimeUnit.SECONDS);
        }
        assertEquals(n * m, counter.value);
        assertEquals(1, maxInside.get(), "two holders at once");
        for (InterProcessMutex mutex : mutexes) {
            assertFalse(mutex.isAcquiredInThisProcess());
        }
        // no lock znodes are left (the container parent itself may since have been reaped)
        assertEquals(List.of(), awaitChildren(observer, lockPath, List::isEmpty));
    }

    // ---------------------------------------------------------------- DistributedAtomicLong

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void distributedAtomicLongCountsExactly(ServerUnderTest.Kind kind) throws Exception {
        ServerUnderTest server = start(kind);
        ZooKeeper observer = zk(server);
        String path = "/counters/total";
        int clients = 4;
        int each = 25;
        List<DistributedAtomicLong> counters = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            counters.add(new DistributedAtomicLong(curator(server), path, new BoundedExponentialBackoffRetry(5, 50, 29),
                    PromotedToLock.builder().lockPath("/counters/lock")
                            .retryPolicy(new RetryNTimes(10, 20)).timeout(WAIT_S, TimeUnit.SECONDS).build()));
        }
        assertTrue(counters.get(0).initialize(0L));
        assertFalse(counters.get(1).initialize(5L), "already initialized");
        assertEquals(0L, counters.get(1).get().postValue());

        ConcurrentLinkedQueue<Long> results = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        track(pool::shutdownNow);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (DistributedAtomicLong counter : counters) {
            done.add(pool.submit(() -> {
                assertTrue(go.await(WAIT_S, TimeUnit.SECONDS));
                for (int j = 0; j < each; j++) {
                    AtomicValue<Long> v = counter.increment();
                    assertTrue(v.succeeded(), "increment did not succeed");
                    assertEquals(v.preValue() + 1, (long) v.postValue());
                    results.add(v.postValue());
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : done) {
            f.get(4 * WAIT_S, TimeUnit.SECONDS);
        }
        long total = (long) clients * each;
        // every increment saw a distinct value: exactly 1..total, none lost, none doubled
        List<Long> sorted = new ArrayList<>(results);
        Collections.sort(sorted);
        assertEquals(longsUpTo(total), sorted);
        AtomicValue<Long> now = counters.get(2).get();
        assertTrue(now.succeeded());
        assertEquals(total, now.postValue());
        assertArrayEquals(ByteBuffer.allocate(8).putLong(total).array(), observer.getData(path, false, null));

        AtomicValue<Long> cas = counters.get(3).compareAndSet(total, 7L);
        assertTrue(cas.succeeded());
        assertEquals(total, cas.preValue());
        assertEquals(7L, cas.postValue());
        assertFalse(counters.get(0).compareAndSet(total, 9L).succeeded(), "stale compareAndSet");
        AtomicValue<Long> sub = counters.get(0).subtract(10L);
        assertTrue(sub.succeeded());
        assertEquals(-3L, sub.postValue());
        assertEquals(-3L, counters.get(1).get().postValue());
    }

    private static List<Long> longsUpTo(long n) {
        List<Long> out = new ArrayList<>();
        for (long i = 1; i <= n; i++) {
            out.add(i);
        }
        return out;
    }

    // ---------------------------------------------------------------- SharedCount

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void sharedCountVersionedUpdatesReachOtherClients(ServerUnderTest.Kind kind) throws Exception {
        ServerUnderTest server = start(kind);
        ZooKeeper observer = zk(server);
        String path = "/shared/count";
        SharedCount a = track(new SharedCount(curator(server), path, 7));
        SharedCount b = track(new SharedCount(curator(server), path, 7));
        LinkedBlockingQueue<Integer> seenByA = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<Integer> seenByB = new LinkedBlockingQueue<>();
        a.addListener(recorder(seenByA));
        b.addListener(recorder(seenByB));
        a.start();
        b.start();
        assertEquals(7, a.getCount());
        assertEquals(7, b.getCount());
        VersionedValue<Integer> v0 = a.getVersionedValue();
        assertEquals(7, v0.getValue());
        assertEquals(0, v0.getVersion());
        Stat s0 = observer.exists(path, false);
        assertEquals(s0.getMzxid(), v0.getZxid());

        // listeners hear of every change, their own client's included; each change is awaited by
        // both before the next, so no watch can fold two changes into one notification
        a.setCount(11);
        assertEquals(11, seenByA.poll(WAIT_S, TimeUnit.SECONDS), "a was not told of 11");
        assertEquals(11, seenByB.poll(WAIT_S, TimeUnit.SECONDS), "b was not told of 11");
        assertEquals(11, b.getCount());
        VersionedValue<Integer> v1 = b.getVersionedValue();
        assertEquals(11, v1.getValue());
        assertEquals(1, v1.getVersion());
        assertEquals(observer.exists(path, false).getMzxid(), v1.getZxid());
        assertArrayEquals(ByteBuffer.allocate(4).putInt(11).array(), observer.getData(path, false, null));

        // a stale version loses without writing; the current one wins and the other client hears of it
        assertFalse(a.trySetCount(v0, 99));
        assertEquals(11, a.getCount());
        assertTrue(b.trySetCount(v1, 12));
        assertEquals(12, b.getCount());
        assertEquals(12, seenByA.poll(WAIT_S, TimeUnit.SECONDS), "a was not told of 12");
        assertEquals(12, seenByB.poll(WAIT_S, TimeUnit.SECONDS), "b was not told of 12");
        assertEquals(12, a.getCount());
        assertEquals(2, a.getVersionedValue().getVersion());
        assertFalse(a.trySetCount(v1, 13), "v1 is stale now");
        Stat s2 = observer.exists(path, false);
        assertEquals(2, s2.getVersion());
        assertArrayEquals(ByteBuffer.allocate(4).putInt(12).array(), observer.getData(path, false, null));
        assertEquals(s2.getMzxid(), a.getVersionedValue().getZxid());

        // a change made outside Curator is seen by both
        observer.setData(path, ByteBuffer.allocate(4).putInt(40).array(), 2);
        assertEquals(40, seenByA.poll(WAIT_S, TimeUnit.SECONDS));
        assertEquals(40, seenByB.poll(WAIT_S, TimeUnit.SECONDS));
        assertEquals(3, b.getVersionedValue().getVersion());
        assertEquals(40, a.getCount());

        // one more round trip through both clients' watches: nothing else was announced
        a.setCount(41);
        assertEquals(41, seenByA.poll(WAIT_S, TimeUnit.SECONDS));
        assertEquals(41, seenByB.poll(WAIT_S, TimeUnit.SECONDS));
        assertEquals(List.of(), new ArrayList<>(seenByA));
        assertEquals(List.of(), new ArrayList<>(seenByB));
    }

    private static SharedCountListener recorder(LinkedBlockingQueue<Integer> seen) {
        return new SharedCountListener() {
            @Override
            public void countHasChanged(SharedCountReader reader, int newCount) {
                seen.add(newCount);
            }

            @Override
            public void stateChanged(CuratorFramework client, ConnectionState newState) {}
        };
    }

    // ---------------------------------------------------------------- CuratorCache

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void curatorCacheReportsInitialTreeAndEveryChangeInOrder(ServerUnderTest.Kind kind) throws Exception {
        ServerUnderTest server = start(kind);
        ZooKeeper writer = zk(server);
        List<org.apache.zookeeper.data.ACL> open = ZooDefs.Ids.OPEN_ACL_UNSAFE;
        writer.create("/cache", utf8("root"), open, CreateMode.PERSISTENT);
        writer.create("/cache/a", utf8("1"), open, CreateMode.PERSISTENT);
        writer.create("/cache/b", utf8("2"), open, CreateMode.PERSISTENT);
        writer.create("/cache/b/deep", utf8("3"), open, CreateMode.PERSISTENT);

        LinkedBlockingQueue<String> events = new LinkedBlockingQueue<>();
        CountDownLatch initialized = new CountDownLatch(1);
        CuratorCache cache = track(CuratorCache.build(curator(server), "/cache"));
        cache.listenable().addListener(CuratorCacheListener.builder()
                .forAll((type, old, data) -> events.add(describe(type, old, data)))
                .forInitialized(initialized::countDown)
                .build());
        cache.start();
        assertTrue(initialized.await(WAIT_S, TimeUnit.SECONDS), "cache never initialized");

        // the initial build: one NODE_CREATED per node, all before initialized()
        List<String> initial = new ArrayList<>();
        events.drainTo(initial);
        assertEquals(Set.of("NODE_CREATED /cache root", "NODE_CREATED /cache/a 1", "NODE_CREATED /cache/b 2",
                "NODE_CREATED /cache/b/deep 3"), new HashSet<>(initial));
        assertEquals(4, initial.size(), initial.toString());
        assertEquals(4, cache.size());
        ChildData a = cache.get("/cache/a").orElseThrow();
        assertEquals("1", str(a.getData()));
        assertEquals(writer.exists("/cache/a", false), a.getStat());

        // each change, one at a time, arrives as exactly one event of the right type
        writer.create("/cache/c", utf8("x"), open, CreateMode.PERSISTENT);
        assertEquals("NODE_CREATED /cache/c x", next(events));
        writer.setData("/cache/c", utf8("y"), 0);
        assertEquals("NODE_CHANGED /cache/c x->y", next(events));
        writer.create("/cache/c/d", null, open, CreateMode.PERSISTENT);
        assertEquals("NODE_CREATED /cache/c/d null", next(events));
        writer.setData("/cache", utf8("root2"), 0);
        assertEquals("NODE_CHANGED /cache root->root2", next(events));
        writer.delete("/cache/c/d", 0);
        assertEquals("NODE_DELETED /cache/c/d null", next(events));
        writer.delete("/cache/c", 1);
        assertEquals("NODE_DELETED /cache/c y", next(events));
        writer.create("/cache/e", utf8("eph"), open, CreateMode.EPHEMERAL);
        assertEquals("NODE_CREATED /cache/e eph", next(events));
        // a sentinel: had any extra event been queued, it would come before this one
        writer.create("/cache/z", utf8("end"), open, CreateMode.PERSISTENT);
        assertEquals("NODE_CREATED /cache/z end", next(events));
        assertEquals(List.of(), drain(events));

        assertEquals(6, cache.size());
        assertTrue(cache.get("/cache/c").isEmpty());
        assertEquals("root2", str(cache.get("/cache").orElseThrow().getData()));
        assertEquals(Set.of("/cache", "/cache/a", "/cache/b", "/cache/b/deep", "/cache/e", "/cache/z"),
                cache.stream().map(ChildData::getPath).collect(Collectors.toSet()));
    }

    private static String describe(CuratorCacheListener.Type type, ChildData old, ChildData data) {
        switch (type) {
            case NODE_CREATED:
                return type + " " + data.getPath() + " " + str(data.getData());
            case NODE_CHANGED:
                return type + " " + data.getPath() + " " + str(old.getData()) + "->" + str(data.getData());
            default:
                return type + " " + old.getPath() + " " + str(old.getData());
        }
    }

    private static String next(LinkedBlockingQueue<String> events) throws InterruptedException {
        String e = events.poll(WAIT_S, TimeUnit.SECONDS);
        assertNotNull(e, "no event arrived");
        return e;
    }

    private static List<String> drain(LinkedBlockingQueue<String> q) {
        List<String> out = new ArrayList<>();
        q.drainTo(out);
        return out;
    }

    // ---------------------------------------------------------------- PersistentNode

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void persistentEphemeralNodeIsRecreatedAfterDeletion(ServerUnderTest.Kind kind) throws Exception {
        ServerUnderTest server = start(kind);
        ZooKeeper other = zk(server);
        CuratorFramework client = curator(server);
        long session = client.getZookeeperClient().getZooKeeper().getSessionId();
        String path = "/members/m1";
        PersistentNode node = track(new PersistentNode(client, CreateMode.EPHEMERAL, false, path, utf8("hello")));
        node.start();
        assertTrue(node.waitForInitialCreate(WAIT_S, TimeUnit.SECONDS));
        assertEquals(path, node.getActualPath());
        Stat first = other.exists(path, false);
        assertNotNull(first);
        assertEquals(session, first.getEphemeralOwner());
        assertEquals("hello", str(other.getData(path, false, null)));

        // another client deletes it: the recipe notices and creates it again
        other.delete(path, -1);
        Stat second = awaitNode(other, path, true);
        assertTrue(second.getCzxid() > first.getCzxid(), "not a new node");
        assertEquals(session, second.getEphemeralOwner());
        assertEquals("hello", str(other.getData(path, false, null)));
        assertEquals(path, node.getActualPath());

        // new data is written through and survives the next recreation
        node.setData(utf8("bye")); // written in the background
        awaitData(other, path, "bye");
        assertEquals("bye", str(node.getData()));
        Stat beforeThird = other.exists(path, false);
        other.delete(path, -1);
        Stat third = awaitNode(other, path, true);
        assertTrue(third.getCzxid() > beforeThird.getCzxid());
        assertEquals("bye", str(other.getData(path, false, null)));

        // closing the recipe removes the node
        node.close();
        opened.remove(node);
        assertNull(awaitNode(other, path, false));
    }

    // ---------------------------------------------------------------- DistributedQueue

    private static final QueueSerializer<String> UTF8 = new QueueSerializer<>() {
        @Override
        public byte[] serialize(String item) {
            return utf8(item);
        }

        @Override
        public String deserialize(byte[] bytes) {
            return str(bytes);
        }
    };

    private static QueueConsumer<String> into(LinkedBlockingQueue<String> sink) {
        return new QueueConsumer<>() {
            @Override
            public void consumeMessage(String message) {
                sink.add(message);
            }

            @Override
            public void stateChanged(CuratorFramework client, ConnectionState newState) {}
        };
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void distributedQueueDeliversEveryItemOnceInOrder(ServerUnderTest.Kind kind) throws Exception {
        ServerUnderTest server = start(kind);
        ZooKeeper observer = zk(server);
        int k = 40;
        LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
        DistributedQueue<String> consumer = track(
                QueueBuilder.builder(curator(server), into(received), UTF8, "/queue").buildQueue());
        DistributedQueue<String> producer = track(
                QueueBuilder.builder(curator(server), null, UTF8, "/queue").putInBackground(false).buildQueue());
        consumer.start();
        producer.start();
        List<String> expected = IntStream.range(0, k).mapToObj(i -> "item-" + i).collect(Collectors.toList());
        for (String item : expected) {
            producer.put(item);
        }
        List<String> got = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            got.add(next(received));
        }
        assertEquals(expected, got);
        // consumed items are gone from the server, and a sentinel is the very next delivery
        awaitChildren(observer, "/queue", List::isEmpty);
        producer.put("sentinel");
        assertEquals("sentinel", next(received));
        assertEquals(List.of(), drain(received));
        awaitChildren(observer, "/queue", List::isEmpty);
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void distributedQueueWithCompetingConsumersDeliversExactlyOnce(ServerUnderTest.Kind kind) throws Exception {
        ServerUnderTest server = start(kind);
        ZooKeeper observer = zk(server);
        int k = 60;
        LinkedBlockingQueue<String> toFirst = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<String> toSecond = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<String> all = new LinkedBlockingQueue<>();
        DistributedQueue<String> c1 = track(QueueBuilder.builder(curator(server), into(toFirst, all), UTF8, "/work")
                .buildQueue());
        DistributedQueue<String> c2 = track(QueueBuilder.builder(curator(server), into(toSecond, all), UTF8, "/work")
                .buildQueue());
        DistributedQueue<String> producer = track(
                QueueBuilder.builder(curator(server), null, UTF8, "/work").putInBackground(false).buildQueue());
        c1.start();
        c2.start();
        producer.start();
        for (int i = 0; i < k; i++) {
            producer.put(String.format("job-%03d", i));
        }
        for (int i = 0; i < k; i++) {
            next(all);
        }
        awaitChildren(observer, "/work", List::isEmpty);
        c1.close();
        c2.close();
        List<String> first = drain(toFirst);
        List<String> second = drain(toSecond);
        List<String> union = new ArrayList<>(first);
        union.addAll(second);
        Collections.sort(union);
        assertEquals(IntStream.range(0, k).mapToObj(i -> String.format("job-%03d", i)).collect(Collectors.toList()),
                union, "every job exactly once");
        // each consumer takes items in queue order
        assertEquals(first.stream().sorted().collect(Collectors.toList()), first);
        assertEquals(second.stream().sorted().collect(Collectors.toList()), second);
        assertEquals(List.of(), drain(all));
    }

    private static QueueConsumer<String> into(LinkedBlockingQueue<String> mine, LinkedBlockingQueue<String> all) {
        return new QueueConsumer<>() {
            @Override
            public void consumeMessage(String message) {
                mine.add(message);
                all.add(message);
            }

            @Override
            public void stateChanged(CuratorFramework client, ConnectionState newState) {}
        };
    }

    // ---------------------------------------------------------------- watched waits

    /**
     * Waits, re-arming a child watch after every change, until the children of {@code path} satisfy
     * {@code done}; a missing node counts as having no children. Returns the last listing.
     */
    private static List<String> awaitChildren(ZooKeeper zk, String path, Predicate<List<String>> done)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        List<String> children = null;
        while (true) {
            CountDownLatch changed = new CountDownLatch(1);
            try {
                children = zk.getChildren(path, e -> changed.countDown());
            } catch (KeeperException.NoNodeException gone) {
                if (zk.exists(path, e -> changed.countDown()) != null) {
                    continue; // created in between: list again
                }
                children = List.of();
            }
            if (done.test(children)) {
                return children;
            }
            long left = deadline - System.nanoTime();
            assertTrue(left > 0 && changed.await(left, TimeUnit.NANOSECONDS),
                    "children of " + path + " never matched; last " + children);
        }
    }

    /** Waits on a data watch until {@code path} holds {@code expected}. */
    private static void awaitData(ZooKeeper zk, String path, String expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        while (true) {
            CountDownLatch changed = new CountDownLatch(1);
            String now = str(zk.getData(path, e -> changed.countDown(), null));
            if (expected.equals(now)) {
                return;
            }
            long left = deadline - System.nanoTime();
            assertTrue(left > 0 && changed.await(left, TimeUnit.NANOSECONDS),
                    path + " never held " + expected + "; last " + now);
        }
    }

    /** Waits on an exists watch until {@code path} is present (returns its stat) or absent (null). */
    private static Stat awaitNode(ZooKeeper zk, String path, boolean present) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        while (true) {
            CountDownLatch changed = new CountDownLatch(1);
            Stat s = zk.exists(path, e -> changed.countDown());
            if ((s != null) == present) {
                return s;
            }
            long left = deadline - System.nanoTime();
            assertTrue(left > 0 && changed.await(left, TimeUnit.NANOSECONDS),
                    path + " never became " + (present ? "present" : "absent"));
        }
    }
}
