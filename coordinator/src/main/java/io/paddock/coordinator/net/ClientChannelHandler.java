package io.paddock.coordinator.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.paddock.coordinator.server.ClientConnection;
import io.paddock.coordinator.server.RequestPipeline;
import io.paddock.coordinator.wire.EventType;
import io.paddock.coordinator.wire.FourLetterWord;
import io.paddock.coordinator.wire.Jute;
import io.paddock.coordinator.wire.MultiCodec;
import io.paddock.coordinator.wire.OpCode;
import io.paddock.coordinator.wire.RequestRecords;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import org.apache.jute.BinaryInputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.proto.ConnectRequest;
import org.apache.zookeeper.proto.ConnectResponse;
import org.apache.zookeeper.proto.ReplyHeader;
import org.apache.zookeeper.proto.RequestHeader;
import org.apache.zookeeper.proto.WatcherEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: turns frames into protocol records and hands them to the request pipeline;
 * sends what the pipeline answers. Knows the protocol's shapes, not its meaning. Anything it cannot
 * decode closes this connection only, with the reason logged.
 */
final class ClientChannelHandler extends ChannelInboundHandlerAdapter implements ClientConnection {
    private static final Logger LOG = LoggerFactory.getLogger(ClientChannelHandler.class);

    private final RequestPipeline pipeline;
    private final FourLetterWords fourLetterWords;
    private final int maxBuffer;
    private Channel channel;
    private boolean handshakeDone;
    private volatile boolean sendReadOnlyFlag;
    private io.netty.util.concurrent.ScheduledFuture<?> sessionlessTimeout;
    private final long sessionlessTimeoutMs;
    private final long maxPendingReplyBytes;
    private volatile boolean closed;

    ClientChannelHandler(RequestPipeline pipeline, FourLetterWords fourLetterWords, int maxBuffer,
                         long sessionlessTimeoutMs) {
        this.pipeline = pipeline;
        this.fourLetterWords = fourLetterWords;
        this.maxBuffer = maxBuffer;
        this.sessionlessTimeoutMs = sessionlessTimeoutMs;
        // Room for a few maximal replies plus a large burst of notifications.
        this.maxPendingReplyBytes = Math.max(64L << 20, 8L * maxBuffer);
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
        pipeline.connectionOpened(this);
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed = true;
        pipeline.connectionClosed(this);
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof FourLetterWord word) {
            fourLetterWords.answer(word, this, ctx.channel());
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
        BinaryInputArchive in = Jute.reader(frame, maxBuffer);
        ConnectRequest req = new ConnectRequest();
        req.setProtocolVersion(in.readInt("protocolVersion"));
        req.setLastZxidSeen(in.readLong("lastZxidSeen"));
        req.setTimeOut(in.readInt("timeOut"));
        req.setSessionId(in.readLong("sessionId"));
        req.setPasswd(in.readBuffer("passwd"));
        // Clients older than 3.3 do not send the readOnly flag; they get no flag in the response.
        if (frame.isReadable()) {
            req.setReadOnly(in.readBool("readOnly"));
            sendReadOnlyFlag = true;
        }
        handshakeDone = true;
        if (sessionlessTimeout != null) {
            sessionlessTimeout.cancel(false);
        }
        pipeline.connect(this, req);
    }

    private void readRequest(ByteBuf frame) throws IOException {
        BinaryInputArchive in = Jute.reader(frame, maxBuffer);
        RequestHeader header = Jute.read(in, new RequestHeader());
        int op = header.getType();
        if (!OpCode.isValidRequest(op)) {
            LOG.info("Received packet at server of unknown type {} from {}", op, remoteAddress());
            pipeline.request(this, header.getXid(), op, RequestPipeline.INVALID_OPCODE);
            return;
        }
        Object body;
        try {
            if (op == OpCode.MULTI || op == OpCode.MULTI_READ) {
                body = MultiCodec.read(in);
            } else {
                Record record = RequestRecords.forOpcode(op);
                if (record != null) {
                    record.deserialize(in, "request");
                }
                body = record;
            }
        } catch (IOException | RuntimeException e) {
            // ZooKeeper answers a body it cannot decode with MARSHALLING_ERROR and keeps the session.
            LOG.info("undecodable {} request from {}: {}", OpCode.name(op), remoteAddress(), e.toString());
            body = RequestPipeline.MALFORMED;
        }
        pipeline.request(this, header.getXid(), op, body);
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
            close("client is not reading its replies (" + outbound.totalPendingWriteBytes() + " bytes unsent)");
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
