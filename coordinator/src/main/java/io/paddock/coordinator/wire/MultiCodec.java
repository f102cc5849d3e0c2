package io.paddock.coordinator.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.jute.BinaryInputArchive;
import org.apache.jute.BinaryOutputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.proto.CheckVersionRequest;
import org.apache.zookeeper.proto.CreateRequest;
import org.apache.zookeeper.proto.CreateTTLRequest;
import org.apache.zookeeper.proto.DeleteRequest;
import org.apache.zookeeper.proto.ErrorResponse;
import org.apache.zookeeper.proto.GetChildrenRequest;
import org.apache.zookeeper.proto.GetDataRequest;
import org.apache.zookeeper.proto.MultiHeader;
import org.apache.zookeeper.proto.ReplyHeader;
import org.apache.zookeeper.proto.SetDataRequest;

/**
 * The multi request/response layout: a MultiHeader before each op (type, done=false, err=-1) and a
 * terminating header (type -1, done=true, err -1). jute has no record for the whole list.
 */
public final class MultiCodec {
    private static final int MAX_OPS = 1 << 16;

    private MultiCodec() {}

    public static List<MultiOp> read(BinaryInputArchive in) throws IOException {
        List<MultiOp> ops = new ArrayList<>();
        MultiHeader h = Jute.read(in, new MultiHeader());
        while (!h.getDone()) {
            if (ops.size() >= MAX_OPS) {
                throw new IOException("multi with more than " + MAX_OPS + " ops");
            }
            Record r = switch (h.getType()) {
                case OpCode.CREATE, OpCode.CREATE2, OpCode.CREATE_CONTAINER -> new CreateRequest();
                case OpCode.CREATE_TTL -> new CreateTTLRequest();
                case OpCode.DELETE, OpCode.DELETE_CONTAINER -> new DeleteRequest();
                case OpCode.SET_DATA -> new SetDataRequest();
                case OpCode.CHECK -> new CheckVersionRequest();
                case OpCode.GET_CHILDREN -> new GetChildrenRequest();
                case OpCode.GET_DATA -> new GetDataRequest();
                default -> throw new IOException("invalid multi op type " + h.getType());
            };
            ops.add(new MultiOp(h.getType(), Jute.read(in, r)));
            h = Jute.read(in, new MultiHeader());
        }
        return ops;
    }

    /** Writes ops in the request layout {@link #read} reads (a follower forwarding a multi to its leader). */
    public static void write(BinaryOutputArchive out, List<MultiOp> ops) throws IOException {
        for (MultiOp op : ops) {
            new MultiHeader(op.type(), false, -1).serialize(out, "header");
            op.request().serialize(out, "request");
        }
        new MultiHeader(-1, true, -1).serialize(out, "header");
    }

    /** One result of a multi response: its opcode ({@link OpCode#ERROR} for a failed op), error code and body. */
    public record Result(int type, int err, Record body) {}

    public static ByteBuf replyFrame(ByteBufAllocator alloc, ReplyHeader header, List<Result> results) {
        ByteBuf buf = alloc.ioBuffer(128);
        buf.writeInt(0);
        try (ByteBufOutputStream out = new ByteBufOutputStream(buf)) {
            BinaryOutputArchive archive = new BinaryOutputArchive(out);
            header.serialize(archive, "header");
            if (results != null) {
                for (Result r : results) {
                    new MultiHeader(r.type(), false, r.err()).serialize(archive, "header");
                    // delete and check results carry no body; errors carry ErrorResponse
                    Record body = r.type() == OpCode.ERROR ? new ErrorResponse(r.err()) : r.body();
                    if (body != null) {
                        body.serialize(archive, "response");
                    }
                }
                new MultiHeader(-1, true, -1).serialize(archive, "header");
            }
        } catch (IOException e) {
            buf.release();
            throw new UncheckedIOException(e);
        }
        buf.setInt(0, buf.readableBytes() - 4);
        return buf;
    }
}
