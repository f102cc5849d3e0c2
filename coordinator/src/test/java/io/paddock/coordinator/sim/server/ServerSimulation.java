package io.paddock.coordinator.sim.server;

import io.paddock.coordinator.env.Defect;
import io.paddock.coordinator.request.ApplyObserver;
import io.paddock.coordinator.server.PaddockServer;
import io.paddock.coordinator.server.QuorumConfig;
import io.paddock.coordinator.server.ServerConfig;
import io.paddock.coordinator.server.ServerConfigBuilder;
import io.paddock.coordinator.server.ServerEnvironment;
import io.paddock.coordinator.sim.linear.CheckResult;
import io.paddock.coordinator.txn.Txn;
import io.paddock.coordinator.txn.TxnEntry;
import io.paddock.coordinator.zab.ZabConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Complete Paddock servers (request path, Zab driver, log writer, snapshots, storage) in one thread
 * over simulated time, disks and network, with simulated stock-like clients and a seeded fault
 * schedule. Checked while running: every server applies the same txn at the same zxid and reaches
 * the same digest; no client is told "connected" on a session whose close was already applied
 * anywhere; replies keep per-session FIFO; watches fire at most once, in zxid order, and before
 * any read that shows the change; no server answers while its log has been stalled, or while it
 * has been cut off from its leader (or, as leader, from a quorum), for longer than syncLimit; no
 * server stops on an error that was not an injected disk fault. At the end, after healing: every
 * server serves and converges to the same state, and the clients' history is linearizable.
 *
 * <p>A failure throws {@link Violation} naming the seed; the same seed replays exactly.
 */
final class ServerSimulation {
    static final int TICK_MS = 100;
    static final int SYNC_LIMIT_TICKS = 5;
    static final int INIT_LIMIT_TICKS = 10;
    static final long MS = 1_000_000L;
    /** How long past syncLimit a server may take to notice and stop serving. */
    static final long SERVING_SLACK_NANOS = 3L * TICK_MS * MS;
    static final String LOCK = "/lock";

    static final class Violation extends AssertionError {
        Violation(String message) {
            super(message);
        }
    }

    /** One run's shape: members, defects and fault mix (swarm testing: rates vary per seed). */
    record Scenario(int voters, int observers, int clients, long faultyMillis, Defect defect,
                    ZabConfig.Defect zabDefect, FaultMix faults) {
        static Scenario standard(long seed, Defect defect, ZabConfig.Defect zabDefect) {
            java.util.SplittableRandom r = new java.util.SplittableRandom(seed * 31 + 7);
            int voters = r.nextInt(4) == 0 ? 5 : 3;
            int observers = r.nextInt(3) == 0 ? 1 : 0;
            return new Scenario(voters, observers, 3 + r.nextInt(3), 6_000 + r.nextInt(6_000), defect, zabDefect,
                    FaultMix.swarm(r));
        }
    }

    /** Probability per fault step (every 50 ms of the faulty phase) of each fault. */
    record FaultMix(double crash, double cut, double blackhole, double slowHost, double slowDisk, double stallDisk,
                    double failSync, double diskFull, double pause, double clientMove, double clientClose,
                    double crashInSync, double clientStall, double cutInStream) {
        static FaultMix swarm(java.util.SplittableRandom r) {
            // each fault is off in about a third of the seeds, so rare combinations get room
            return new FaultMix(pick(r, 0.02), pick(r, 0.02), pick(r, 0.015), pick(r, 0.01), pick(r, 0.01),
                    pick(r, 0.012), pick(r, 0.004), pick(r, 0.003), pick(r, 0.01), pick(r, 0.03), pick(r, 0.004),
                    pick(r, 0.004), pick(r, 0.01), pick(r, 0.3));
        }

        private static double pick(java.util.SplittableRandom r, double max) {
            return r.nextInt(3) == 0 ? 0 : r.nextDouble() * max;
        }
    }

