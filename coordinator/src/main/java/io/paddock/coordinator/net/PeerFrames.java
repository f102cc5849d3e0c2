package io.paddock.coordinator.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Peer frames: {@code [int length][int crc32c][body]}. Until a connection's handshake completes its
 * decoder accepts only handshake-sized frames, so a stranger reaching the quorum port can make a
 * member buffer a few KiB, not the gigabyte a member may send once it has proved who it is.
 */
final class PeerFrames {
    static final int HEADER_BYTES = 8;
    /** The least a handshake frame may be, whatever our own hello's size. */
    static final int MIN_HANDSHAKE_FRAME_BYTES = 4096;

    private PeerFrames() {
    }

    /**
     * The bound for frames before the handshake completes. A member's hello carries the same cluster
     * id and member list as ours, so it is about as long as ours: twice that (at least
     * {@link #MIN_HANDSHAKE_FRAME_BYTES}) refuses nothing a member sends.
     */
    static int handshakeLimit(int ownHelloBytes) {
        return Math.max(MIN_HANDSHAKE_FRAME_BYTES, 2 * ownHelloBytes);
    }

    /**
     * A frame ready to write. Built by the sender, not by a pipeline encoder, so that Netty counts
     * its real size against the link's outbound bound as soon as it is queued, from any thread.
     */
    static ByteBuf frame(byte[] body) {
        CRC32C c = new CRC32C();
        c.update(body);
        ByteBuf header = Unpooled.buffer(HEADER_BYTES, HEADER_BYTES).writeInt(body.length).writeInt((int) c.getValue());
        return Unpooled.wrappedBuffer(header, Unpooled.wrappedBuffer(body));
    }

    /** A corrupt or oversize frame closes the connection (the exception reaches the link handler). */
    static final class Decoder extends ByteToMessageDecoder {
        private int limit;
        private boolean open;

        Decoder(int handshakeLimit) {
            this.limit = handshakeLimit;
        }

        /** The handshake completed: from the next frame on, up to {@code maxFrameBytes}. */
        void open(int maxFrameBytes) {
            limit = maxFrameBytes;
            open = true;
        }

        /** One frame per call: Netty hands it on before decoding the next, so {@link #open} takes effect in between. */
        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            if (in.readableBytes() < HEADER_BYTES) {
                return;
            }
            int length = in.getInt(in.readerIndex());
            if (length < 0 || length > limit) {
                throw new CorruptedFrameException("peer frame of " + length + " bytes"
                        + (open ? "" : " before the handshake completed") + " (limit " + limit + ")");
            }
            if (in.readableBytes() < HEADER_BYTES + length) {
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
