package io.paddock.coordinator.compat;

import io.paddock.testkit.Clients;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.CreateOptions;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** multi / multiRead / transaction through the stock client, asserted identically on both servers. */
class MultiCompatTest {
    private static final List<ACL> OPEN = ZooDefs.Ids.OPEN_ACL_UNSAFE;
    private static final int ERROR = -1; // OpResult.ErrorResult.getType()
    private static final int OK = 0;
    private static final int RUNTIME_INCONSISTENCY = KeeperException.Code.RUNTIMEINCONSISTENCY.intValue();

    @TempDir
    Path dir;

    private ServerUnderTest start(ServerUnderTest.Kind kind) throws Exception {
        return kind.start(dir, ServerUnderTest.defaults(Map.of("maxSessionTimeout", "60000")));
    }

    private static ZooKeeper connect(ServerUnderTest server) throws Exception {
        return Clients.connect(server.connectString(), 30_000, null);
    }

    private static CreateOptions create2(CreateMode mode) {
        return CreateOptions.newBuilder(OPEN, mode).build();
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void successfulMultiReturnsOneResultPerOpWithStatsAtThatPoint(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind); ZooKeeper zk = connect(server)) {
            Stat m0 = new Stat();
            zk.create("/m", "x".getBytes(), OPEN, CreateMode.PERSISTENT, m0);
            Stat old = new Stat();
            zk.create("/m/old", null, OPEN, CreateMode.PERSISTENT, old);

            List<OpResult> results = zk.multi(List.of(
                    Op.create("/m/a", "aa".getBytes(), OPEN, CreateMode.PERSISTENT),
                    Op.create("/m/b", "bbb".getBytes(), create2(CreateMode.PERSISTENT)),
                    Op.create("/m/s-", null, OPEN, CreateMode.PERSISTENT_SEQUENTIAL),
                    Op.setData("/m", "yy".getBytes(), 0),
                    Op.check("/m", 1),
                    Op.delete("/m/old", 0),
                    Op.create("/m/box", null, OPEN, CreateMode.CONTAINER),
                    Op.setData("/m/a", "z".getBytes(), 0),
                    Op.create("/m/e", null, OPEN, CreateMode.EPHEMERAL)));
            assertEquals(9, results.size());
            long zxid = old.getCzxid() + 1; // the whole multi is one txn

            OpResult.CreateResult a = assertInstanceOf(OpResult.CreateResult.class, results.get(0));
            assertEquals(ZooDefs.OpCode.create, a.getType());
            assertEquals("/m/a", a.getPath());
            assertNull(a.getStat(), "plain create carries no stat");

            OpResult.CreateResult b = assertInstanceOf(OpResult.CreateResult.class, results.get(1));
            assertEquals(ZooDefs.OpCode.create2, b.getType());
            assertEquals("/m/b", b.getPath());
            Stat bs = b.getStat();
            assertEquals(zxid, bs.getCzxid());
            assertEquals(zxid, bs.getMzxid());
            assertEquals(zxid, bs.getPzxid());
            assertEquals(0, bs.getVersion());
            assertEquals(0, bs.getCversion());
            assertEquals(0, bs.getAversion());
            assertEquals(0, bs.getEphemeralOwner());
            assertEquals(3, bs.getDataLength());
            assertEquals(0, bs.getNumChildren());
            assertEquals(bs.getCtime(), bs.getMtime());

            OpResult.CreateResult seq = assertInstanceOf(OpResult.CreateResult.class, results.get(2));
            assertEquals("/m/s-0000000003", seq.getPath(), "old, a and b were created before it");

            OpResult.SetDataResult set = assertInstanceOf(OpResult.SetDataResult.class, results.get(3));
            assertEquals(ZooDefs.OpCode.setData, set.getType());
            Stat ms = set.getStat();
            assertEquals(m0.getCzxid(), ms.getCzxid());
            assertEquals(zxid, ms.getMzxid());
            assertEquals(zxid, ms.getPzxid());
            assertEquals(1, ms.getVersion());
            assertEquals(2, ms.getDataLength());
            assertEquals(4, ms.getNumChildren(), "old, a, b, s-3 at this point of the multi");
            assertEquals(4, ms.getCversion());

            assertInstanceOf(OpResult.CheckResult.class, results.get(4));
            assertEquals(ZooDefs.OpCode.check, results.get(4).getType());
            assertInstanceOf(OpResult.DeleteResult.class, results.get(5));
            assertEquals(ZooDefs.OpCode.delete, results.get(5).getType());

            OpResult.CreateResult box = assertInstanceOf(OpResult.CreateResult.class, results.get(6));
            assertEquals(ZooDefs.OpCode.create2, box.getType());
            assertEquals("/m/box", box.getPath());
            assertEquals(0, box.getStat().getEphemeralOwner(), "container owner is hidden from clients");
            assertEquals(zxid, box.getStat().getCzxid());

            OpResult.SetDataResult setA = assertInstanceOf(OpResult.SetDataResult.class, results.get(7));
            assertEquals(1, setA.getStat().getVersion());
            assertEquals(1, setA.getStat().getDataLength());
            assertEquals(zxid, setA.getStat().getCzxid());
            assertEquals(zxid, setA.getStat().getMzxid());

            OpResult.CreateResult e = assertInstanceOf(OpResult.CreateResult.class, results.get(8));
            assertEquals(ZooDefs.OpCode.create, e.getType());
            assertEquals("/m/e", e.getPath());

            Stat after = zk.exists("/m", false);
            assertEquals(1, after.getVersion());
            assertEquals(5, after.getNumChildren());
            assertEquals(7, after.getCversion(), "6 creations + 1 deletion");
            assertEquals(zxid, after.getPzxid());
            assertEquals(zk.getSessionId(), zk.exists("/m/e", false).getEphemeralOwner());
            assertNull(zk.exists("/m/old", false));
            List<String> children = zk.getChildren("/m", false);
            Collections.sort(children);
            assertEquals(List.of("a", "b", "box", "e", "s-0000000003"), children);
            assertArrayEquals("z".getBytes(), zk.getData("/m/a", false, null));
            // create + delete of the same node inside one multi
            zk.multi(List.of(
                    Op.create("/tmp", null, OPEN, CreateMode.PERSISTENT),
                    Op.create("/tmp/x", null, OPEN, CreateMode.PERSISTENT),
                    Op.delete("/tmp/x", 0),
                    Op.delete("/tmp", 0)));
            assertNull(zk.exists("/tmp", false));
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void failedMultiAppliesNothingAndReportsEveryOp(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind); ZooKeeper zk = connect(server)) {
            zk.create("/f", "v".getBytes(), OPEN, CreateMode.PERSISTENT);
            Stat before = new Stat();
            zk.create("/before", null, OPEN, CreateMode.PERSISTENT, before);

            KeeperException ex = assertThrows(KeeperException.class, () -> zk.multi(List.of(
                    Op.create("/f/seq-", null, OPEN, CreateMode.PERSISTENT_SEQUENTIAL),
                    Op.setData("/f", "new".getBytes(), -1),
                    Op.check("/f", 5),
                    Op.create("/f/z", null, OPEN, CreateMode.PERSISTENT),
                    Op.delete("/nonexistent", -1))));
            assertEquals(KeeperException.Code.BADVERSION, ex.code());
            assertErrors(ex.getResults(), OK, OK, KeeperException.Code.BADVERSION.intValue(),
                    RUNTIME_INCONSISTENCY, RUNTIME_INCONSISTENCY);

            Stat f = zk.exists("/f", false);
            assertEquals(0, f.getVersion());
            assertEquals(0, f.getNumChildren());
            assertEquals(0, f.getCversion());
            assertArrayEquals("v".getBytes(), zk.getData("/f", false, null));
            assertNull(zk.exists("/f/z", false));

            // the failed multi used up one zxid but no sequence number
            Stat after = new Stat();
            assertEquals("/f/seq-0000000000", zk.create("/f/seq-", null, OPEN, CreateMode.PERSISTENT_SEQUENTIAL, after));
            assertEquals(before.getCzxid() + 2, after.getCzxid());
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void eachFailureCodeInsideMulti(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind); ZooKeeper zk = connect(server)) {
            zk.create("/g", null, OPEN, CreateMode.PERSISTENT);
            zk.create("/g/kid", null, OPEN, CreateMode.PERSISTENT);
            Op ok = Op.create("/g/new", null, OPEN, CreateMode.PERSISTENT);
            Op after = Op.setData("/g", null, -1);

            assertMultiFails(zk, 0, KeeperException.Code.NONODE, Op.check("/missing", -1), after);
            assertMultiFails(zk, 1, KeeperException.Code.BADVERSION, ok, Op.setData("/g", null, 3), after);
            assertMultiFails(zk, 1, KeeperException.Code.NODEEXISTS, ok, Op.create("/g/kid", null, OPEN, CreateMode.PERSISTENT));
            assertMultiFails(zk, 1, KeeperException.Code.NODEEXISTS, ok, ok, after);
            assertMultiFails(zk, 1, KeeperException.Code.NONODE, ok, Op.create("/nope/x", null, OPEN, CreateMode.PERSISTENT), after);
            assertMultiFails(zk, 1, KeeperException.Code.NOTEMPTY, ok, Op.delete("/g", -1), after);
            assertMultiFails(zk, 1, KeeperException.Code.NONODE, ok, Op.delete("/g/missing", -1));
            assertMultiFails(zk, 1, KeeperException.Code.BADARGUMENTS, ok, Op.delete("/", -1), after);
            assertMultiFails(zk, 0, KeeperException.Code.BADVERSION, Op.delete("/g/kid", 2), after);
            // a node deleted earlier in the same multi is gone for the ops after it
            assertMultiFails(zk, 1, KeeperException.Code.NONODE,
                    Op.delete("/g/kid", 0), Op.setData("/g/kid", null, -1), after);
            assertNull(zk.exists("/g/new", false));
            assertNotNull(zk.exists("/g/kid", false));
            assertEquals(0, zk.exists("/g", false).getVersion());
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void childOfEphemeralCreatedInTheSameMulti(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind); ZooKeeper zk = connect(server)) {
            KeeperException ex = assertThrows(KeeperException.class, () -> zk.multi(List.of(
                    Op.create("/eph", null, OPEN, CreateMode.EPHEMERAL),
                    Op.create("/eph/child", null, OPEN, CreateMode.PERSISTENT),
                    Op.create("/other", null, OPEN, CreateMode.PERSISTENT))));
            assertEquals(KeeperException.Code.NOCHILDRENFOREPHEMERALS, ex.code());
            assertErrors(ex.getResults(), OK, KeeperException.Code.NOCHILDRENFOREPHEMERALS.intValue(),
                    RUNTIME_INCONSISTENCY);
            assertNull(zk.exists("/eph", false));
            assertNull(zk.exists("/other", false));
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void multiReadAnswersEveryOpAndContinuesAfterErrors(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind); ZooKeeper zk = connect(server)) {
            zk.create("/r", "hello".getBytes(), OPEN, CreateMode.PERSISTENT);
            zk.create("/r/k1", null, OPEN, CreateMode.PERSISTENT);
            zk.create("/r/k2", "kk".getBytes(), OPEN, CreateMode.EPHEMERAL);
            zk.setData("/r", "hello2".getBytes(), 0);
            List<ACL> writeOnly = new ArrayList<>(List.of(new ACL(ZooDefs.Perms.WRITE, ZooDefs.Ids.ANYONE_ID_UNSAFE)));
            zk.create("/secret", "s".getBytes(), writeOnly, CreateMode.PERSISTENT);

            List<OpResult> results = zk.multi(List.of(
                    Op.getData("/r"),
                    Op.getChildren("/r"),
                    Op.getData("/missing"),
                    Op.getChildren("/missing"),
                    Op.getData("/secret"),
                    Op.getData("/r/k2"),
                    Op.getChildren("/r/k1")));
            assertEquals(7, results.size());

            OpResult.GetDataResult r = assertInstanceOf(OpResult.GetDataResult.class, results.get(0));
            assertEquals(ZooDefs.OpCode.getData, r.getType());
            assertArrayEquals("hello2".getBytes(), r.getData());
            assertEquals(zk.exists("/r", false), r.getStat());
            assertEquals(1, r.getStat().getVersion());
            assertEquals(6, r.getStat().getDataLength());
            assertEquals(2, r.getStat().getNumChildren());
            assertEquals(2, r.getStat().getCversion());

            OpResult.GetChildrenResult kids = assertInstanceOf(OpResult.GetChildrenResult.class, results.get(1));
            assertEquals(ZooDefs.OpCode.getChildren, kids.getType());
            List<String> names = new ArrayList<>(kids.getChildren());
            Collections.sort(names);
            assertEquals(List.of("k1", "k2"), names);

            assertError(results.get(2), KeeperException.Code.NONODE.intValue());
            assertError(results.get(3), KeeperException.Code.NONODE.intValue());
            assertError(results.get(4), KeeperException.Code.NOAUTH.intValue());

            OpResult.GetDataResult k2 = assertInstanceOf(OpResult.GetDataResult.class, results.get(5));
            assertArrayEquals("kk".getBytes(), k2.getData());
            assertEquals(zk.getSessionId(), k2.getStat().getEphemeralOwner());
            assertEquals(2, k2.getStat().getDataLength());

            OpResult.GetChildrenResult none = assertInstanceOf(OpResult.GetChildrenResult.class, results.get(6));
            assertEquals(List.of(), none.getChildren());
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void everyWatchFiredByAMultiArrivesBeforeItsReply(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind); ZooKeeper a = connect(server); ZooKeeper b = connect(server)) {
            b.create("/mw", null, OPEN, CreateMode.PERSISTENT);
            b.create("/mw/d", null, OPEN, CreateMode.PERSISTENT);
            b.create("/mw/gone", null, OPEN, CreateMode.PERSISTENT);

            // watcher and callback run on A's single event thread, in arrival order
            List<String> order = Collections.synchronizedList(new ArrayList<>());
            Watcher w = e -> {
                if (e.getType() != Watcher.Event.EventType.None) {
                    order.add(e.getType() + " " + e.getPath() + " @" + e.getZxid());
                }
            };
            assertNull(a.exists("/mw/new", w));
            a.getData("/mw/d", w, null);
            a.getChildren("/mw", w);
            assertNotNull(a.exists("/mw/gone", w));
            WatchCompatTest.ZxidLog other = new WatchCompatTest.ZxidLog();
            b.getChildren("/mw", other);
            b.getData("/mw/d", other, null);
            b.exists("/mw/gone", other);

            CountDownLatch done = new CountDownLatch(1);
            AtomicReference<List<OpResult>> results = new AtomicReference<>();
            a.multi(List.of(
                    Op.create("/mw/new", null, create2(CreateMode.PERSISTENT)),
                    Op.setData("/mw/d", "x".getBytes(), -1),
                    Op.delete("/mw/gone", -1)), (rc, path, ctx, opResults) -> {
                        order.add("reply " + rc);
                        results.set(opResults);
                        done.countDown();
                    }, null);
            assertTrue(done.await(Clients.TIMEOUT_S, TimeUnit.SECONDS));
            long zxid = ((OpResult.CreateResult) results.get().get(0)).getStat().getCzxid();
            assertEquals(List.of(
                    "NodeCreated /mw/new @" + zxid,
                    "NodeChildrenChanged /mw @" + zxid,
                    "NodeDataChanged /mw/d @" + zxid,
                    "NodeDeleted /mw/gone @" + zxid,
                    "reply 0"), List.copyOf(order));

            List<String> seen = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                org.apache.zookeeper.WatchedEvent e = other.next();
                assertEquals(zxid, e.getZxid());
                seen.add(WatchCompatTest.str(e));
            }
            assertEquals(List.of("NodeChildrenChanged /mw", "NodeDataChanged /mw/d", "NodeDeleted /mw/gone"), seen);
            WatchCompatTest.barrier(a);
            WatchCompatTest.barrier(b);
            assertEquals(List.of(), other.drainNow());
            assertEquals(5, order.size());
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void emptyMultiReturnsAnEmptyListWithoutATxn(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind); ZooKeeper zk = connect(server)) {
            Stat s1 = new Stat();
            zk.create("/e1", null, OPEN, CreateMode.PERSISTENT, s1);
            assertEquals(List.of(), zk.multi(List.of()));
            assertEquals(List.of(), zk.transaction().commit());
            CountDownLatch done = new CountDownLatch(1);
            AtomicInteger rc = new AtomicInteger(Integer.MIN_VALUE);
            AtomicReference<List<OpResult>> res = new AtomicReference<>();
            zk.multi(List.of(), (r, path, ctx, opResults) -> {
                rc.set(r);
                res.set(opResults);
                done.countDown();
            }, null);
            assertTrue(done.await(Clients.TIMEOUT_S, TimeUnit.SECONDS));
            assertEquals(0, rc.get());
            // the stock client answers an empty multi itself: no zxid is used
            Stat s2 = new Stat();
            zk.create("/e2", null, OPEN, CreateMode.PERSISTENT, s2);
            assertEquals(s1.getCzxid() + 1, s2.getCzxid());
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void transactionBuilderCommits(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind); ZooKeeper zk = connect(server)) {
            List<OpResult> results = zk.transaction()
                    .create("/t", "1".getBytes(), OPEN, CreateMode.PERSISTENT)
                    .create("/t/c", null, OPEN, CreateMode.EPHEMERAL)
                    .setData("/t", "22".getBytes(), 0)
                    .check("/t", 1)
                    .delete("/t/c", -1)
                    .commit();
            List<Integer> types = new ArrayList<>();
            for (OpResult r : results) {
                types.add(r.getType());
            }
            assertEquals(List.of(ZooDefs.OpCode.create, ZooDefs.OpCode.create, ZooDefs.OpCode.setData,
                    ZooDefs.OpCode.check, ZooDefs.OpCode.delete), types);
            assertEquals("/t", ((OpResult.CreateResult) results.get(0)).getPath());
            assertEquals("/t/c", ((OpResult.CreateResult) results.get(1)).getPath());
            Stat set = ((OpResult.SetDataResult) results.get(2)).getStat();
            assertEquals(1, set.getVersion());
            assertEquals(2, set.getDataLength());
            assertEquals(1, set.getNumChildren());
            assertEquals(1, set.getCversion());
            assertEquals(set.getCzxid(), set.getMzxid());

            Stat t = zk.exists("/t", false);
            assertEquals(1, t.getVersion());
            assertEquals(0, t.getNumChildren());
            assertEquals(2, t.getCversion());
            assertEquals(set.getMzxid(), t.getPzxid());

            KeeperException ex = assertThrows(KeeperException.class,
                    () -> zk.transaction().check("/t", 0).delete("/t", -1).commit());
            assertEquals(KeeperException.Code.BADVERSION, ex.code());
            assertErrors(ex.getResults(), KeeperException.Code.BADVERSION.intValue(), RUNTIME_INCONSISTENCY);
            assertNotNull(zk.exists("/t", false));
        }
    }

    // ------------------------------------------------------------------ helpers

    /** Op {@code k} fails with {@code code}: ops before it report 0, ops after it -2. */
    private static void assertMultiFails(ZooKeeper zk, int k, KeeperException.Code code, Op... ops) {
        KeeperException ex = assertThrows(KeeperException.class, () -> zk.multi(List.of(ops)));
        assertEquals(code, ex.code(), ex.toString());
        int[] expected = new int[ops.length];
        for (int i = 0; i < ops.length; i++) {
            expected[i] = i < k ? OK : i == k ? code.intValue() : RUNTIME_INCONSISTENCY;
        }
        assertErrors(ex.getResults(), expected);
    }

    private static void assertErrors(List<OpResult> results, int... codes) {
        assertNotNull(results);
        List<Integer> actual = new ArrayList<>();
        for (OpResult r : results) {
            OpResult.ErrorResult er = assertInstanceOf(OpResult.ErrorResult.class, r);
            assertEquals(ERROR, er.getType());
            actual.add(er.getErr());
        }
        List<Integer> expected = new ArrayList<>();
        for (int c : codes) {
            expected.add(c);
        }
        assertEquals(expected, actual);
    }

    private static void assertError(OpResult result, int code) {
        OpResult.ErrorResult er = assertInstanceOf(OpResult.ErrorResult.class, result);
        assertEquals(ERROR, er.getType());
        assertEquals(code, er.getErr());
    }
}