    final long seed;
    private final Scenario scenario;
    final SimLoop loop;
    private final Map<Long, SimHost> hosts = new TreeMap<>();
    private final SimNetwork network;
    private final Map<Long, PaddockServer> servers = new TreeMap<>();
    private final Map<Long, ServerConfig> configs = new HashMap<>();
    private final List<Long> ids = new ArrayList<>();
    private final List<SimClient> clients = new ArrayList<>();
    final History history = new History();
    private final SimNodeChecks nodeChecks = new SimNodeChecks();
    /** zxid -> digest after it, as first applied anywhere. */
    private final Map<Long, Long> digests = new HashMap<>();
    /** Per server: last applied zxid and digest. */
    private final Map<Long, long[]> applied = new HashMap<>();
    /** Session -> simulated time its closeSession was first applied on any server. */
    private final Map<Long, Long> closedAt = new HashMap<>();
    private final Map<Long, Long> pauseEnds = new HashMap<>();
    private final ArrayDeque<String> trace = new ArrayDeque<>();
    private int restarts;
    private int crashes;
    private boolean faulty;

    ServerSimulation(long seed, Scenario scenario) {
        this.seed = seed;
        this.scenario = scenario;
        this.loop = new SimLoop(seed);
        int n = scenario.voters() + scenario.observers();
        for (long id = 1; id <= n; id++) {
            hosts.put(id, new SimHost(id, loop));
            ids.add(id);
        }
        this.network = new SimNetwork(loop, hosts);
        for (long id : ids) {
            configs.put(id, config(id));
            hosts.get(id).disk.crashHost = () -> {
                if (faulty && servers.containsKey(id)) {
                    record("s" + id + " crashes in the middle of an fsync");
                    crash(id);
                    loop.after(100 * MS + loop.random.nextLong(1_000 * MS), () -> restartIfDown(id));
                }
            };
        }
    }

    private ServerConfig config(long id) {
        ServerConfigBuilder b = ServerConfig.builder().tickTimeMs(TICK_MS).dataDir(Path.of("/sim/s" + id + "/data"))
                .initLimitTicks(INIT_LIMIT_TICKS).syncLimitTicks(SYNC_LIMIT_TICKS).snapCount(40)
                .preAllocSizeBytes(4096).logSegmentBytes(16 * 1024).minSessionTimeoutMs(2 * TICK_MS)
                .maxSessionTimeoutMs(20 * TICK_MS).clusterId("sim").containerCheckIntervalMs(500).extendedTypesEnabled(true);
        for (long other : ids) {
            b.server(other, "127.0.0.1:" + (12_000 + other) + ":" + (13_000 + other)
                    + (other > scenario.voters() ? ":observer" : ":participant") + ";127.0.0.1:" + (20_000 + other));
        }
        if (id > scenario.voters()) {
            b.peerType("observer");
        }
        return b.build();
    }

    void record(String event) {
        trace.addLast(String.format("%8.3f %s", loop.now() / 1e9, event));
        if (trace.size() > 60) {
            trace.removeFirst();
        }
    }

    void violation(String message) {
        throw new Violation("seed " + seed + " (" + scenario + ") at " + String.format("%.3f s", loop.now() / 1e9)
                + ": " + message + "\nrecent events:\n  " + String.join("\n  ", trace));
    }

    // ------------------------------------------------------------------ servers

    private void startServer(long id) {
        SimHost host = hosts.get(id);
        host.boot();
        ServerConfig config = configs.get(id);
        ApplyObserver observer = new ApplyObserver() {
            @Override
            public void applied(long zxid, TxnEntry entry, long digest) {
                onApplied(id, zxid, entry, digest);
            }

            @Override
            public void installed(long zxid, long digest) {
                applied.put(id, new long[] {zxid, digest});
            }
        };
        ServerEnvironment env = new ServerEnvironment(host.clock(), host.entropy(), host.scheduler(), host.disk,
                network.endpoint(id), observer, scenario.defect(), scenario.zabDefect());
        try {
            servers.put(id, PaddockServer.start(config, QuorumConfig.from(config, id), env));
            record("s" + id + " started");
        } catch (IOException e) {
            if (!injectedDiskFault(e)) {
                violation("s" + id + " failed to start: " + e);
            }
            record("s" + id + " failed to start: " + e.getMessage());
            host.crash();
            network.hostDown(id);
            loop.after(200 * MS, () -> restartIfDown(id));
        }
    }

