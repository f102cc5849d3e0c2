package io.paddock.coordinator.tree;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.coordinator.txn.Txn;
import io.paddock.coordinator.txn.TxnEntry;
import io.paddock.coordinator.wire.CreateModes;
import io.paddock.coordinator.wire.ErrorCode;
import io.paddock.coordinator.wire.EventType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.List;
import java.util.Set;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;

class DataTreeTest {
    private final DataTree tree = new DataTree();
    private long zxid;

    private ApplyResult apply(Txn txn) {
        return tree.apply(++zxid, new TxnEntry(0x77, 1, 1000 + zxid, txn));
    }

    private ApplyResult create(String path, long owner, int parentCversion) {
        return apply(new Txn.Create(path, new byte[] {1}, DataTree.OPEN_ACL, owner, parentCversion));
    }

    @Test
    void freshTreeHasZooKeepersSystemNodes() {
        assertEquals(4, tree.nodeCount());
        assertEquals(-1, tree.get("/").stat().getCversion());
        assertEquals(-2, tree.get("/zookeeper").stat().getCversion());
        assertEquals(-1, tree.get("/zookeeper/config").aversion());
        assertEquals(DataTree.READ_ACL, tree.get("/zookeeper/config").acl());
        assertEquals(tree.get("/"), tree.get(""), "the empty path is the root");
    }

    @Test
    void createSetDeleteMaintainStat() {
        ApplyResult c = create("/a", 0, 1);
        assertEquals(List.of(new WatchTrigger("/a", EventType.NODE_CREATED),
                new WatchTrigger("/", EventType.NODE_CHILDREN_CHANGED)), c.triggers());
        Stat s = c.stat();
        assertEquals(1, s.getCzxid());
        assertEquals(1, s.getMzxid());
        assertEquals(1, s.getPzxid());
        assertEquals(1001, s.getCtime());
        apply(new Txn.SetData("/a", new byte[] {1, 2, 3}, 1));
        Stat set = tree.get("/a").stat();
        assertEquals(1, set.getVersion());
        assertEquals(3, set.getDataLength());
        assertEquals(2, set.getMzxid());
        assertEquals(1002, set.getMtime());
        create("/a/b", 0, 1);
        assertEquals(1, tree.get("/a").stat().getCversion());
        assertEquals(3, tree.get("/a").pzxid());
        ApplyResult d = apply(new Txn.Delete("/a/b"));
        assertEquals(List.of(new WatchTrigger("/a/b", EventType.NODE_DELETED),
                new WatchTrigger("/a", EventType.NODE_CHILDREN_CHANGED)), d.triggers());
        assertEquals(1, tree.get("/a").cversion(), "stored cversion counts creations only");
        assertEquals(2, tree.get("/a").stat().getCversion(), "clients see creations + deletions");
        assertEquals(4, tree.get("/a").pzxid());
        assertNull(tree.get("/a/b"));
    }

    @Test
    void closeSessionDeletesItsEphemeralsInOneTxn() {
        apply(new Txn.CreateSession(0x77, 30000, new byte[16]));
        create("/e1", 0x77, 1);
        create("/e2", 0x77, 2);
        create("/other", 0x88, 3);
        assertEquals(Set.of("/e1", "/e2"), tree.ephemeralsOf(0x77));
        ApplyResult r = apply(new Txn.CloseSession(0x77));
        assertEquals(List.of(new WatchTrigger("/e1", EventType.NODE_DELETED),
                new WatchTrigger("/", EventType.NODE_CHILDREN_CHANGED),
                new WatchTrigger("/e2", EventType.NODE_DELETED),
                new WatchTrigger("/", EventType.NODE_CHILDREN_CHANGED)), r.triggers());
        assertNull(tree.get("/e1"));
        assertNull(tree.get("/e2"));
        assertEquals(Set.of(), tree.ephemeralsOf(0x77));
        assertTrue(tree.get("/other") != null);
        assertTrue(!tree.sessions().containsKey(0x77L));
    }

    @Test
    void containersAndTtlAreIndexedAndHiddenFromClients() {
        create("/box", CreateModes.CONTAINER_OWNER, 1);
        create("/ttl", CreateModes.ttlOwner(5000), 2);
        assertEquals(Set.of("/box"), tree.containers());
        assertEquals(Set.of("/ttl"), tree.ttlNodes());
        assertEquals(0, tree.get("/box").stat().getEphemeralOwner());
        assertEquals(0, tree.get("/ttl").stat().getEphemeralOwner());
        create("/box/x", 0, 1);
        assertEquals(ErrorCode.NOT_EMPTY, apply(new Txn.DeleteContainer("/box")).err());
        apply(new Txn.Delete("/box/x"));
        assertEquals(ErrorCode.OK, apply(new Txn.DeleteContainer("/box")).err());
        assertEquals(Set.of(), tree.containers());
    }

