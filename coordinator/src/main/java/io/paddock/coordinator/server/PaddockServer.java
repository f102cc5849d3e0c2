package io.paddock.coordinator.server;

import io.paddock.coordinator.acl.AuthRegistry;
import io.paddock.coordinator.admin.AdminCommands;
import io.paddock.coordinator.admin.FourLetterWords;
import io.paddock.coordinator.admin.ServerView;
import io.paddock.coordinator.env.Clock;
import io.paddock.coordinator.env.Disk;
import io.paddock.coordinator.env.SerialExecutor;
import io.paddock.coordinator.net.ClientPort;
import io.paddock.coordinator.net.Network;
import io.paddock.coordinator.net.PeerHandshake;
import io.paddock.coordinator.net.PeerLinks;
import io.paddock.coordinator.net.PeerSecret;
import io.paddock.coordinator.net.SyncFrames;
import io.paddock.coordinator.request.AccessControl;
import io.paddock.coordinator.request.RequestPath;
import io.paddock.coordinator.storage.DataDirIdentity;
import io.paddock.coordinator.storage.SnapshotStore;
import io.paddock.coordinator.storage.TxnLog;
import io.paddock.coordinator.storage.TxnLogOptions;
import io.paddock.coordinator.tree.DataTree;
import io.paddock.coordinator.zab.ZabConfig;
import io.paddock.coordinator.zab.ZabPeer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Paddock server, wired: recovery, the Zab peer and its driver, the log writer, the snapshot
 * scheduler, the request path, the client port and (in an ensemble) the peer links. A standalone
 * server is a one-voter ensemble: the same write path, recovery and apply. Everything
 * nondeterministic comes from the {@link ServerEnvironment}, so the same wiring runs in production
 * and in the whole-server simulator. Several servers can run in one JVM.
 */
