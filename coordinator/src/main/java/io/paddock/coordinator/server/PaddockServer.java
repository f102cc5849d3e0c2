package io.paddock.coordinator.server;

import io.paddock.coordinator.acl.AuthRegistry;
import io.paddock.coordinator.env.Disk;
import io.paddock.coordinator.net.ClientPortServer;
import io.paddock.coordinator.net.FourLetterWords;
import io.paddock.coordinator.net.PeerHandshake;
import io.paddock.coordinator.net.PeerTransport;
import io.paddock.coordinator.storage.CloseableIterator;
import io.paddock.coordinator.storage.DataDirIdentity;
import io.paddock.coordinator.storage.LogEntry;
import io.paddock.coordinator.storage.Snapshot;
import io.paddock.coordinator.storage.SnapshotStore;
import io.paddock.coordinator.storage.TxnLog;
import io.paddock.coordinator.storage.TxnLogOptions;
import io.paddock.coordinator.tree.DataTree;
import io.paddock.coordinator.tree.TreeImage;
import io.paddock.coordinator.txn.TxnCodec;
import io.paddock.coordinator.zab.Entry;
import io.paddock.coordinator.zab.ZabPeer;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Paddock server: recovery, then the request pipeline, the log writer, the snapshot scheduler and
 * the client port, wired together; with {@code server.N} lines also the Zab peer, its driver and the
 * peer transport. Several can run in one JVM (tests).
 */
