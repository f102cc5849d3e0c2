package io.paddock.coordinator.wire;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import java.util.List;

/**
 * Splits the client byte stream into length-prefixed frames. The very first int of a connection may
 * instead be a four-letter word. A negative length or one above the configured bound is a protocol
 * violation: it raises {@link CorruptedFrameException} and the connection handler closes only this
 * connection.
 */
public final class ClientFrameDecoder extends ByteToMessageDecoder {
    private final int maxFrameBytes;
    private boolean firstFrame = true;

    public ClientFrameDecoder(int maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.readableBytes() >= 4) {
            int length = in.getInt(in.readerIndex());
            if (firstFrame) {
                firstFrame = false;
                FourLetterWord word = FourLetterWord.fromFirstInt(length);
                if (word != null) {
                    in.skipBytes(4);
                    // stmk carries an 8-byte mask after the word; everything else after a word is ignored
                    if ("stmk".equals(word.word()) && in.readableBytes() >= 8) {
                        word = new FourLetterWord(word.word(), in.readLong());
                    }
                    in.skipBytes(in.readableBytes());
                    out.add(word);
                    return;
                }
            }
            if (length < 0 || length > maxFrameBytes) {
                in.skipBytes(in.readableBytes());
                throw new CorruptedFrameException("frame length " + length + " outside [0, " + maxFrameBytes + "]");
            }
            if (in.readableBytes() < 4 + length) {
                return;
            }
            in.skipBytes(4);
            out.add(in.readRetainedSlice(length));
        }
    }
}
