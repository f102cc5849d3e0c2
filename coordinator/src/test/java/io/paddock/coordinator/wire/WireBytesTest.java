package io.paddock.coordinator.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.util.List;
import org.apache.jute.BinaryInputArchive;
import org.apache.jute.BinaryOutputArchive;
import org.apache.zookeeper.MultiOperationRecord;
import org.apache.zookeeper.MultiResponse;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.proto.ConnectResponse;
import org.apache.zookeeper.proto.Create2Response;
import org.apache.zookeeper.proto.CreateResponse;
import org.apache.zookeeper.proto.ReplyHeader;
import org.apache.zookeeper.proto.SetDataResponse;
import org.junit.jupiter.api.Test;

/** Our hand-written framing is byte-identical to the stock client's own records. */
class WireBytesTest {
    private static byte[] bytes(ByteBuf buf) {
        byte[] b = new byte[buf.readableBytes()];
        buf.readBytes(b);
        buf.release();
        return b;
    }

    @Test
    void multiResponseMatchesTheClientsMultiResponseRecord() throws Exception {
        Stat stat = new Stat(1, 2, 3, 4, 5, 6, 7, 0, 9, 10, 11);
        ReplyHeader h = new ReplyHeader(7, 0x55, 0);
        byte[] ours = bytes(MultiCodec.replyFrame(ByteBufAllocator.DEFAULT, h, List.of(
                new MultiCodec.Result(OpCode.CREATE, 0, new CreateResponse("/a")),
                new MultiCodec.Result(OpCode.CREATE2, 0, new Create2Response("/b", stat)),
                new MultiCodec.Result(OpCode.SET_DATA, 0, new SetDataResponse(stat)),
                new MultiCodec.Result(OpCode.DELETE, 0, null),
                new MultiCodec.Result(OpCode.CHECK, 0, null),
                new MultiCodec.Result(OpCode.ERROR, -101, null))));
        MultiResponse ref = new MultiResponse();
        ref.add(new OpResult.CreateResult("/a"));
        ref.add(new OpResult.CreateResult("/b", stat));
        ref.add(new OpResult.SetDataResult(stat));
        ref.add(new OpResult.DeleteResult());
        ref.add(new OpResult.CheckResult());
        ref.add(new OpResult.ErrorResult(-101));
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        BinaryOutputArchive a = BinaryOutputArchive.getArchive(expected);
        h.serialize(a, "header");
        ref.serialize(a, "response");
        byte[] body = expected.toByteArray();
        assertEquals(body.length, ours.length - 4);
        assertEquals(body.length, Unpooled.wrappedBuffer(ours).getInt(0));
        assertArrayEquals(body, java.util.Arrays.copyOfRange(ours, 4, ours.length));
    }

    @Test
    void multiRequestFromTheStockClientDecodes() throws Exception {
        MultiOperationRecord req = new MultiOperationRecord(List.of(
                Op.create("/x", new byte[] {1}, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL),
                Op.setData("/x", null, 3), Op.check("/x", 1), Op.delete("/x", -1)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        req.serialize(BinaryOutputArchive.getArchive(out), "req");
        BinaryInputArchive in = new BinaryInputArchive(new DataInputStream(new ByteArrayInputStream(out.toByteArray())), 1 << 20, 0);
        List<MultiOp> ops = MultiCodec.read(in);
        assertEquals(List.of(OpCode.CREATE, OpCode.SET_DATA, OpCode.CHECK, OpCode.DELETE),
                ops.stream().map(MultiOp::type).toList());
        assertEquals("/x", ((org.apache.zookeeper.proto.CreateRequest) ops.get(0).request()).getPath());
        assertEquals(3, ((org.apache.zookeeper.proto.SetDataRequest) ops.get(1).request()).getVersion());
    }

    @Test
    void connectResponseCarriesTheReadOnlyByteOnlyWhenAsked() {
        ConnectResponse r = new ConnectResponse(0, 4000, 0x1234, new byte[16], false);
        byte[] with = bytes(Jute.connectResponseFrame(ByteBufAllocator.DEFAULT, r, true));
        byte[] without = bytes(Jute.connectResponseFrame(ByteBufAllocator.DEFAULT, r, false));
        assertEquals(4 + 37, with.length);
        assertEquals(4 + 36, without.length);
        assertEquals(37, Unpooled.wrappedBuffer(with).getInt(0));
    }

    @Test
    void fourLetterWordsAreRecognisedFromTheFirstInt() {
        assertEquals("ruok", FourLetterWord.fromFirstInt(0x72756f6b).word());
        assertEquals("mntr", FourLetterWord.fromFirstInt(ByteBufAllocator.DEFAULT.buffer().writeBytes("mntr".getBytes()).readInt()).word());
        assertNull(FourLetterWord.fromFirstInt(44));
        assertNull(FourLetterWord.fromFirstInt(0x78787878));
    }
}
