package io.paddock.coordinator.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.util.concurrent.ScheduledFuture;
import io.paddock.coordinator.zab.Message;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One peer connection: the handshake ({@link PeerHandshake}: hello, then with a cluster secret the
 * proofs), then messages to {@link PeerTransport}. Until the handshake completes, frames are
 * handshake-sized and anything wrong or late refuses the connection. Afterwards, sends go through
 * the link's {@link LinkOutbox} (sends that pile up beyond the link's bound close it at once: the
 * peer is not reading), and sync streams arriving are reassembled by a {@link SyncReceiver}. Handshake
 * and receiving state are touched on the connection's event loop only; {@link #send} runs on any
 * thread.
 */
final class PeerLinkHandler extends SimpleChannelInboundHandler<byte[]> {
    private static final Logger LOG = LoggerFactory.getLogger(PeerTransport.class);

    private enum State { HELLO, PROOF, OPEN, CLOSED }

    private final PeerTransport transport;
    /** The member this side dialled, or -1 for an accepted connection. */
    private final long dialled;
    private State state = State.HELLO;
    private byte[] ourNonce;
    private byte[] theirNonce;
    private long claimed = -1;
    private ScheduledFuture<?> deadline;
    private volatile Channel channel;
    private volatile LinkOutbox outbox;
    private SyncReceiver receiver;
    /** A frame after the handshake was refused: the connection is being closed. */
    private boolean broken;

    PeerLinkHandler(PeerTransport transport, long dialled) {
        this.transport = transport;
        this.dialled = dialled;
    }

    Channel channel() {
        return channel;
    }

    boolean isActive() {
        Channel c = channel;
        LinkOutbox o = outbox;
        return c != null && c.isActive() && o != null && !o.isClosed();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        ourNonce = transport.newNonce();
        write(ctx, transport.self().encode(ourNonce));
        long ms = transport.settings().handshakeTimeoutMillis();
        deadline = ctx.executor().schedule(() -> refuse(ctx, "no handshake within " + ms + " ms"), ms,
                TimeUnit.MILLISECONDS);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, byte[] frame) throws IOException {
        switch (state) {
            case HELLO -> hello(ctx, frame);
            case PROOF -> proof(ctx, frame);
            case OPEN -> received(frame);
            case CLOSED -> {
                // refused: frames decoded in the same read are dropped, never taken as a handshake
            }
        }
    }

    /**
     * A sync stream's frames go to the receiver, which spools the snapshot to disk as it comes (plain
     * writes into the page cache, no fsync: TCP flow control slows the leader to what this disk
     * takes) and hands on the Sync once it is whole and verified.
     */
    private void received(byte[] frame) throws IOException {
        if (broken) {
            // the connection is closing on an earlier bad frame: what was read with it is dropped
            return;
        }
        try {
            if (SyncFrames.isSyncFrame(frame)) {
                Message.Sync sync = receiver.accept(frame);
                if (sync != null) {
                    transport.received(claimed, sync);
                }
                return;
            }
            Message m = PeerCodec.decode(frame);
            if (receiver.inProgress() && !(m instanceof Message.Ping)) {
                throw new IOException("a " + m.getClass().getSimpleName() + " in the middle of a sync stream");
            }
            transport.received(claimed, m);
        } catch (IOException | RuntimeException e) {
            broken = true;
            receiver.abort();
            throw e;
        }
    }

    private void hello(ChannelHandlerContext ctx, byte[] frame) {
        PeerHandshake.Hello theirs;
        try {
            theirs = PeerHandshake.decode(frame);
        } catch (IOException e) {
            refuse(ctx, e.getMessage());
            return;
        }
        claimed = theirs.who().serverId();
        String refusal = transport.self().refusalOf(theirs.who(), transport.members());
        if (refusal == null && dialled >= 0 && claimed != dialled) {
            refusal = "dialled server " + dialled + " but server " + claimed + " answered";
        }
        if (refusal == null) {
            refusal = PeerHandshake.secretMismatch(transport.secret() != null, theirs);
        }
        if (refusal != null) {
            refuse(ctx, refusal);
            return;
        }
        if (transport.secret() == null) {
            open(ctx);
            return;
        }
        theirNonce = theirs.nonce();
        state = State.PROOF;
        if (dialled >= 0) {
            // the dialler proves first; it reached a configured address, so it is not proving to a stranger
            sendProof(ctx);
        }
    }

