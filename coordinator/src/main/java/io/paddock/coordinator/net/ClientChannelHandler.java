package io.paddock.coordinator.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.buffer.Unpooled;
import io.paddock.coordinator.wire.ClientRequest;
import io.paddock.coordinator.wire.EventType;
import io.paddock.coordinator.wire.FourLetterWord;
import io.paddock.coordinator.wire.Jute;
import io.paddock.coordinator.wire.MultiCodec;
import io.paddock.coordinator.wire.OpCode;
import io.paddock.coordinator.wire.RequestDecoder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.jute.Record;
import org.apache.zookeeper.proto.ConnectResponse;
import org.apache.zookeeper.proto.ReplyHeader;
import org.apache.zookeeper.proto.WatcherEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: turns frames into typed requests ({@link RequestDecoder}) and hands them
 * to the request path; sends what the request path answers. Knows the protocol's shapes, not its
 * meaning. Anything it cannot decode closes this connection only, with the reason logged.
 */
final class ClientChannelHandler extends ChannelInboundHandlerAdapter implements ClientConnection {
    private static final Logger LOG = LoggerFactory.getLogger(ClientChannelHandler.class);

    /** A graceful close that cannot flush within this time (the client stopped reading) becomes a hard one. */
    private static final long CLOSE_FLUSH_MILLIS = 1000;

    private final ClientRequestSink sink;
    private final FourLetterWordHandler fourLetterWords;
    private final int maxBuffer;
    private Channel channel;
    private boolean handshakeDone;
    private volatile boolean sendReadOnlyFlag;
    private io.netty.util.concurrent.ScheduledFuture<?> sessionlessTimeout;
    private final long sessionlessTimeoutMs;
    private final long maxPendingReplyBytes;
    private volatile boolean closed;