    @Test
    void multiAppliesAllOpsAtOneZxid() {
        ApplyResult r = apply(new Txn.Multi(List.of(
                new Txn.Create("/m", null, DataTree.OPEN_ACL, 0, 1),
                new Txn.SetData("/m", new byte[] {9}, 1),
                new Txn.Check("/m", 1))));
        assertEquals(3, r.multi().size());
        assertEquals(1, tree.get("/m").czxid());
        assertEquals(1, tree.get("/m").mzxid());
        assertEquals(1, tree.get("/m").version());
    }

    @Test
    void applyRefusesOutOfOrderZxids() {
        create("/a", 0, 1);
        assertThrows(IllegalStateException.class,
                () -> tree.apply(1, new TxnEntry(0, 0, 0, new Txn.Delete("/a"))));
    }

    @Test
    void imageRoundTripRebuildsChildrenAndIndexes() throws Exception {
        apply(new Txn.CreateSession(0x77, 30000, new byte[] {1, 2}));
        create("/a", 0, 1);
        create("/a/e", 0x77, 1);
        create("/c", CreateModes.CONTAINER_OWNER, 2);
        apply(new Txn.SetAcl("/a", DataTree.READ_ACL, 1));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        tree.writeSnapshot(new DataOutputStream(bytes));
        DataTree copy = DataTree.fromImage(TreeImage.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))));
        assertEquals(tree.lastZxid(), copy.lastZxid());
        assertEquals(tree.nodeCount(), copy.nodeCount());
        for (String p : List.of("/", "/a", "/a/e", "/c", "/zookeeper", "/zookeeper/config")) {
            assertEquals(tree.get(p).stat(), copy.get(p).stat(), p);
            assertEquals(tree.get(p).acl(), copy.get(p).acl(), p);
        }
        assertEquals(Set.of("/a/e"), copy.ephemeralsOf(0x77));
        assertEquals(Set.of("/c"), copy.containers());
        assertEquals(30000, copy.sessions().get(0x77L).timeoutMs());
    }

    @Test
    void quotaStatsFollowTheSubtreeInPlaceAndSurviveASnapshot() throws Exception {
        apply(new Txn.Create("/q", null, DataTree.OPEN_ACL, 0, 1));
        apply(new Txn.Create("/q/a", "abc".getBytes(), DataTree.OPEN_ACL, 0, 1));
        create("/zookeeper/quota/q", 0, 1);
        apply(new Txn.Create("/zookeeper/quota/q/zookeeper_limits", "count=5,bytes=-1".getBytes(), DataTree.OPEN_ACL, 0, 1));
        apply(new Txn.Create("/zookeeper/quota/q/zookeeper_stats", "count=0,bytes=0".getBytes(), DataTree.OPEN_ACL, 0, 2));
        String stats = "/zookeeper/quota/q/zookeeper_stats";
        assertEquals("count=2,bytes=3", new String(tree.get(stats).data()));
        apply(new Txn.Create("/q/b", "defg".getBytes(), DataTree.OPEN_ACL, 0, 2));
        apply(new Txn.SetData("/q/a", "abcdef".getBytes(), 1));
        assertEquals("count=3,bytes=10", new String(tree.get(stats).data()));
        long mzxid = tree.get(stats).mzxid();
        apply(new Txn.Delete("/q/b"));
        assertEquals("count=2,bytes=6", new String(tree.get(stats).data()));
        assertEquals(mzxid, tree.get(stats).mzxid(), "updated in place, as ZooKeeper does");
        assertEquals(0, tree.get(stats).version());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        tree.writeSnapshot(new DataOutputStream(bytes));
        DataTree copy = DataTree.fromImage(TreeImage.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))));
        copy.apply(++zxid, new TxnEntry(0, 0, 0, new Txn.Create("/q/c", "xy".getBytes(), DataTree.OPEN_ACL, 0, 3)));
        assertEquals("count=3,bytes=8", new String(copy.get(stats).data()), "the quota index is rebuilt on load");
    }

    @Test
    void digestTracksContentNotHistory() throws Exception {
        long fresh = tree.digest();
        create("/a", 0, 1);
        long withA = tree.digest();
        assertTrue(withA != fresh);
        apply(new Txn.SetData("/a", new byte[] {7}, 1));
        assertTrue(tree.digest() != withA, "a data change changes the digest");
        // A snapshot image rebuilds the same digest, however the nodes are inserted.
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        tree.writeSnapshot(new DataOutputStream(bytes));
        DataTree copy = DataTree.fromImage(TreeImage.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))));
        assertEquals(tree.digest(), copy.digest());
        // Create then delete returns every node but the parent to its old state; the parent's pzxid moved.
        apply(new Txn.Delete("/a"));
        DataTree other = new DataTree();
        assertTrue(tree.digest() != other.digest(), "the root's pzxid and cversion differ");
        assertEquals(new DataTree().digest(), other.digest(), "identical trees have identical digests");
    }

    private static DataTree readBack(byte[] bytes) throws Exception {
        return DataTree.fromImage(TreeImage.readFrom(new DataInputStream(new ByteArrayInputStream(bytes))));
    }

    @Test
    void snapshotViewIsThePointInTimeItWasOpenedAt() throws Exception {
        for (int i = 0; i < 50; i++) {
            create("/n" + i, 0, 1);
        }
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        tree.writeSnapshot(new DataOutputStream(expected));
        long digestAtOpen = tree.digest();
        TreeSnapshotView view = tree.image();
        // Every kind of change after the view opened: delete, create, delete+recreate, setData twice, ACL.
        apply(new Txn.Delete("/n3"));
        create("/new", 0, 1);
        apply(new Txn.Delete("/n7"));
        apply(new Txn.Create("/n7", "again".getBytes(), DataTree.OPEN_ACL, 0, 1));
        apply(new Txn.SetData("/n9", "x".getBytes(), 1));
        apply(new Txn.SetData("/n9", "y".getBytes(), 2));
        apply(new Txn.SetAcl("/n11", DataTree.READ_ACL, 1));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            view.writeTo(new DataOutputStream(bytes));
        } finally {
            view.release();
        }
        DataTree copy = readBack(bytes.toByteArray());
        assertEquals(digestAtOpen, copy.digest(), "the view's content is the tree when it was opened");
        assertEquals(readBack(expected.toByteArray()).digest(), copy.digest());
        assertEquals(null, copy.get("/new"));
        assertEquals(0, copy.get("/n9").version());
        assertEquals(DataTree.OPEN_ACL, copy.get("/n11").acl());
        assertTrue(copy.get("/n3") != null);
        assertArrayEquals(new byte[] {1}, copy.get("/n7").data());
        // Once released, changes are no longer recorded and a new view can open.
        TreeSnapshotView next = tree.image();
        next.release();
    }

    @Test
    void snapshotViewWrittenConcurrentlyWithAppliesMatchesTheOpeningState() throws Exception {
        java.util.Random random = new java.util.Random(42);
        for (int i = 0; i < 2000; i++) {
            create("/k" + i, 0, 1);
        }
        for (int round = 0; round < 5; round++) {
            long digestAtOpen = tree.digest();
            int nodesAtOpen = tree.nodeCount();
            TreeSnapshotView view = tree.image();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            java.util.concurrent.CompletableFuture<Void> writer = java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                    view.writeTo(new DataOutputStream(bytes));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            for (int i = 0; i < 3000 && !writer.isDone() || i < 200; i++) {
                String path = "/k" + random.nextInt(2000);
                if (tree.get(path) == null) {
                    create(path, 0, 1);
                } else if (random.nextBoolean()) {
                    apply(new Txn.Delete(path));
                } else {
                    apply(new Txn.SetData(path, new byte[] {(byte) i}, tree.get(path).version() + 1));
                }
            }
            writer.get(60, java.util.concurrent.TimeUnit.SECONDS);
            view.release();
            DataTree copy = readBack(bytes.toByteArray());
            assertEquals(nodesAtOpen, copy.nodeCount(), "round " + round);
            assertEquals(digestAtOpen, copy.digest(), "round " + round);
        }
    }

    private static byte[] written(TreeSnapshotView view) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        view.writeTo(new DataOutputStream(bytes));
        return bytes.toByteArray();
    }

    @Test
    void severalViewsOpenAtOnceEachKeepTheirOwnPointInTime() throws Exception {
        for (int i = 0; i < 20; i++) {
            create("/n" + i, 0, 1);
        }
        long digestA = tree.digest();
        TreeSnapshotView a = tree.image();
        apply(new Txn.SetData("/n1", "x".getBytes(), 1));
        apply(new Txn.Delete("/n2"));
        create("/between", 0, 1);
        long digestB = tree.digest();
        long zxidB = tree.lastZxid();
        TreeSnapshotView b = tree.image();
        // opened with no change in between: an empty record like b's, yet a view of its own
        TreeSnapshotView c = tree.image();
        assertEquals(3, tree.openViews());
        apply(new Txn.SetData("/n1", "y".getBytes(), 2));
        apply(new Txn.Delete("/between"));
        create("/after", 0, 1);
        DataTree fromA = readBack(written(a));
        a.release();
        a.release();
        assertEquals(2, tree.openViews(), "releasing one view twice ends only that view");
        apply(new Txn.Delete("/n1"));
        apply(new Txn.SetAcl("/n5", DataTree.READ_ACL, 1));
        c.release();
        apply(new Txn.Delete("/n5"));
        DataTree fromB = readBack(written(b));
        b.release();
        assertEquals(0, tree.openViews());
        assertEquals(digestA, fromA.digest());
        assertEquals(1, fromA.get("/n1").data()[0]);
        assertTrue(fromA.get("/n2") != null && fromA.get("/between") == null);
        assertEquals(digestB, fromB.digest());
        assertEquals(zxidB, fromB.lastZxid());
        assertArrayEquals("x".getBytes(), fromB.get("/n1").data());
        assertEquals(DataTree.OPEN_ACL, fromB.get("/n5").acl());
        assertTrue(fromB.get("/between") != null && fromB.get("/after") == null && fromB.get("/n2") == null);
    }

    @Test
    void viewsWrittenOnTheirOwnThreadsWhileApplyGoesOnMatchTheirOpeningStates() throws Exception {
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 2000; i++) {
            create("/k" + i, 0, 1);
        }
        java.util.concurrent.ExecutorService writers = java.util.concurrent.Executors.newFixedThreadPool(3);
        try {
            List<Long> digests = new java.util.ArrayList<>();
            List<java.util.concurrent.Future<byte[]>> images = new java.util.ArrayList<>();
            List<TreeSnapshotView> views = new java.util.ArrayList<>();
            for (int v = 0; v < 3; v++) {
                digests.add(tree.digest());
                TreeSnapshotView view = tree.image();
                views.add(view);
                images.add(writers.submit(() -> written(view)));
                for (int i = 0; i < 1500; i++) {
                    String path = "/k" + random.nextInt(2000);
                    if (tree.get(path) == null) {
                        create(path, 0, 1);
                    } else if (random.nextBoolean()) {
                        apply(new Txn.Delete(path));
                    } else {
                        apply(new Txn.SetData(path, new byte[] {(byte) i}, tree.get(path).version() + 1));
                    }
                }
            }
            for (int v = 0; v < 3; v++) {
                byte[] bytes = images.get(v).get(60, java.util.concurrent.TimeUnit.SECONDS);
                views.get(v).release();
                assertEquals(digests.get(v), readBack(bytes).digest(), "view " + v);
            }
            assertEquals(0, tree.openViews());
        } finally {
            writers.shutdownNow();
        }
    }

    @Test
    void aBodyStreamedIntoATreeReplacesItsWholeContent() throws Exception {
        apply(new Txn.CreateSession(0x77, 30000, new byte[] {1, 2}));
        create("/a", 0, 1);
        create("/a/e", 0x77, 1);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        tree.writeSnapshot(new DataOutputStream(bytes));
        DataTree other = new DataTree();
        other.apply(1, new TxnEntry(0, 0, 0, new Txn.Create("/gone", null, DataTree.OPEN_ACL, 0, 1)));
        TreeSnapshotView open = other.image();
        other.replaceFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertEquals(tree.digest(), other.digest());
        assertEquals(tree.lastZxid(), other.lastZxid());
        assertNull(other.get("/gone"));
        assertEquals(Set.of("/a/e"), other.ephemeralsOf(0x77));
        assertEquals(Set.of("e"), Set.copyOf(other.get("/a").childNames()));
        // a view opened before the replacement still sees the old tree
        assertTrue(readBack(written(open)).get("/gone") != null);
        open.release();
    }
}