public final class PaddockServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PaddockServer.class);
    static final String SNAPSHOT_DIR = "snapshots";
    static final String LOG_DIR = "txnlog";
    /** ZooKeeper's standalone server allocates session ids as server 1. */
    static final long STANDALONE_SERVER_ID = 1;
    /** A SNAP sync carries the whole tree in one frame. */
    private static final int MAX_PEER_FRAME_BYTES = 1 << 30;

    private final ServerConfig config;
    private final QuorumConfig quorumConfig;
    private QuorumDriver quorum;
    private PeerTransport transport;
    private InetSocketAddress quorumAddress;
    // Assigned once in the constructor; not final so a failed start can close what it opened.
    private final TxnLog log;
    private RequestPipeline pipeline;
    private GroupCommitter committer;
    private SnapshotScheduler snapshots;
    private ClientPortServer clientPort;
    private ScheduledExecutorService purgeTimer;
    private InetSocketAddress boundAddress;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final long startedAtMs = System.currentTimeMillis();
    private volatile boolean failed;
    private volatile boolean closed;

    private PaddockServer(ServerConfig config) throws IOException, InterruptedException {
        this.config = config;
        this.quorumConfig = QuorumConfig.load(config);
        quorumConfig.warnings().forEach(LOG::warn);
        long myId = quorumConfig.isStandalone() ? 0 : quorumConfig.myId();
        Path dataDir = config.dataDir();
        Path logDir = config.dataLogDir();
        Files.createDirectories(dataDir);
        Files.createDirectories(logDir);
        DataDirIdentity.stampOrVerify(Disk.local(), dataDir, myId, config.clusterId());
        if (!logDir.equals(dataDir)) {
            DataDirIdentity.stampOrVerify(Disk.local(), logDir, myId, config.clusterId());
        }
        SnapshotStore snapshotStore = new SnapshotStore(Disk.local(), dataDir.resolve(SNAPSHOT_DIR));
        this.log = TxnLog.open(Disk.local(), logDir.resolve(LOG_DIR), new TxnLogOptions(config.preAllocSizeBytes(), config.forceSync(),
                config.logSegmentBytes(), config.juteMaxBufferBytes() * 2 + 4096));
        try {
            long start = System.nanoTime();
            // In an ensemble only the snapshot is applied: logged entries may be uncommitted, so they
            // go to the Zab peer, which applies them once a leader commits them.
            DataTree tree = quorumConfig.isStandalone() ? recover(snapshotStore, log) : loadSnapshot(snapshotStore);
        LOG.info("recovered {} nodes and {} sessions up to zxid 0x{} in {} ms", tree.nodeCount(),
                tree.sessions().size(), Long.toHexString(tree.lastZxid()), (System.nanoTime() - start) / 1_000_000);

        this.snapshots = new SnapshotScheduler(snapshotStore, config.snapCount());
        ServerStats stats = new ServerStats();
        AuthRegistry registry = new AuthRegistry(config.superDigest().orElse(null));
        this.pipeline = new RequestPipeline(config, tree, new AccessControl(registry), snapshots, stats,
                quorumConfig.isStandalone() ? STANDALONE_SERVER_ID : myId);
        this.committer = new GroupCommitter(log, 10_000, 1000, pipeline::durable, this::fatal, "paddock-txnlog");
        snapshots.attach(committer);
        if (!quorumConfig.isStandalone()) {
            startQuorum(myId, tree, snapshotStore);
        }
        committer.start();
        pipeline.start(committer);

        this.purgeTimer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "paddock-purge");
            t.setDaemon(true);
            return t;
        });
        if (config.purgeIntervalHours() > 0) {
            long hours = config.purgeIntervalHours();
            purgeTimer.scheduleWithFixedDelay(() -> snapshots.purge(config.snapRetainCount()), hours, hours,
                    TimeUnit.HOURS);
        }

        this.clientPort = new ClientPortServer(Math.max(2, Runtime.getRuntime().availableProcessors()));
        FourLetterWords words = new FourLetterWords(config, pipeline, this::uptimeMs, clientPortStatus(),
                () -> boundAddress == null ? config.clientPort() : boundAddress.getPort());
        InetSocketAddress clientBind = quorumConfig.self().flatMap(QuorumPeerSpec::clientAddress)
                .map(a -> new InetSocketAddress(a.getHostString(), a.getPort())).orElse(config.clientBindAddress());
        this.boundAddress = clientPort.start(clientBind, pipeline, words, config.maxClientCnxns(),
                config.juteMaxBufferBytes(), config.juteMaxBufferBytes());
        } catch (IOException | InterruptedException | RuntimeException e) {
            closeQuietly(clientPort, transport, pipeline, committer, snapshots,
                    purgeTimer == null ? null : purgeTimer::shutdownNow, log);
            throw e;
        }
    }

    /**
     * The Zab peer from the durable state: epochs, the log after the snapshot (applied only once
     * committed), and the transport to the other members.
     */
    private void startQuorum(long myId, DataTree tree, SnapshotStore snapshotStore) throws IOException,
            InterruptedException {
        ZabStateFile epochs = ZabStateFile.open(Disk.local(), config.dataDir(), snapshotStore);
        committer.attach(epochs);
        List<Entry> durable = new ArrayList<>();
        try (CloseableIterator<LogEntry> entries = log.readFrom(tree.lastZxid())) {
            while (entries.hasNext()) {
                LogEntry e = entries.next();
                durable.add(new Entry(e.zxid(), e.payload()));
            }
        }
        ZabPeer peer = new ZabPeer(myId, QuorumTiming.zabConfig(quorumConfig, config.tickTimeMs()),
                epochs.acceptedEpoch(), epochs.currentEpoch(), tree.lastZxid(), durable, tree.lastZxid(),
                pipeline::takeSnapshot);
        LOG.info("server {} of {}: epochs accepted={} current={}, {} logged entries after snapshot 0x{}", myId,
                quorumConfig.members(), epochs.acceptedEpoch(), epochs.currentEpoch(), durable.size(),
                Long.toHexString(tree.lastZxid()));
        QuorumDriver.Host host = pipeline.quorumHost();
        this.quorum = new QuorumDriver(peer, committer, host, config.juteMaxBufferBytes() * 2 + 4096);
        long redialMs = Math.max(50, Math.min(1000, config.tickTimeMs() / 4));
        this.transport = new PeerTransport(new PeerHandshake(PeerHandshake.PROTOCOL_VERSION, myId, config.clusterId(),
                quorumConfig.fingerprint()), quorum, MAX_PEER_FRAME_BYTES, redialMs);
        quorum.attach(transport);
        pipeline.attachQuorum(quorum);
        // Keep about two snapshots' worth of entries in memory for DIFF syncs; older ones are in
        // the snapshot a far-behind learner gets instead.
        long[] previousSnapshot = {tree.lastZxid()};
        snapshots.onWritten(zxid -> host.execute(() -> {
            peer.compact(Math.min(previousSnapshot[0], tree.lastZxid()));
            previousSnapshot[0] = zxid;
        }));
        QuorumPeerSpec self = quorumConfig.self().orElseThrow();
        this.quorumAddress = transport.bind(new InetSocketAddress(self.host(), self.quorumPort()));
        Map<Long, InetSocketAddress> others = new HashMap<>();
        for (long id : quorumConfig.others()) {
            QuorumPeerSpec spec = quorumConfig.peer(id).orElseThrow();
            others.put(id, new InetSocketAddress(spec.host(), spec.quorumPort()));
        }
        transport.start(others);
        LOG.info("quorum port {}; peers {}", quorumAddress, others);
    }

    /** The newest valid snapshot alone (an ensemble member's starting state), or an empty tree. */
    static DataTree loadSnapshot(SnapshotStore snapshots) throws IOException {
        Optional<Snapshot> snapshot = snapshots.latestValid();
        if (snapshot.isEmpty()) {
            return new DataTree();
        }
        try (DataInputStream in = snapshot.get().open()) {
            DataTree tree = DataTree.fromImage(TreeImage.readFrom(in));
            if (tree.lastZxid() != snapshot.get().zxid()) {
                throw new IOException("snapshot " + snapshot.get().path() + " is named for zxid 0x"
                        + Long.toHexString(snapshot.get().zxid()) + " but holds 0x" + Long.toHexString(tree.lastZxid()));
            }
            return tree;
        }
    }

    private FourLetterWords.PortStatus clientPortStatus() {
        return () -> clientPort.openConnections();
    }

    public static PaddockServer start(ServerConfig config) throws IOException {
        try {
            return new PaddockServer(config);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted during start-up", e);
        }
    }

    /** Undoes a partial start so a failed start leaves no threads or open files behind. */
    private static void closeQuietly(AutoCloseable... parts) {
        for (AutoCloseable c : parts) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.debug("cleanup after failed start", e);
                }
            }
        }
    }

    /**
     * Newest valid snapshot, then every logged txn after it, through the same {@code DataTree.apply}
     * live commits use. A gap between snapshot and log means data is missing: refuse to start.
     */
    static DataTree recover(SnapshotStore snapshots, TxnLog log) throws IOException {
        DataTree tree = loadSnapshot(snapshots);
        try (CloseableIterator<LogEntry> entries = log.readFrom(tree.lastZxid())) {
            while (entries.hasNext()) {
                LogEntry e = entries.next();
                if (e.zxid() != tree.lastZxid() + 1 && (e.zxid() >>> 32) == (tree.lastZxid() >>> 32)) {
                    throw new IOException("txn log gap: after zxid 0x" + Long.toHexString(tree.lastZxid())
                            + " the next logged txn is 0x" + Long.toHexString(e.zxid())
                            + "; refusing to start with missing committed txns");
                }
                tree.apply(e.zxid(), TxnCodec.decode(e.payload()));
            }
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("txn log replay failed: " + e.getMessage(), e);
        }
        return tree;
    }

    private void fatal() {
        failed = true;
        LOG.error("fatal storage error: closing the client port; the server must be restarted");
        new Thread(this::close, "paddock-fatal-stop").start();
    }

    /** Purges old snapshots and the log segments they no longer need now (what autopurge does hourly). */
    public void purgeNow() {
        snapshots.purge(config.snapRetainCount());
    }

    /** Zxid of the last snapshot written since start, or -1. */
    public long lastSnapshotZxid() {
        return snapshots.lastSnapshotZxid();
    }

    /** The bound quorum (peer) address, or null when standalone. */
    public InetSocketAddress quorumAddress() {
        return quorumAddress;
    }

    /** Standalone, or an ensemble member that is synchronized with an established leader. */
    public boolean serving() {
        return quorum == null || quorum.servingNow();
    }

    /** leader, follower, observer, looking, or standalone. */
    public String mode() {
        if (quorum == null) {
            return "standalone";
        }
        return switch (quorum.publishedRole()) {
            case LEADING -> "leader";
            case FOLLOWING -> "follower";
            case OBSERVING -> "observer";
            case LOOKING -> "looking";
        };
    }

    public InetSocketAddress clientAddress() {
        return boundAddress;
    }

    /** host:port a client on this machine can connect to. */
    public String connectString() {
        String host = boundAddress.getAddress().isAnyLocalAddress() ? "127.0.0.1"
                : boundAddress.getAddress().getHostAddress();
        return host + ":" + boundAddress.getPort();
    }

    public ServerConfig config() {
        return config;
    }

    public boolean failed() {
        return failed;
    }

    long uptimeMs() {
        return System.currentTimeMillis() - startedAtMs;
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
        LOG.info("stopping server on {}", boundAddress);
        try {
            clientPort.close();
            if (quorum != null) {
                quorum.stop();
                transport.close();
            }
            pipeline.close();
            committer.close();
            snapshots.close();
            purgeTimer.shutdownNow();
            log.close();
        } catch (IOException e) {
            LOG.warn("error closing txn log", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stopped.countDown();
        }
    }
}
