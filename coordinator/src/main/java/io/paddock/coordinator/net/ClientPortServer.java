package io.paddock.coordinator.net;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.paddock.coordinator.wire.ClientFrameDecoder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client port: accepts connections (native epoll on Linux), enforces maxClientCnxns per client
 * IP and installs the frame decoder and connection handler on each.
 */
final class ClientPortServer implements ClientPort {
    private static final Logger LOG = LoggerFactory.getLogger(ClientPortServer.class);
    /** ZooKeeper's default for connections that never send a ConnectRequest. */
    static final long SESSIONLESS_TIMEOUT_MS = 10_000;

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Class<? extends ServerChannel> channelClass;
    private final ConcurrentHashMap<InetAddress, AtomicInteger> perIp = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();
    private Channel serverChannel;
    private InetSocketAddress bound;

    ClientPortServer(int workerThreads) {
        if (Epoll.isAvailable()) {
            boss = new EpollEventLoopGroup(1);
            workers = new EpollEventLoopGroup(workerThreads);
            channelClass = EpollServerSocketChannel.class;
        } else {
            boss = new NioEventLoopGroup(1);
            workers = new NioEventLoopGroup(workerThreads);
            channelClass = NioServerSocketChannel.class;
        }
    }

    /**
     * Binds and starts accepting. {@code maxFrameBytes} bounds one request frame; larger lengths close
     * the connection, as ZooKeeper's "Len error" does.
     */
    InetSocketAddress start(Network.ClientPortSpec spec, ClientRequestSink sink, FourLetterWordHandler words)
            throws InterruptedException {
        int maxClientCnxns = spec.maxClientCnxns();
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(channelClass)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        InetAddress ip = ch.remoteAddress().getAddress();
                        AtomicInteger count = perIp.computeIfAbsent(ip, k -> new AtomicInteger());
                        int now = count.incrementAndGet();
                        int all = open.incrementAndGet();
                        ch.closeFuture().addListener(f -> {
                            open.decrementAndGet();
                            if (count.decrementAndGet() == 0) {
                                perIp.remove(ip, count);
                            }
                        });
                        String refusal = null;
                        if (spec.maxCnxns() > 0 && all > spec.maxCnxns()) {
                            refusal = "Too many connections - max is " + spec.maxCnxns();
                        } else if (maxClientCnxns > 0 && now > maxClientCnxns) {
                            refusal = "Too many connections from " + ip.getHostAddress() + " - max is " + maxClientCnxns;
                        }
                        if (refusal != null) {
                            LOG.warn(refusal);
                            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelActive(ChannelHandlerContext ctx) {
                                    ctx.close();
                                }
                            });
                            return;
                        }
                        ch.pipeline().addLast("frames", new ClientFrameDecoder(spec.maxFrameBytes()));
                        ch.pipeline().addLast("client", new ClientChannelHandler(sink, words, spec.maxBuffer(),
                                SESSIONLESS_TIMEOUT_MS, spec.maxPendingReplyBytes()));
                    }
                });
        serverChannel = b.bind(spec.bindAddress()).sync().channel();
        bound = (InetSocketAddress) serverChannel.localAddress();
        LOG.info("client port listening on {} ({})", bound, Epoll.isAvailable() ? "epoll" : "nio");
        return bound;
    }

    @Override
    public InetSocketAddress address() {
        return bound;
    }

    @Override
    public int openConnections() {
        return open.get();
    }

    @Override
    public void close() {
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
        }
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