    private void proof(ChannelHandlerContext ctx, byte[] frame) {
        byte[] proof;
        try {
            proof = PeerHandshake.decodeProof(frame);
        } catch (IOException e) {
            refuse(ctx, e.getMessage());
            return;
        }
        String cluster = transport.self().clusterId();
        if (!transport.secret().verifies(proof, ourNonce, theirNonce, claimed, transport.self().serverId(), cluster)) {
            refuse(ctx, "wrong proof of the cluster secret (paddock.quorum.secretFile differs, or an impostor)");
            return;
        }
        if (dialled < 0) {
            sendProof(ctx);
        }
        open(ctx);
    }

    private void sendProof(ChannelHandlerContext ctx) {
        byte[] proof = transport.secret().proof(theirNonce, ourNonce, transport.self().serverId(), claimed,
                transport.self().clusterId());
        write(ctx, PeerHandshake.encodeProof(proof));
    }

    private void open(ChannelHandlerContext ctx) {
        state = State.OPEN;
        deadline.cancel(false);
        ctx.pipeline().get(PeerFrames.Decoder.class).open(transport.settings().maxFrameBytes());
        Channel c = ctx.channel();
        receiver = new SyncReceiver(transport.spool(), claimed);
        outbox = new LinkOutbox(c, claimed, transport.streams(), transport.settings(), transport.sendBound(),
                reason -> c.eventLoop().execute(() -> closeHard(c, reason)));
        transport.opened(claimed, this);
    }

    private void refuse(ChannelHandlerContext ctx, String reason) {
        if (state == State.OPEN || state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        transport.refused(ctx.channel().remoteAddress(), claimed, reason);
        ctx.close();
    }

    private static void write(ChannelHandlerContext ctx, byte[] body) {
        ctx.writeAndFlush(PeerFrames.frame(body), ctx.voidPromise());
    }

    /**
     * Sends {@code m} after everything sent before; false when the link is gone. A send that takes the
     * link past its bound closes it hard instead ({@link LinkOutbox}).
     */
    boolean send(Message m) {
        LinkOutbox o = outbox;
        if (o == null || !isActive()) {
            LinkOutbox.release(m);
            return false;
        }
        return o.send(m);
    }

    /** Drops what is queued (the memory is the point) and resets the connection rather than draining it. */
    private void closeHard(Channel c, String reason) {
        if (!c.isOpen()) {
            return;
        }
        LOG.warn("closing the link to server {} at {}: {}", claimed, c.remoteAddress(), reason);
        c.config().setOption(ChannelOption.SO_LINGER, 0);
        c.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        State was = state;
        state = State.CLOSED;
        LinkOutbox o = outbox;
        if (o != null) {
            o.close();
        }
        if (receiver != null) {
            // a half-received snapshot is deleted, never handed on
            receiver.abort();
        }
        if (deadline != null) {
            deadline.cancel(false);
        }
        if (was == State.OPEN) {
            transport.lost(claimed, this);
        } else if (was != State.CLOSED) {
            LOG.debug("peer connection {} closed during the handshake", ctx.channel().remoteAddress());
        }
        transport.redial(dialled);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (state != State.OPEN && cause instanceof DecoderException) {
            // a corrupt or oversize frame before the handshake completed: not a member speaking
            refuse(ctx, cause.getCause() != null ? cause.getCause().getMessage() : cause.getMessage());
            return;
        }
        if (state == State.OPEN) {
            LOG.info("peer connection {} (server {}) closed: {}", ctx.channel().remoteAddress(), claimed,
                    cause.toString());
        } else {
            LOG.debug("peer connection {} closed during the handshake: {}", ctx.channel().remoteAddress(),
                    cause.toString());
        }
        ctx.close();
    }
}
