package io.paddock.coordinator.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.MessageToByteEncoder;
import io.paddock.coordinator.zab.Message;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connections between ensemble members: one TCP connection per pair (the member with the larger id
 * dials, the smaller accepts, so there are never two), a handshake that refuses strangers, then
 * checksummed length-prefixed frames of {@link PeerCodec} messages, delivered in order. A broken
 * connection is reported once through {@link Listener#disconnected} and redialled while running.
 * Knows nothing of Zab beyond the message bytes.
 */
public final class PeerTransport implements PeerLinks {
    private static final Logger LOG = LoggerFactory.getLogger(PeerTransport.class);

    private final PeerHandshake self;
    private final Listener listener;
    private final int maxFrameBytes;
    private final long redialMs;
    private final EventLoopGroup group = new NioEventLoopGroup(2);
    private final Map<Long, Channel> links = new ConcurrentHashMap<>();
    private volatile Map<Long, InetSocketAddress> peers = Map.of();
    private Channel server;
    private volatile InetSocketAddress bound;
    private volatile boolean running;
    private final java.util.concurrent.atomic.AtomicLong refused = new java.util.concurrent.atomic.AtomicLong();

    public PeerTransport(PeerHandshake self, Listener listener, int maxFrameBytes, long redialMs) {
        this.self = self;
        this.listener = listener;
        this.maxFrameBytes = maxFrameBytes;
        this.redialMs = redialMs;
    }

    /** Listens on {@code address} (port 0 picks one); returns the bound address. */
    public InetSocketAddress bind(InetSocketAddress address) throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
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
        Channel c = links.get(to);
        if (c == null || !c.isActive()) {
            return false;
        }
        c.writeAndFlush(PeerCodec.encode(m), c.voidPromise());
        return true;
    }

    /** Handshakes refused so far (strangers, wrong member lists). */
    public long refusedCount() {
        return refused.get();
    }

    public boolean isConnected(long peer) {
        Channel c = links.get(peer);
        return c != null && c.isActive();
    }

    private void dial(long id) {
        if (!running) {
            return;
        }
        InetSocketAddress address = peers.get(id);
        Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        install(ch, id);
                    }
                });
        b.connect(address).addListener(f -> {
            if (!f.isSuccess()) {
                group.schedule(() -> dial(id), redialMs, TimeUnit.MILLISECONDS);
            }
        });
    }

    private void install(SocketChannel ch, long dialled) {
        // Proposals, acks and commits are small and frequent: coalesce their flushes into fewer
        // syscalls (order is unaffected; a flush is only deferred to the end of the event-loop turn).
        ch.pipeline().addLast(new io.netty.handler.flush.FlushConsolidationHandler(64, true));
        ch.pipeline().addLast(new FrameDecoder(maxFrameBytes));
        ch.pipeline().addLast(new FrameEncoder());
        ch.pipeline().addLast(new Link(dialled));
    }

    /** One connection: handshake first, then messages. */
    private final class Link extends SimpleChannelInboundHandler<byte[]> {
        private final long dialled;
        private long peer = -1;

        Link(long dialled) {
            this.dialled = dialled;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(self.encode());
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, byte[] frame) throws IOException {
            if (peer < 0) {
                PeerHandshake theirs = PeerHandshake.decode(frame);
                String refusal = self.refusalOf(theirs, peers.keySet());
                if (refusal == null && dialled >= 0 && theirs.serverId() != dialled) {
                    refusal = "dialled server " + dialled + " but server " + theirs.serverId() + " answered";
                }
                if (refusal != null) {
                    LOG.warn("refusing peer connection from {}: {}", ctx.channel().remoteAddress(), refusal);
                    refused.incrementAndGet();
                    ctx.close();
                    return;
                }
                peer = theirs.serverId();
                Channel previous = links.put(peer, ctx.channel());
                if (previous != null && previous != ctx.channel()) {
                    // What was in flight on the old connection may be lost: say so, as for any break,
                    // so the peer's protocol never assumes delivery across connections.
                    previous.close();
                    listener.disconnected(peer);
                }
                listener.connected(peer);
                return;
            }
            listener.received(peer, PeerCodec.decode(frame));
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (peer >= 0 && links.remove(peer, ctx.channel())) {
                listener.disconnected(peer);
            }
            if (dialled >= 0 && running) {
                group.schedule(() -> dial(dialled), redialMs, TimeUnit.MILLISECONDS);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.info("peer connection {} closed: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }

    /** [int length][int crc32c][body]: a corrupt or oversize frame closes the connection. */
    private static final class FrameDecoder extends ByteToMessageDecoder {
        private final int max;

        FrameDecoder(int max) {
            this.max = max;
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            while (in.readableBytes() >= 8) {
                int length = in.getInt(in.readerIndex());
                if (length < 0 || length > max) {
                    throw new CorruptedFrameException("peer frame of " + length + " bytes");
                }
                if (in.readableBytes() < 8 + length) {
                    return;
                }
                in.skipBytes(4);
                int crc = in.readInt();
                byte[] body = new byte[length];
                in.readBytes(body);
                CRC32C c = new CRC32C();
                c.update(body);
                if ((int) c.getValue() != crc) {
                    throw new CorruptedFrameException("peer frame checksum mismatch");
                }
                out.add(body);
            }
        }
    }

    private static final class FrameEncoder extends MessageToByteEncoder<byte[]> {
        @Override
        protected void encode(ChannelHandlerContext ctx, byte[] body, ByteBuf out) {
            CRC32C c = new CRC32C();
            c.update(body);
            out.writeInt(body.length);
            out.writeInt((int) c.getValue());
            out.writeBytes(body);
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
        for (Channel c : links.values()) {
            c.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
