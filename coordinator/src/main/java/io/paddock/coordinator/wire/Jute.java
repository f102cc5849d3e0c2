package io.paddock.coordinator.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.jute.BinaryInputArchive;
import org.apache.jute.BinaryOutputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.proto.ConnectResponse;
import org.apache.zookeeper.proto.ReplyHeader;

/**
 * Converts between Netty buffers and the protocol's own record classes (zookeeper-jute).
 * The limits are passed in rather than read from jute's static system-property defaults, so
 * servers with different {@code jute.maxbuffer} settings can share a JVM.
 */
public final class Jute {
    private Jute() {}

    public static BinaryInputArchive reader(ByteBuf frame, int maxBuffer) {
        return new BinaryInputArchive(new ByteBufInputStream(frame), maxBuffer, 0);
    }

    public static <R extends Record> R read(BinaryInputArchive in, R record) throws IOException {
        record.deserialize(in, "");
        return record;
    }

    /** A length-prefixed reply frame: ReplyHeader followed by the optional body. */
    public static ByteBuf replyFrame(ByteBufAllocator alloc, ReplyHeader header, Record body) {
        ByteBuf buf = alloc.ioBuffer(64);
        buf.writeInt(0);
        try (ByteBufOutputStream out = new ByteBufOutputStream(buf)) {
            BinaryOutputArchive archive = new BinaryOutputArchive(out);
            header.serialize(archive, "header");
            if (body != null) {
                body.serialize(archive, "response");
            }
        } catch (IOException e) {
            buf.release();
            throw new UncheckedIOException(e);
        }
        buf.setInt(0, buf.readableBytes() - 4);
        return buf;
    }

    /**
     * The connect response frame. Its trailing readOnly flag is written only when the client sent
     * one, so pre-3.3 clients get the 36-byte body they expect.
     */
    public static ByteBuf connectResponseFrame(ByteBufAllocator alloc, ConnectResponse r, boolean withReadOnly) {
        ByteBuf buf = alloc.ioBuffer(64);
        buf.writeInt(0);
        try (ByteBufOutputStream out = new ByteBufOutputStream(buf)) {
            BinaryOutputArchive a = new BinaryOutputArchive(out);
            a.writeInt(r.getProtocolVersion(), "protocolVersion");
            a.writeInt(r.getTimeOut(), "timeOut");
            a.writeLong(r.getSessionId(), "sessionId");
            a.writeBuffer(r.getPasswd(), "passwd");
            if (withReadOnly) {
                a.writeBool(r.getReadOnly(), "readOnly");
            }
        } catch (IOException e) {
            buf.release();
            throw new UncheckedIOException(e);
        }
        buf.setInt(0, buf.readableBytes() - 4);
        return buf;
    }

    /** Serialized size of a record, used to enforce jute.maxbuffer on replies. */
    public static int serializedSize(Record record) {
        CountingOutput counter = new CountingOutput();
        try {
            record.serialize(new BinaryOutputArchive(new java.io.DataOutputStream(counter)), "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return counter.count;
    }

    private static final class CountingOutput extends java.io.OutputStream {
        int count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }
}