    ClientChannelHandler(ClientRequestSink sink, FourLetterWordHandler fourLetterWords, int maxBuffer,
                         long sessionlessTimeoutMs, long maxPendingReplyBytes) {
        this.sink = sink;
        this.fourLetterWords = fourLetterWords;
        this.maxBuffer = maxBuffer;
        this.sessionlessTimeoutMs = sessionlessTimeoutMs;
        // Room for a few maximal replies plus a large burst of notifications, whatever the setting.
        this.maxPendingReplyBytes = Math.max(maxPendingReplyBytes, 4L * maxBuffer);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        // A connection that never completes a handshake must not hold resources forever.
        sessionlessTimeout = ctx.executor().schedule(() -> {
            if (!handshakeDone) {
                close("no connect request within " + sessionlessTimeoutMs + " ms");
            }
        }, sessionlessTimeoutMs, java.util.concurrent.TimeUnit.MILLISECONDS);
        sink.opened(this);
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed = true;
        sink.closed(this);
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof FourLetterWord word) {
            answer(word, ctx.channel());
            return;
        }
        ByteBuf frame = (ByteBuf) msg;
        try {
            if (!handshakeDone) {
                readConnect(frame);
            } else {
                readRequest(frame);
            }
        } catch (IOException | RuntimeException e) {
            close("undecodable " + (handshakeDone ? "request" : "connect request") + ": " + e);
        } finally {
            frame.release();
        }
    }

    private void readConnect(ByteBuf frame) throws IOException {
        RequestDecoder.Connect connect = RequestDecoder.decodeConnect(frame, maxBuffer);
        sendReadOnlyFlag = connect.hasReadOnlyFlag();
        handshakeDone = true;
        if (sessionlessTimeout != null) {
            sessionlessTimeout.cancel(false);
        }
        sink.connect(this, connect.request());
    }

    private void readRequest(ByteBuf frame) throws IOException {
        ClientRequest request = RequestDecoder.decode(frame, maxBuffer);
        if (request instanceof ClientRequest.Unsupported u) {
            LOG.info("Received packet at server of unknown type {} from {}", u.op(), remoteAddress());
        } else if (request instanceof ClientRequest.Malformed m) {
            // ZooKeeper answers a body it cannot decode with MARSHALLING_ERROR and keeps the session.
            LOG.info("undecodable {} request from {}", OpCode.name(m.op()), remoteAddress());
        }
        sink.request(this, request);
    }

    private void answer(FourLetterWord word, Channel ch) {
        sink.fourLetterWord(this);
        LOG.debug("four-letter word {} from {}", word.word(), remoteAddress());
        fourLetterWords.answer(word).whenComplete((text, err) -> {
            String reply = err != null ? "error: " + err.getMessage() + "\n" : text;
            if (reply == null) {
                ch.close();
            } else {
                ch.writeAndFlush(Unpooled.copiedBuffer(reply, StandardCharsets.UTF_8))
                        .addListener(ChannelFutureListener.CLOSE);
            }
        });
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof DecoderException) {
            close("bad frame: " + cause.getMessage());
        } else if (cause instanceof IOException) {
            LOG.debug("connection {} I/O error: {}", remoteAddress(), cause.toString());
            ctx.close();
        } else {
            close("unexpected error: " + cause);
        }
    }

    // ---------------------------------------------------------------- ClientConnection

    @Override
    public void sendConnectResponse(ConnectResponse response, boolean closeAfter) {
        if (channel == null || closed) {
            return;
        }
        var f = channel.writeAndFlush(Jute.connectResponseFrame(channel.alloc(), response, sendReadOnlyFlag));
        if (closeAfter) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void sendReply(ReplyHeader header, Record body) {
        if (writable()) {
            channel.writeAndFlush(Jute.replyFrame(channel.alloc(), header, body), channel.voidPromise());
        }
    }

    @Override
    public void sendMultiReply(ReplyHeader header, List<MultiCodec.Result> results) {
        if (writable()) {
            channel.writeAndFlush(MultiCodec.replyFrame(channel.alloc(), header, results), channel.voidPromise());
        }
    }

    @Override
    public void deliverEvent(int eventType, String path, long zxid) {
        if (writable()) {
            WatcherEvent event = new WatcherEvent(eventType, EventType.STATE_SYNC_CONNECTED, path);
            channel.writeAndFlush(Jute.replyFrame(channel.alloc(), new ReplyHeader(-1, zxid, 0), event),
                    channel.voidPromise());
        }
    }

    /**
     * False when the connection is gone, or when the client has stopped reading and its unsent
     * replies exceed the bound: such a connection is closed rather than allowed to grow the heap.
     */
    private boolean writable() {
        if (channel == null || closed) {
            return false;
        }
        var outbound = channel.unsafe().outboundBuffer();
        if (outbound != null && outbound.totalPendingWriteBytes() > maxPendingReplyBytes) {
            // A hard close: a graceful one would wait behind the very bytes the client does not read.
            LOG.info("closing connection {}: client is not reading its replies ({} bytes unsent)", remoteAddress(),
                    outbound.totalPendingWriteBytes());
            closed = true;
            channel.close();
            return false;
        }
        return true;
    }

    @Override
    public void close(String reason) {
        if (channel == null) {
            return;
        }
        if (!closed) {
            LOG.info("closing connection {}: {}", remoteAddress(), reason);
        }
        closed = true;
        channel.writeAndFlush(channel.alloc().buffer(0)).addListener(ChannelFutureListener.CLOSE);
        // Replies the client never reads must not keep the connection (and its buffers) forever.
        if (!channel.eventLoop().isShuttingDown()) {
            try {
                channel.eventLoop().schedule(() -> {
                    channel.close();
                }, CLOSE_FLUSH_MILLIS, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                channel.close(); // the port is shutting down: every channel closes now anyway
            }
        }
    }

    @Override
    public String remoteIp() {
        if (channel != null && channel.remoteAddress() instanceof InetSocketAddress a) {
            return a.getAddress().getHostAddress();
        }
        return "unknown";
    }

    @Override
    public String remoteAddress() {
        if (channel != null && channel.remoteAddress() instanceof InetSocketAddress a) {
            return a.getAddress().getHostAddress() + ":" + a.getPort();
        }
        return "unknown";
    }

    @Override
    public void setReading(boolean reading) {
        if (channel != null) {
            channel.config().setAutoRead(reading);
        }
    }
}
