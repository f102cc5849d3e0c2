package io.paddock.coordinator.txn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.paddock.coordinator.tree.DataTree;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TxnCodecTest {
    @Test
    void everyTxnTypeRoundTrips() throws IOException {
        List<Txn> txns = List.of(
                new Txn.Create("/a/ü", new byte[] {1, 2}, DataTree.OPEN_ACL, 0x1234, 7),
                new Txn.Create("/null-data", null, DataTree.READ_ACL, 0, 1),
                new Txn.CreateSession(5, 6000, new byte[] {1, 2, 3}),
                new Txn.Delete("/a"),
                new Txn.DeleteContainer("/c"),
                new Txn.SetData("/a", new byte[0], 3),
                new Txn.SetAcl("/a", DataTree.READ_ACL, 2),
                new Txn.Check("/a", -1),
                new Txn.CloseSession(99),
                new Txn.Error(-110),
                new Txn.Multi(List.of(new Txn.Delete("/x"), new Txn.Error(0))));
        for (Txn t : txns) {
            TxnEntry e = new TxnEntry(0xabcdef, 42, 1700000000000L, t);
            byte[] encoded = TxnCodec.encode(e);
            TxnEntry back = TxnCodec.decode(encoded);
            // records holding byte[] compare by reference, so compare the re-encoding and the header
            assertArrayEquals(encoded, TxnCodec.encode(back), t.toString());
            assertEquals(t.getClass(), back.txn().getClass());
            assertEquals(0xabcdef, back.sessionId());
            assertEquals(42, back.cxid());
            assertEquals(1700000000000L, back.timeMs());
        }
        byte[] pw = {5, 6, 7};
        TxnEntry s = TxnCodec.decode(TxnCodec.encode(new TxnEntry(1, 0, 2, new Txn.CreateSession(1, 4000, pw))));
        Txn.CreateSession cs = (Txn.CreateSession) s.txn();
        assertArrayEquals(pw, cs.password());
        assertEquals(4000, cs.timeoutMs());
        Txn.Create c = (Txn.Create) TxnCodec.decode(TxnCodec.encode(new TxnEntry(1, 0, 2,
                new Txn.Create("/p", new byte[] {9}, DataTree.OPEN_ACL, 0, 1)))).txn();
        assertArrayEquals(new byte[] {9}, c.data());
    }

    @Test
    void garbageIsRejectedNotMisread() {
        byte[] good = TxnCodec.encode(new TxnEntry(1, 2, 3, new Txn.Delete("/a")));
        assertThrows(IOException.class, () -> TxnCodec.decode(Arrays.copyOf(good, good.length - 1)));
        byte[] trailing = Arrays.copyOf(good, good.length + 1);
        assertThrows(IOException.class, () -> TxnCodec.decode(trailing));
        byte[] badType = good.clone();
        badType[20] = 77;
        assertThrows(IOException.class, () -> TxnCodec.decode(badType));
    }
}
