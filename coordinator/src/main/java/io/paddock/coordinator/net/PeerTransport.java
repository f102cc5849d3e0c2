package io.paddock.coordinator.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.paddock.coordinator.env.Entropy;
import io.paddock.coordinator.zab.Message;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connections between ensemble members: one TCP connection per pair (the member with the larger id
 * dials, the smaller accepts, so there are never two), a handshake that refuses strangers (and,
 * with a cluster secret, anyone who cannot prove it: {@link PeerLinkHandler}), then checksummed
 * length-prefixed frames of {@link PeerCodec} messages, delivered in order. A synchronization is
 * streamed in bounded frames on a stream thread of this transport ({@link LinkOutbox}) and received
 * into the member's {@link SnapshotSpool} ({@link SyncReceiver}), so no snapshot is ever one frame
 * or held whole in memory. What waits to be sent on a link is bounded: one largest frame plus
 * {@link Network.PeerSettings#sendBacklogBytes()}; a peer that lets more pile up, or stops reading
 * a sync stream, is disconnected. A broken connection is reported once through
 * {@link Listener#disconnected} and redialled while running. Knows nothing of Zab beyond the
 * message bytes.
 */
public final class PeerTransport implements PeerLinks {
    private static final Logger LOG = LoggerFactory.getLogger(PeerTransport.class);

    private final PeerHandshake self;
    private final PeerSecret secret;
    private final Entropy entropy;
    private final Network.PeerSettings settings;
    private final Listener listener;
    private final SnapshotSpool spool;
    private final int handshakeFrameLimit;
    private final WriteBufferWaterMark sendBound;
    private final EventLoopGroup group = new NioEventLoopGroup(2);
    /**
     * Threads that stream syncs (one per link while it streams; idle ones end): serializing a
     * snapshot and waiting for a slow peer must block neither the request thread nor an event loop.
     */
    private final ExecutorService streams = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "paddock-peer-stream");
        t.setDaemon(true);
        return t;
    });
    private final Map<Long, PeerLinkHandler> links = new ConcurrentHashMap<>();
    private volatile Map<Long, InetSocketAddress> peers = Map.of();
    private Channel server;
    private volatile InetSocketAddress bound;
    private volatile boolean running;
    private final AtomicLong refused = new AtomicLong();
    private volatile String lastRefusal;

    public PeerTransport(PeerHandshake self, Optional<PeerSecret> secret, Entropy entropy,
            Network.PeerSettings settings, SnapshotSpool spool, Listener listener) {
        this.self = self;
        this.secret = secret.orElse(null);
        this.entropy = entropy;
        this.settings = settings;
        this.spool = spool;
        this.listener = listener;
        this.handshakeFrameLimit = PeerFrames.handshakeLimit(self.encode(new byte[PeerSecret.NONCE_BYTES]).length);
        // Netty's water marks are ints: a bound past 2 GiB is no bound worth having
        int high = (int) Math.min(Integer.MAX_VALUE, (long) settings.maxFrameBytes() + settings.sendBacklogBytes());
        this.sendBound = new WriteBufferWaterMark(high, high);
    }

    /** Listens on {@code address} (port 0 picks one); returns the bound address. */
    public InetSocketAddress bind(InetSocketAddress address) throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, sendBound)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        install(ch, -1);
                    }
                });
        server = b.bind(address).sync().channel();
        bound = (InetSocketAddress) server.localAddress();
        return bound;
    }

    /** Starts dialling the members with smaller ids; {@code members} maps id to peer address. */
    public void start(Map<Long, InetSocketAddress> members) {
        this.peers = Map.copyOf(members);
        running = true;
        for (long id : peers.keySet()) {
            if (id < self.serverId()) {
                dial(id);
            }
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        return bound;
    }

    @Override
    public boolean send(long to, Message m) {
        PeerLinkHandler link = links.get(to);
        if (link == null || !link.isActive()) {
            LinkOutbox.release(m);
            return false;
        }
        return link.send(m);
    }

    /** Connections refused so far: strangers, wrong member lists or secrets, bad or late handshakes. */
    public long refusedCount() {
        return refused.get();
    }

    /** Why the last connection was refused (null if none was): what the WARN line said. */
    String lastRefusal() {
        return lastRefusal;
    }

    public boolean isConnected(long peer) {
        PeerLinkHandler link = links.get(peer);
        return link != null && link.isActive();
    }

    private void dial(long id) {
        if (!running) {
            return;
        }
        InetSocketAddress address = peers.get(id);
        Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, sendBound)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        install(ch, id);
                    }
                });
        b.connect(address).addListener(f -> {
            if (!f.isSuccess()) {
                redial(id);
            }
        });
    }

    private void install(SocketChannel ch, long dialled) {
        // Proposals, acks and commits are small and frequent: coalesce their flushes into fewer
        // syscalls (order is unaffected; a flush is only deferred to the end of the event-loop turn).
        ch.pipeline().addLast(new FlushConsolidationHandler(64, true));
        ch.pipeline().addLast(new PeerFrames.Decoder(handshakeFrameLimit));
        ch.pipeline().addLast(new PeerLinkHandler(this, dialled));
    }

    // ---- called by PeerLinkHandler ----

    PeerHandshake self() {
        return self;
    }

    /** Null without a cluster secret. */
    PeerSecret secret() {
        return secret;
    }

    Network.PeerSettings settings() {
        return settings;
    }

    /** The most a link may let wait: one largest frame plus the backlog (as the channel's water mark). */
    long sendBound() {
        return sendBound.high();
    }

    Executor streams() {
        return streams;
    }

    SnapshotSpool spool() {
        return spool;
    }

    Set<Long> members() {
        return peers.keySet();
    }

    /** A fresh challenge with a cluster secret; empty without. */
    byte[] newNonce() {
        return secret == null ? new byte[0] : PeerSecret.newNonce(entropy);
    }

    void refused(SocketAddress from, long claimed, String reason) {
        LOG.warn("refusing peer connection from {}{}: {}", from, claimed < 0 ? "" : " claiming server " + claimed,
                reason);
        lastRefusal = reason;
        refused.incrementAndGet();
    }

    /** {@code link} completed its handshake with {@code peer}: it replaces any earlier link. */
    void opened(long peer, PeerLinkHandler link) {
        PeerLinkHandler previous = links.put(peer, link);
        if (previous != null && previous != link) {
            // What was in flight on the old connection may be lost: say so, as for any break,
            // so the peer's protocol never assumes delivery across connections.
            previous.channel().close();
            listener.disconnected(peer);
        }
        listener.connected(peer);
    }

    void received(long peer, Message message) {
        listener.received(peer, message);
    }

    void lost(long peer, PeerLinkHandler link) {
        if (links.remove(peer, link)) {
            listener.disconnected(peer);
        }
    }

    /** After a connection to {@code dialled} (-1: one we accepted) failed or ended. */
    void redial(long dialled) {
        if (dialled >= 0 && running) {
            group.schedule(() -> dial(dialled), settings.redialMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public synchronized void close() {
        if (group.isShuttingDown()) {
            return;
        }
        running = false;
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        for (PeerLinkHandler link : links.values()) {
            link.channel().close().syncUninterruptibly();
        }
        // a stream waiting for its peer wakes up, finds its link closed and releases its snapshot
        streams.shutdownNow();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