    private static boolean injectedDiskFault(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c.getMessage() != null && c.getMessage().startsWith("simulated")) {
                return true;
            }
        }
        return false;
    }

    private void crash(long id) {
        if (servers.remove(id) == null) {
            return;
        }
        crashes++;
        applied.remove(id);
        hosts.get(id).crash();
        network.hostDown(id);
        for (SimClient c : clients) {
            c.serverCrashed(id);
        }
        record("s" + id + " crashed");
    }

    private void restartIfDown(long id) {
        if (!servers.containsKey(id)) {
            restarts++;
            startServer(id);
        }
    }

    private void onApplied(long id, long zxid, TxnEntry entry, long digest) {
        Long known = digests.putIfAbsent(zxid, digest);
        if (known == null) {
            nodeChecks.applied(zxid, entry.txn());
        }
        if (known != null && known != digest) {
            violation("s" + id + " reached digest " + Long.toHexString(digest) + " at zxid 0x" + Long.toHexString(zxid)
                    + " where another server reached " + Long.toHexString(known));
        }
        long[] last = applied.get(id);
        if (last != null && last[0] >= zxid) {
            violation("s" + id + " applied zxid 0x" + Long.toHexString(zxid) + " after 0x" + Long.toHexString(last[0]));
        }
        applied.put(id, new long[] {zxid, digest});
        if (entry.txn() instanceof Txn.CloseSession c) {
            closedAt.putIfAbsent(c.sessionId(), loop.effectiveNow());
        }
    }

    /** After every event: a server that stopped by itself must have hit an injected disk fault. */
    private void checkFailures() {
        for (Map.Entry<Long, PaddockServer> e : new ArrayList<>(servers.entrySet())) {
            PaddockServer s = e.getValue();
            if (s.failed()) {
                if (!injectedDiskFault(s.failure())) {
                    violation("s" + e.getKey() + " stopped on an error that was not injected: " + describe(s.failure()));
                }
                record("s" + e.getKey() + " stopped on " + s.failure().getMessage());
                crash(e.getKey());
                loop.after(100 * MS + loop.random.nextLong(500 * MS), () -> restartIfDown(e.getKey()));
            }
        }
    }

    private static String describe(Throwable t) {
        java.io.StringWriter w = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(w));
        return w.toString();
    }

    // ------------------------------------------------------------------ what clients report

    /** A server told a client it is connected on {@code sessionId}: its close must not have been applied yet. */
    void sessionAccepted(SimClient client, long sessionId, long server, long sentAt) {
        Long closed = closedAt.get(sessionId);
        if (closed != null && closed <= sentAt) {
            violation("s" + server + " told client " + client.id + " it is connected on session 0x"
                    + Long.toHexString(sessionId) + " at " + sentAt / MS + " ms, but the session's close was applied at "
                    + closed / MS + " ms");
        }
        record("client " + client.id + " connected to s" + server + " with session 0x" + Long.toHexString(sessionId));
    }

    java.util.NavigableMap<Long, Integer> changesOf(String path) {
        return nodeChecks.changesOf(path);
    }

    void sequentialCreated(SimClient client, String path, long zxid) {
        String problem = nodeChecks.sequentialCreated(path, zxid);
        if (problem != null) {
            violation("client " + client.id + ": " + problem);
        }
    }

    void sessionExpiredSeen(SimClient client, long sessionId) {
        record("client " + client.id + " learned session 0x" + Long.toHexString(sessionId) + " expired");
    }

    /**
     * {@code client} created the ephemeral lock: whoever held it before must learn that it lost it
     * within syncLimit (its session is gone; a server still telling it "connected" after that would
     * let two clients act as lock owners).
     */
    void lockTaken(SimClient client, long session, String path, long zxid) {
        record("client " + client.id + " took " + path + " at 0x" + Long.toHexString(zxid));
        long bound = SYNC_LIMIT_TICKS * TICK_MS * MS + SERVING_SLACK_NANOS;
        for (SimClient other : clients) {
            if (other == client || other.lockSession() == 0 || other.lockSession() == session) {
                continue;
            }
            long oldSession = other.lockSession();
            loop.after(bound, () -> {
                if (other.connected() && other.sessionId() == oldSession && closedAt.containsKey(oldSession)) {
                    violation("client " + other.id + " is still connected on session 0x" + Long.toHexString(oldSession)
                            + " which held " + path + ", although client " + client.id + " took it at 0x"
                            + Long.toHexString(zxid));
                }
            });
        }
    }

    // ------------------------------------------------------------------ serving checks

    private long servingBound() {
        return SYNC_LIMIT_TICKS * TICK_MS * MS + SERVING_SLACK_NANOS;
    }

    /** The log thread of {@code id} has been blocked on a stalled disk since, or -1. */
    private long logBlockedSince(long id) {
        SimExecutor log = hosts.get(id).executor("paddock-txnlog");
        return log == null ? -1 : log.blockedSince(loop.now());
    }

    private final Map<Long, String> lastStates = new HashMap<>();

    private void checkServing() {
        for (Map.Entry<Long, PaddockServer> e : servers.entrySet()) {
            String state = e.getValue().mode() + (e.getValue().serving() ? " serving" : "") + " leader "
                    + e.getValue().leaderId();
            if (!state.equals(lastStates.put(e.getKey(), state))) {
                record("s" + e.getKey() + " is " + state);
            }
        }
        long bound = servingBound();
        for (Map.Entry<Long, PaddockServer> e : servers.entrySet()) {
            long id = e.getKey();
            PaddockServer s = e.getValue();
            SimHost h = hosts.get(id);
            boolean justResumed = loop.now() - pauseEnds.getOrDefault(id, Long.MIN_VALUE / 2) < TICK_MS * MS;
            if (!s.serving() || h.paused() || justResumed) {
                continue;
            }
            long blocked = logBlockedSince(id);
            if (blocked >= 0 && loop.now() - blocked > bound) {
                violation("s" + id + " serves clients although its txn log has been stalled for "
                        + (loop.now() - blocked) / MS + " ms");
            }
            String mode = s.mode();
            if (mode.equals("leader")) {
                int heard = 1;
                for (long m = 1; m <= scenario.voters(); m++) {
                    if (m != id && loop.now() - network.lastHeard(m, id) <= bound) {
                        heard++;
                    }
                }
                if (heard <= scenario.voters() / 2) {
                    violation("s" + id + " serves as leader although it has not heard from a quorum for longer than"
                            + " syncLimit");
                }
            } else if (mode.equals("follower") || mode.equals("observer")) {
                long leader = s.leaderId();
                long silent = loop.now() - network.lastHeard(leader, id);
                if (silent > bound) {
                    violation("s" + id + " serves as " + mode + " although it has not heard from leader s" + leader
                            + " for " + silent / MS + " ms");
                }
            }
        }
    }

    // ------------------------------------------------------------------ faults and load

    private long randomServer() {
        return ids.get(loop.random.nextInt(ids.size()));
    }

    private void faultStep() {
        if (!faulty) {
            return;
        }
        FaultMix f = scenario.faults();
        java.util.SplittableRandom r = loop.random;
        if (r.nextDouble() < f.crash()) {
            long id = randomServer();
            crash(id);
            loop.after(200 * MS + r.nextLong(2_000 * MS), () -> restartIfDown(id));
        }
        if (r.nextDouble() < f.cut()) {
            long a = randomServer();
            long b = randomServer();
            if (a != b) {
                record("cut s" + a + "-s" + b);
                network.cut(a, b);
                loop.after(100 * MS + r.nextLong(2_000 * MS), () -> {
                    record("heal s" + a + "-s" + b);
                    network.heal(a, b);
                });
            }
        }
        if (r.nextDouble() < f.blackhole()) {
            long a = randomServer();
            long b = randomServer();
            if (a != b) {
                long until = loop.now() + 200 * MS + r.nextLong(3_000 * MS);
                record("black hole s" + a + "-s" + b + " until " + until / MS + " ms");
                network.blackhole(a, b, until);
            }
        }
        if (r.nextDouble() < f.slowHost()) {
            long id = randomServer();
            record("s" + id + " slow");
            network.slow(id, (1 + r.nextLong(30)) * MS);
            loop.after(r.nextLong(3_000 * MS), () -> network.slow(id, 0));
        }
        if (r.nextDouble() < f.slowDisk()) {
            SimDisk d = hosts.get(randomServer()).disk;
            d.faults.fsyncNanos = (2 + r.nextLong(60)) * MS;
            loop.after(r.nextLong(3_000 * MS), () -> d.faults.fsyncNanos = 200_000);
        }
        if (r.nextDouble() < f.stallDisk()) {
            long id = randomServer();
            long until = loop.now() + 200 * MS + r.nextLong(4_000 * MS);
            record("s" + id + " disk stalls until " + until / MS + " ms");
            hosts.get(id).disk.faults.stalledUntil = until;
        }
        if (r.nextDouble() < f.failSync()) {
            long id = randomServer();
            record("s" + id + " next fsync fails");
            hosts.get(id).disk.faults.failingSyncs = 1;
        }
        if (r.nextDouble() < f.diskFull()) {
            long id = randomServer();
            record("s" + id + " disk full");
            SimDisk d = hosts.get(id).disk;
            d.faults.full = true;
            loop.after(100 * MS + r.nextLong(1_000 * MS), () -> d.faults.full = false);
        }
        if (r.nextDouble() < f.pause()) {
            long id = randomServer();
            long nanos = 50 * MS + r.nextLong(1_500 * MS);
            record("s" + id + " pauses for " + nanos / MS + " ms");
            hosts.get(id).pause(nanos);
            pauseEnds.put(id, loop.now() + nanos);
        }
        if (r.nextDouble() < f.clientMove() && !clients.isEmpty()) {
            clients.get(r.nextInt(clients.size())).moveToAnotherServer();
        }
        if (r.nextDouble() < f.clientStall() && !clients.isEmpty()) {
            SimClient c = clients.get(r.nextInt(clients.size()));
            long nanos = 50 * MS + r.nextLong(2_000 * MS);
            int reads = 5 + r.nextInt(80);
            record("client " + c.id + " stops reading for " + nanos / MS + " ms and sends " + reads + " reads");
            c.stallReading(nanos, SimWorkload.randomKey(r), reads);
        }
        if (r.nextDouble() < f.clientClose() && !clients.isEmpty()) {
            SimClient c = clients.get(r.nextInt(clients.size()));
            if (c.connected()) {
                record("client " + c.id + " closes its session");
                c.closeSession();
                addClient();
            }
        }
    }

    private void addClient() {
        SimClient c = new SimClient(clients.size() + 1, loop, network, this, ids, 1500 + loop.random.nextInt(1000));
        clients.add(c);
        c.start();
    }

    // ------------------------------------------------------------------ the run

    /** Runs the scenario; throws {@link Violation} on the first broken property. */
    Result run() {
        for (long id : ids) {
            startServer(id);
        }
        for (int i = 0; i < scenario.clients(); i++) {
            addClient();
        }
        Runnable afterEach = this::checkFailures;
        long tickNanos = 10 * MS;
        long end = scenario.faultyMillis() * MS + 1_000 * MS;
        for (long t = tickNanos; t <= end; t += tickNanos) {
            if (!faulty && t > 1_000 * MS) {
                faulty = true;
                hosts.values().forEach(h -> h.disk.faults.crashInSync = scenario.faults().crashInSync());
                network.cutInStream = scenario.faults().cutInStream();
            }
            loop.runUntil(t, afterEach);
            checkServing();
            SimWorkload.step(loop.random, clients);
            if ((t / tickNanos) % 5 == 0) {
                faultStep();
            }
        }
        faulty = false;
        heal();
        long deadline = loop.now() + 20_000 * MS;
        while (!converged()) {
            if (loop.now() > deadline) {
                violation("no convergence within 20 s after healing: " + describeState());
            }
            loop.runUntil(loop.now() + tickNanos, afterEach);
            checkServing();
        }
        // Every learner is in sync: no view of a leader's tree may still be held for a sync stream
        // (an unreleased view remembers every change forever).
        servers.forEach((id, s) -> {
            if (s.syncViewsOpen() != 0) {
                violation("s" + id + " holds " + s.syncViewsOpen() + " views of its tree for syncs that ended");
            }
        });
        // Operations still unanswered when the run ends have an unknown outcome, like lost ones.
        clients.forEach(SimClient::abandonPending);
        CheckResult linear = history.check();
        if (linear.verdict() == CheckResult.Verdict.NOT_LINEARIZABLE) {
            violation("client history is not linearizable: " + linear);
        }
        return new Result(loop.steps(), history.size(), crashes, restarts, linear.verdict(), new Coverage(
                clients.stream().mapToLong(c -> c.watches().persistentEventsChecked).sum(),
                clients.stream().mapToLong(c -> c.watches().childEventsFired).sum(),
                nodeChecks.sequentialCreatesChecked, network.unreadCloses, network.syncStreams,
                network.snapshotStreams, network.syncStreamsBroken));
    }

    record Result(long steps, int operations, int crashes, int restarts, CheckResult.Verdict linearizable,
                  Coverage coverage) {}

    /**
     * How much the watch, sequence, slow-client and sync checks had to work on in a run: syncs streamed
     * between servers, {@code snapshotStreams} of them with a snapshot, {@code streamsCut} of all cut
     * mid-stream.
     */
    record Coverage(long persistentEvents, long childEvents, long sequentialCreates, long unreadCloses,
                    long syncStreams, long snapshotStreams, long streamsCut) {
        Coverage plus(Coverage o) {
            return new Coverage(persistentEvents + o.persistentEvents, childEvents + o.childEvents,
                    sequentialCreates + o.sequentialCreates, unreadCloses + o.unreadCloses,
                    syncStreams + o.syncStreams, snapshotStreams + o.snapshotStreams, streamsCut + o.streamsCut);
        }
    }

    private void heal() {
        record("heal everything");
        network.cutInStream = 0;
        network.healAll();
        for (SimHost h : hosts.values()) {
            h.disk.faults.crashInSync = 0;
            h.disk.faults.stalledUntil = -1;
            h.disk.faults.full = false;
            h.disk.faults.failingSyncs = 0;
            h.disk.faults.fsyncNanos = 200_000;
        }
        for (long id : ids) {
            restartIfDown(id);
        }
    }

    /** Every server up and serving, at the same last zxid and digest. */
    private boolean converged() {
        Long zxid = null;
        Long digest = null;
        for (long id : ids) {
            PaddockServer s = servers.get(id);
            long[] a = applied.get(id);
            if (s == null || !s.serving() || a == null) {
                return false;
            }
            if (zxid == null) {
                zxid = a[0];
                digest = a[1];
            } else if (zxid != a[0] || digest != a[1]) {
                return false;
            }
        }
        return true;
    }

    private String describeState() {
        StringBuilder sb = new StringBuilder();
        for (long id : ids) {
            PaddockServer s = servers.get(id);
            long[] a = applied.get(id);
            sb.append("\n  s").append(id).append(": ").append(s == null ? "down" : s.mode() + (s.serving() ? " serving" : ""))
                    .append(a == null ? "" : " applied 0x" + Long.toHexString(a[0]));
        }
        return sb.toString();
    }
}