public final class PaddockServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PaddockServer.class);
    static final String SNAPSHOT_DIR = "snapshots";
    static final String LOG_DIR = "txnlog";
    /** ZooKeeper's standalone server allocates session ids as server 1. */
    static final long STANDALONE_SESSION_SERVER_ID = 1;
    /**
     * Peer frames hold one message: at most a log entry (a proposal) or a forwarded request. A sync,
     * snapshot included, is streamed in chunks of {@link Network.PeerSettings#DEFAULT_STREAM_CHUNK_BYTES},
     * so no frame grows with the tree. This much leaves room for large session-touch relays.
     */
    private static final int MIN_PEER_FRAME_BYTES = 64 << 20;

    private final ServerConfig config;
    private final QuorumConfig quorumConfig;
    private final ServerEnvironment env;
    private final Clock clock;
    private final long startedAtMillis;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private TxnLog log;
    private SerialExecutor requestThread;
    private SerialExecutor logThread;
    private SerialExecutor snapshotThread;
    private QuorumDriver driver;
    private RequestPath requests;
    private SnapshotScheduler snapshots;
    private PeerLinks links;
    private ClientPort clientPort;
    private volatile boolean failed;
    private volatile Throwable failure;
    private volatile boolean closed;

    private PaddockServer(ServerConfig config, QuorumConfig quorumConfig, ServerEnvironment env) {
        this.config = config;
        this.quorumConfig = quorumConfig;
        this.env = env;
        this.clock = env.clock();
        this.startedAtMillis = clock.wallMillis();
    }

    /** How long a standalone server may take from recovery to serving before start-up fails. */
    private static final long STANDALONE_SERVING_WAIT_SECONDS = 60;

    /**
     * Starts a server with the real clock, threads, disk and network. A standalone server is serving
     * when this returns (it elects itself at once); an ensemble member serves once it has a leader.
     */
    public static PaddockServer start(ServerConfig config) throws IOException {
        QuorumConfig quorumConfig = QuorumConfig.load(config);
        PaddockServer server = start(config, quorumConfig, ServerEnvironment.production(config));
        if (quorumConfig.isStandalone()) {
            try {
                server.driver.firstServing().get(STANDALONE_SERVING_WAIT_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                server.close();
                throw new IOException("standalone server did not start serving within "
                        + STANDALONE_SERVING_WAIT_SECONDS + " s", e);
            } catch (InterruptedException e) {
                server.close();
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted during start-up");
            }
        }
        return server;
    }

    public static PaddockServer start(ServerConfig config, QuorumConfig quorumConfig, ServerEnvironment env)
            throws IOException {
        PaddockServer server = new PaddockServer(config, quorumConfig, env);
        try {
            server.open();
            return server;
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    private void open() throws IOException {
        quorumConfig.warnings().forEach(LOG::warn);
        Disk disk = env.disk();
        long myId = quorumConfig.myId();
        Path dataDir = config.dataDir();
        Path logDir = config.dataLogDir();
        DataDirIdentity.stampOrVerify(disk, dataDir, myId, config.clusterId());
        if (!logDir.equals(dataDir)) {
            DataDirIdentity.stampOrVerify(disk, logDir, myId, config.clusterId());
        }
        SnapshotStore snapshotStore = new SnapshotStore(disk, dataDir.resolve(SNAPSHOT_DIR));
        log = TxnLog.open(disk, logDir.resolve(LOG_DIR), new TxnLogOptions(config.preAllocSizeBytes(),
                config.forceSync(), config.logSegmentBytes(), maxEntryBytes()));
        // a snapshot whose reception a crash interrupted is never resumed: the leader sends it again
        snapshotStore.deleteLeftoverSpools();
        ZabStateFile epochs = ZabStateFile.open(disk, dataDir);
        long start = clock.monotonicNanos();
        Recovery.State recovered = Recovery.recover(snapshotStore, log, epochs, quorumConfig.voters().size() > 1);
        DataTree tree = recovered.tree();
        LOG.info("recovered {} nodes and {} sessions at snapshot zxid 0x{}, {} logged txns after it, in {} ms",
                tree.nodeCount(), tree.sessions().size(), Long.toHexString(tree.lastZxid()), recovered.log().size(),
                (clock.monotonicNanos() - start) / 1_000_000);

        requestThread = env.scheduler().serial("paddock-requests", this::fatal);
        logThread = env.scheduler().serial("paddock-txnlog", this::fatal);
        snapshotThread = env.scheduler().serial("paddock-snapshot", this::fatal);
        GroupCommitter committer = new GroupCommitter(log, epochs, logThread);
        snapshots = new SnapshotScheduler(snapshotStore, config.snapCount(), snapshotThread, clock);
        snapshots.attach(committer);

        ZabConfig zabConfig = QuorumTiming.zabConfig(quorumConfig, config.tickTimeMs()).withDefect(env.zabDefect());
        RequestPath[] path = new RequestPath[1];
        // a learner's SNAP sync: a view of the tree opened here, on the request thread, in O(1); the
        // transport writes it on its own thread and releases it
        ZabPeer peer = new ZabPeer(myId, zabConfig, epochs.acceptedEpoch(), epochs.currentEpoch(), tree.lastZxid(),
                recovered.log(), tree.lastZxid(), () -> new OutgoingTreeSnapshot(path[0].openImage()),
                epochs.resyncing());
        LOG.info("server {} of {}: epochs accepted={} current={}", myId, quorumConfig.voters(),
                epochs.acceptedEpoch(), epochs.currentEpoch());
        driver = new QuorumDriver(peer, quorumConfig.isStandalone(), requestThread, committer);
        requests = new RequestPath(new RequestPath.Settings(config.tickTimeMs(), config.minSessionTimeoutMs(),
                config.maxSessionTimeoutMs(), config.globalOutstandingLimit(), config.extendedTypesEnabled(),
                config.containerCheckIntervalMs(), config.containerMaxPerMinute(), maxEntryBytes()), tree,
                new AccessControl(new AuthRegistry(config.superDigest().orElse(null))), driver, requestThread, clock,
                env.entropy(), quorumConfig.isStandalone() ? STANDALONE_SESSION_SERVER_ID : myId,
                snapshots::txnApplied, env.observer(), env.defect());
        path[0] = requests;
        // Keep about two snapshots' worth of entries in memory for DIFF syncs; older ones are in
        // the snapshot a far-behind learner gets instead.
        long[] previousSnapshot = {tree.lastZxid()};
        snapshots.onWritten(zxid -> requestThread.execute(() -> {
            peer.compact(Math.min(previousSnapshot[0], tree.lastZxid()));
            previousSnapshot[0] = zxid;
        }));
        if (config.purgeIntervalHours() > 0) {
            snapshotThread.scheduleRepeating(() -> snapshots.purge(config.snapRetainCount()),
                    config.purgeIntervalHours() * 3_600_000L);
        }
        driver.attachHost(requests);
        links = quorumConfig.isStandalone() ? null : openPeerLinks(snapshotStore);
        driver.attachLinks(links);
        requests.start();
        driver.start(QuorumTiming.zabTickMs(config.tickTimeMs()), clock);

        InetSocketAddress clientBind = quorumConfig.self().flatMap(QuorumPeerSpec::clientAddress)
                .map(a -> new InetSocketAddress(a.getHostString(), a.getPort())).orElse(config.clientBindAddress());
        FourLetterWords words = new FourLetterWords(config::fourLetterWordEnabled, new AdminCommands(
                new AdminCommands.Settings(config.dataDir(), config.dataLogDir(), config.tickTimeMs(),
                        config.maxClientCnxns(), config.minSessionTimeoutMs(), config.maxSessionTimeoutMs()),
                this::uptimeMs, () -> clientPort == null ? 0 : clientPort.openConnections(),
                () -> clientPort == null ? config.clientPort() : clientPort.address().getPort()),
                new FourLetterWords.ServerState() {
                    @Override
                    public CompletableFuture<ServerView> view() {
                        return requests.view();
                    }

                    @Override
                    public void resetStats() {
                        requests.resetStats();
                    }
                });
        clientPort = env.network().openClientPort(new Network.ClientPortSpec(clientBind, config.maxClientCnxns(),
                config.maxCnxns(), config.juteMaxBufferBytes(), config.juteMaxBufferBytes(),
                config.maxPendingReplyBytes()), requests, words);
    }

    private int maxEntryBytes() {
        return config.juteMaxBufferBytes() * 2 + 4096;
    }

    private PeerLinks openPeerLinks(SnapshotStore snapshotStore) throws IOException {
        Map<Long, InetSocketAddress> others = new HashMap<>();
        for (long id : quorumConfig.others()) {
            QuorumPeerSpec spec = quorumConfig.peer(id).orElseThrow();
            others.put(id, new InetSocketAddress(spec.host(), spec.quorumPort()));
        }
        QuorumPeerSpec self = quorumConfig.self().orElseThrow();
        long redialMs = Math.max(50, Math.min(1000, config.tickTimeMs() / 4));
        // a connection gets initLimit ticks to complete its handshake, as ZooKeeper's initial exchange does
        // a sync stream whose peer reads nothing for initLimit is as dead as a handshake that long
        long initLimitMs = (long) config.tickTimeMs() * config.initLimitTicks();
        int maxFrame = Math.max(MIN_PEER_FRAME_BYTES,
                SyncFrames.maxFrameBody(Network.PeerSettings.DEFAULT_STREAM_CHUNK_BYTES, maxEntryBytes()));
        Network.PeerSettings settings = new Network.PeerSettings(maxFrame,
                Network.PeerSettings.DEFAULT_SEND_BACKLOG_BYTES, initLimitMs, redialMs,
                Network.PeerSettings.DEFAULT_STREAM_CHUNK_BYTES, initLimitMs);
        PeerHandshake handshake = new PeerHandshake(PeerHandshake.PROTOCOL_VERSION, quorumConfig.myId(),
                config.clusterId(), quorumConfig.fingerprint());
        PeerLinks l = env.network().openPeerLinks(new Network.PeerSpec(handshake,
                config.quorumSecret().map(PeerSecret::new), env.entropy(),
                new InetSocketAddress(self.host(), self.quorumPort()), others, settings,
                ReceivedSnapshot.spoolInto(snapshotStore)), driver);
        LOG.info("quorum port {}; peers {}; {}", l.localAddress(), others,
                config.quorumSecret().isPresent() ? "peers prove the cluster secret" : "no cluster secret");
        return l;
    }

    /** A task failed (an I/O error of the log, a bug): stop rather than continue with unknown state. */
    private void fatal(Throwable t) {
        if (failed) {
            return;
        }
        failed = true;
        failure = t;
        LOG.error("fatal error; the server stops and must be restarted (it recovers from its log)", t);
        if (driver != null) {
            driver.firstServing().completeExceptionally(t);
        }
        // close() waits for the server's threads, so it cannot run on one of them
        SerialExecutor stopper = env.scheduler().serial("paddock-fatal-stop", e -> LOG.error("error while stopping", e));
        stopper.execute(() -> {
            close();
            stopper.close();
        });
    }

    /** Purges old snapshots and the log segments they no longer need now (what autopurge does hourly). */
    public void purgeNow() {
        snapshots.purge(config.snapRetainCount());
    }

    /** Zxid of the last snapshot written since start, or -1. */
    public long lastSnapshotZxid() {
        return snapshots.lastSnapshotZxid();
    }

    /**
     * Views of the tree held open for learners' snapshot syncs (not the periodic snapshot's): each
     * remembers every change until its stream ends, so one that is never released is a leak. Exact
     * when nothing runs concurrently (the simulator); otherwise a diagnostic.
     */
    public int syncViewsOpen() {
        if (requests == null || snapshots == null) {
            return 0;
        }
        return requests.openImages() - (snapshots.inProgress() ? 1 : 0);
    }

    /** The bound quorum (peer) address, or null when standalone. */
    public InetSocketAddress quorumAddress() {
        return links == null ? null : links.localAddress();
    }

    /** Leading or synchronized with an established leader, and caught up (standalone included). */
    public boolean serving() {
        return driver != null && driver.servingNow();
    }

    /** The id of the leader this server leads or follows, or -1 (as last seen on the request thread). */
    public long leaderId() {
        return driver == null ? -1 : driver.publishedLeader();
    }

    /** leader, follower, observer, looking, or standalone. */
    public String mode() {
        if (quorumConfig.isStandalone()) {
            return "standalone";
        }
        return switch (driver.publishedRole()) {
            case LEADING -> "leader";
            case FOLLOWING -> "follower";
            case OBSERVING -> "observer";
            case LOOKING -> "looking";
        };
    }

    public InetSocketAddress clientAddress() {
        return clientPort.address();
    }

    /** host:port a client on this machine can connect to. */
    public String connectString() {
        InetSocketAddress a = clientPort.address();
        String host = a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getAddress().getHostAddress();
        return host + ":" + a.getPort();
    }

    public ServerConfig config() {
        return config;
    }

    public boolean failed() {
        return failed;
    }

    /** What stopped a failed server, or null. */
    public Throwable failure() {
        return failure;
    }

    long uptimeMs() {
        return clock.wallMillis() - startedAtMillis;
    }

    /** Blocks until the server has stopped. */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        LOG.info("stopping server {}", clientPort == null ? "" : clientPort.address());
        try {
            if (clientPort != null) {
                clientPort.close();
            }
            if (driver != null) {
                driver.stop();
            }
            if (links != null) {
                links.close();
            }
            if (requests != null) {
                requests.stop();
            }
            for (SerialExecutor e : new SerialExecutor[] {requestThread, snapshotThread}) {
                if (e != null) {
                    e.stop();
                }
            }
            boolean logThreadStopped = logThread == null || logThread.stop();
            // only the log thread may touch the log: if it is stuck (a hung fsync), leave the log alone
            if (log != null && !failed && logThreadStopped) {
                log.close();
            }
        } catch (IOException e) {
            LOG.warn("error closing txn log", e);
        } finally {
            stopped.countDown();
        }
    }
}
