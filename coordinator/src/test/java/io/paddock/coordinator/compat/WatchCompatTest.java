package io.paddock.coordinator.compat;

import io.paddock.testkit.TcpProxy;
import io.paddock.testkit.Clients;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.Watcher.WatcherType;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Watch semantics as the stock client sees them: which events arrive, how many, in which order and
 * with which zxid. Every scenario runs against Paddock and Apache ZooKeeper with the same asserts.
 *
 * <p>"Nothing else arrived" is always proven the same way: an asynchronous round trip on the
 * watching client ({@link #barrier}) whose callback runs on the client's event thread after every
 * notification the server sent before its reply, then {@code drainNow()} must be empty.
 */
class WatchCompatTest {
    private static final List<ACL> OPEN = ZooDefs.Ids.OPEN_ACL_UNSAFE;
    private static final int SESSION_MS = 30_000;

    @TempDir
    Path dir;

    private ServerUnderTest start(ServerUnderTest.Kind kind) throws Exception {
        // long sessions so a client cut off by the proxy keeps its session
        return kind.start(dir, ServerUnderTest.defaults(Map.of("maxSessionTimeout", "60000")));
    }

    private static ZooKeeper connect(ServerUnderTest server) throws Exception {
        return Clients.connect(server.connectString(), SESSION_MS, null);
    }

    // ------------------------------------------------------------------ one-shot watches

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void dataWatchFiresOnceWithTheWritesZxid(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind); ZooKeeper a = connect(server); ZooKeeper b = connect(server)) {
            b.create("/a", "0".getBytes(), OPEN, CreateMode.PERSISTENT);
            ZxidLog log = new ZxidLog();
            a.getData("/a", log, null);
            Stat first = b.setData("/a", "1".getBytes(), -1);
            b.setData("/a", "2".getBytes(), -1);
            WatchedEvent changed = log.next();
            assertEquals("NodeDataChanged /a", str(changed));
            assertEquals(first.getMzxid(), changed.getZxid(), "notification carries the zxid of the write");
            barrier(a);
            assertEquals(List.of(), log.drainNow(), "a one-shot watch fires once");

            a.getData("/a", log, null);
            b.delete("/a", -1);
            WatchedEvent deleted = log.next();
            assertEquals("NodeDeleted /a", str(deleted));
            assertTrue(deleted.getZxid() > first.getMzxid());
            b.create("/a", null, OPEN, CreateMode.PERSISTENT);
            barrier(a);
            assertEquals(List.of(), log.drainNow());
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void existsWatchOnMissingNodeFiresNodeCreated(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind); ZooKeeper a = connect(server); ZooKeeper b = connect(server)) {
            ZxidLog log = new ZxidLog();
            assertNull(a.exists("/x", log));
            Stat created = new Stat();
            b.create("/x", "v".getBytes(), OPEN, CreateMode.PERSISTENT, created);
            WatchedEvent e = log.next();
            assertEquals("NodeCreated /x", str(e));
            assertEquals(created.getCzxid(), e.getZxid());

            // on an existing node exists() sets an ordinary data watch
            assertNotNull(a.exists("/x", log));
            b.setData("/x", "w".getBytes(), -1);
            assertEquals("NodeDataChanged /x", str(log.next()));
            assertNotNull(a.exists("/x", log));
            b.delete("/x", -1);
            assertEquals("NodeDeleted /x", str(log.next()));

            // getData / getChildren on a missing node fail and leave no watch behind
            assertCode(KeeperException.Code.NONODE, () -> a.getData("/y", log, null));
            assertCode(KeeperException.Code.NONODE, () -> a.getChildren("/y", log));
            b.create("/y", null, OPEN, CreateMode.PERSISTENT);
            b.create("/y/k", null, OPEN, CreateMode.PERSISTENT);
            b.setData("/y", "d".getBytes(), -1);
            barrier(a);
            assertEquals(List.of(), log.drainNow());
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void childWatchFiresOnChildCreateAndDeleteOnly(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind); ZooKeeper a = connect(server); ZooKeeper b = connect(server)) {
            b.create("/p", null, OPEN, CreateMode.PERSISTENT);
            ZxidLog log = new ZxidLog();
            assertEquals(List.of(), a.getChildren("/p", log));
            Stat c1 = new Stat();
            b.create("/p/c1", null, OPEN, CreateMode.PERSISTENT, c1);
            b.create("/p/c2", null, OPEN, CreateMode.PERSISTENT);
            WatchedEvent e = log.next();
            assertEquals("NodeChildrenChanged /p", str(e));
            assertEquals(c1.getCzxid(), e.getZxid());
            barrier(a);
            assertEquals(List.of(), log.drainNow(), "one-shot: the second child create fires nothing");

            a.getChildren("/p", log);
            // none of these change /p's child list
            b.setData("/p/c1", "x".getBytes(), -1);
            b.setData("/p", "x".getBytes(), -1);
            b.create("/p/c1/g", null, OPEN, CreateMode.PERSISTENT);
            b.delete("/p/c1/g", -1);
            b.setACL("/p", OPEN, -1);
            b.delete("/p/c2", -1);
            assertEquals("NodeChildrenChanged /p", str(log.next()), "the first event is the child delete");

            a.getChildren("/p", log);
            b.delete("/p/c1", -1);
            assertEquals("NodeChildrenChanged /p", str(log.next()));
            a.getChildren("/p", log);
            b.delete("/p", -1);
            assertEquals("NodeDeleted /p", str(log.next()), "a child watch on a deleted node gets NodeDeleted");
            barrier(a);
            assertEquals(List.of(), log.drainNow());
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void deleteFiresNodeDeletedOncePerConnection(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind);
             ZooKeeper a = connect(server);
             ZooKeeper b = connect(server);
             ZooKeeper c = connect(server)) {
            b.create("/top", null, OPEN, CreateMode.PERSISTENT);
            b.create("/top/w", "d".getBytes(), OPEN, CreateMode.PERSISTENT);
            EventLog data = new EventLog();
            EventLog exist = new EventLog();
            EventLog kids = new EventLog();
            EventLog parent = new EventLog();
            // A recursive watch is never consumed on the client, so a duplicate notification from
            // the server would show up here a second time.
            EventLog recursive = new EventLog();
            a.addWatch("/top", recursive, AddWatchMode.PERSISTENT_RECURSIVE);
            a.getData("/top/w", data, null);
            assertNotNull(a.exists("/top/w", exist));
            a.getChildren("/top/w", kids);
            a.getChildren("/top", parent);
            EventLog other = new EventLog();
            c.getData("/top/w", other, null);
            c.getChildren("/top/w", other);

            b.delete("/top/w", -1);
            data.expect("NodeDeleted /top/w");
            exist.expect("NodeDeleted /top/w");
            kids.expect("NodeDeleted /top/w");
            parent.expect("NodeChildrenChanged /top");
            recursive.expect("NodeDeleted /top/w");
            other.expect("NodeDeleted /top/w");
            barrier(a);
            barrier(c);
            for (EventLog log : List.of(data, exist, kids, parent, recursive, other)) {
                assertEquals(List.of(), log.drainNow());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void setAclFiresNothing(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind); ZooKeeper a = connect(server); ZooKeeper b = connect(server)) {
            b.create("/s", "v".getBytes(), OPEN, CreateMode.PERSISTENT);
            EventLog data = new EventLog();
            EventLog kids = new EventLog();
            EventLog persistent = new EventLog();
            EventLog recursive = new EventLog();
            a.getData("/s", data, null);
            a.getChildren("/s", kids);
            a.addWatch("/s", persistent, AddWatchMode.PERSISTENT);
            a.addWatch("/", recursive, AddWatchMode.PERSISTENT_RECURSIVE);

            assertEquals(1, b.setACL("/s", OPEN, -1).getAversion());
            assertEquals(2, a.setACL("/s", OPEN, 1).getAversion());
            barrier(a);
            for (EventLog log : List.of(data, kids, persistent, recursive)) {
                assertEquals(List.of(), log.drainNow());
            }
            // the one-shot watches are still armed: setACL did not consume them
            b.setData("/s", "w".getBytes(), -1);
            data.expect("NodeDataChanged /s");
            persistent.expect("NodeDataChanged /s");
            recursive.expect("NodeDataChanged /s");
            barrier(a);
            for (EventLog log : List.of(data, kids, persistent, recursive)) {
                assertEquals(List.of(), log.drainNow());
            }
        }
    }

    // ------------------------------------------------------------------ persistent watches

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void persistentWatchSeesNodeAndDirectChildren(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind); ZooKeeper a = connect(server); ZooKeeper b = connect(server)) {
            EventLog log = new EventLog();
            a.addWatch("/p", log, AddWatchMode.PERSISTENT);
            b.create("/p", null, OPEN, CreateMode.PERSISTENT);
            b.setData("/p", "1".getBytes(), -1);
            b.create("/p/c", null, OPEN, CreateMode.PERSISTENT);
            b.setData("/p/c", "1".getBytes(), -1); // child data: nothing
            b.create("/p/c/g", null, OPEN, CreateMode.PERSISTENT); // grandchild: nothing
            b.delete("/p/c/g", -1);
            b.create("/pp", null, OPEN, CreateMode.PERSISTENT); // prefix sibling: nothing
            b.setACL("/p", OPEN, -1); // nothing
            b.delete("/p/c", -1);
            b.delete("/p", -1);
            b.create("/p", null, OPEN, CreateMode.PERSISTENT); // the watch survived the delete
            b.setData("/p", "2".getBytes(), -1);
            assertEquals(List.of(
                    "NodeCreated /p",
                    "NodeDataChanged /p",
                    "NodeChildrenChanged /p",
                    "NodeChildrenChanged /p",
                    "NodeDeleted /p",
                    "NodeCreated /p",
                    "NodeDataChanged /p"), log.take(7));
            barrier(a);
            assertEquals(List.of(), log.drainNow());
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void persistentRecursiveWatchSeesAllDescendantsButNoChildEvents(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind); ZooKeeper a = connect(server); ZooKeeper b = connect(server)) {
            EventLog log = new EventLog();
            a.addWatch("/r", log, AddWatchMode.PERSISTENT_RECURSIVE);
            b.create("/r", null, OPEN, CreateMode.PERSISTENT);
            b.create("/r/a", null, OPEN, CreateMode.PERSISTENT);
            b.create("/r/a/b", null, OPEN, CreateMode.PERSISTENT);
            b.setData("/r/a/b", "1".getBytes(), -1);
            b.create("/rr", null, OPEN, CreateMode.PERSISTENT); // prefix sibling: nothing
            b.create("/rr/x", null, OPEN, CreateMode.PERSISTENT);
            b.setACL("/r/a", OPEN, -1); // nothing
            b.setData("/r", "1".getBytes(), -1);
            b.delete("/r/a/b", -1);
            b.delete("/r/a", -1);
            b.create("/r/z", null, OPEN, CreateMode.EPHEMERAL);
            assertEquals(List.of(
                    "NodeCreated /r",
                    "NodeCreated /r/a",
                    "NodeCreated /r/a/b",
                    "NodeDataChanged /r/a/b",
                    "NodeDataChanged /r",
                    "NodeDeleted /r/a/b",
                    "NodeDeleted /r/a",
                    "NodeCreated /r/z"), log.take(8));
            barrier(a);
            assertEquals(List.of(), log.drainNow());
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void overlappingWatchesOnOneConnectionNotifyOnce(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind); ZooKeeper a = connect(server); ZooKeeper b = connect(server)) {
            b.create("/d1", null, OPEN, CreateMode.PERSISTENT);
            EventLog data = new EventLog();
            EventLog persistent = new EventLog();
            a.getData("/d1", data, null);
            a.addWatch("/d1", persistent, AddWatchMode.PERSISTENT);
            b.setData("/d1", "1".getBytes(), -1);
            data.expect("NodeDataChanged /d1");
            persistent.expect("NodeDataChanged /d1");
            barrier(a);
            assertEquals(List.of(), data.drainNow());
            assertEquals(List.of(), persistent.drainNow(), "getData watch + persistent watch: one notification");
            b.setData("/d1", "2".getBytes(), -1);
            persistent.expect("NodeDataChanged /d1");
            barrier(a);
            assertEquals(List.of(), data.drainNow());
            assertEquals(List.of(), persistent.drainNow());

            // an exist watch plus a recursive watch on an ancestor
            b.create("/q", null, OPEN, CreateMode.PERSISTENT);
            EventLog exist = new EventLog();
            EventLog underQ = new EventLog();
            assertNull(a.exists("/q/x", exist));
            a.addWatch("/q", underQ, AddWatchMode.PERSISTENT_RECURSIVE);
            b.create("/q/x", null, OPEN, CreateMode.PERSISTENT);
            exist.expect("NodeCreated /q/x");
            underQ.expect("NodeCreated /q/x");
            // recursive watches on / and on /q: one notification, each watcher called once
            EventLog underRoot = new EventLog();
            a.addWatch("/", underRoot, AddWatchMode.PERSISTENT_RECURSIVE);
            b.setData("/q/x", "1".getBytes(), -1);
            underQ.expect("NodeDataChanged /q/x");
            underRoot.expect("NodeDataChanged /q/x");
            barrier(a);
            for (EventLog log : List.of(data, persistent, exist, underQ, underRoot)) {
                assertEquals(List.of(), log.drainNow());
            }
        }
    }

    // ------------------------------------------------------------------ ordering

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void ownWriteDeliversTheWatchEventBeforeTheReply(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind); ZooKeeper a = connect(server)) {
            // watcher and callbacks both run on the client's single event thread, in arrival order
            List<String> order = Collections.synchronizedList(new ArrayList<>());
            Watcher w = e -> {
                if (e.getType() != Watcher.Event.EventType.None) {
                    order.add(e.getType() + " " + e.getPath());
                }
            };
            assertNull(a.exists("/o", w));
            CountDownLatch created = new CountDownLatch(1);
            a.create("/o", null, OPEN, CreateMode.PERSISTENT, (rc, path, ctx, name) -> {
                order.add("reply create " + rc + " " + name);
                created.countDown();
            }, null);
            await(created);
            assertEquals(List.of("NodeCreated /o", "reply create 0 /o"), List.copyOf(order));

            order.clear();
            a.getData("/o", w, null);
            a.getChildren("/o", w);
            CountDownLatch child = new CountDownLatch(1);
            a.create("/o/k", null, OPEN, CreateMode.PERSISTENT, (rc, path, ctx, name) -> {
                order.add("reply create " + rc + " " + name);
                child.countDown();
            }, null);
            await(child);
            CountDownLatch set = new CountDownLatch(1);
            a.setData("/o", "x".getBytes(), -1, (rc, path, ctx, stat) -> {
                order.add("reply setData " + rc + " " + path);
                set.countDown();
            }, null);
            await(set);
            assertNotNull(a.exists("/o/k", w));
            CountDownLatch deleted = new CountDownLatch(1);
            a.delete("/o/k", -1, (rc, path, ctx) -> {
                order.add("reply delete " + rc + " " + path);
                deleted.countDown();
            }, null);
            await(deleted);
            assertEquals(List.of(
                    "NodeChildrenChanged /o", "reply create 0 /o/k",
                    "NodeDataChanged /o", "reply setData 0 /o",
                    "NodeDeleted /o/k", "reply delete 0 /o/k"), List.copyOf(order));
        }
    }

    // ------------------------------------------------------------------ removing watches

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void removeWatchesByWatcherAndByType(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind); ZooKeeper a = connect(server); ZooKeeper b = connect(server)) {
            b.create("/rw", null, OPEN, CreateMode.PERSISTENT);
            EventLog data1 = new EventLog();
            EventLog data2 = new EventLog();
            EventLog kids = new EventLog();
            a.getData("/rw", data1, null);
            a.getData("/rw", data2, null);
            a.getChildren("/rw", kids);

            // one watcher object (checkWatches on the wire): the others stay
            a.removeWatches("/rw", data1, WatcherType.Data, false);
            data1.expect("DataWatchRemoved /rw");
            b.setData("/rw", "1".getBytes(), -1);
            data2.expect("NodeDataChanged /rw");
            b.create("/rw/k", null, OPEN, CreateMode.PERSISTENT);
            kids.expect("NodeChildrenChanged /rw");
            barrier(a);
            for (EventLog log : List.of(data1, data2, kids)) {
                assertEquals(List.of(), log.drainNow());
            }

            // all watches of one type (removeWatches on the wire)
            a.getData("/rw", data1, null);
            a.getChildren("/rw", kids);
            a.removeAllWatches("/rw", WatcherType.Children, false);
            kids.expect("ChildWatchRemoved /rw");
            a.removeAllWatches("/rw", WatcherType.Data, false);
            data1.expect("DataWatchRemoved /rw");
            b.setData("/rw", "2".getBytes(), -1);
            b.create("/rw/k2", null, OPEN, CreateMode.PERSISTENT);
            barrier(a);
            for (EventLog log : List.of(data1, data2, kids)) {
                assertEquals(List.of(), log.drainNow());
            }
            assertCode(KeeperException.Code.NOWATCHER, () -> a.removeAllWatches("/rw", WatcherType.Data, false));
            assertCode(KeeperException.Code.NOWATCHER, () -> a.removeAllWatches("/rw", WatcherType.Children, false));
            assertCode(KeeperException.Code.NOWATCHER, () -> a.removeAllWatches("/rw", WatcherType.Any, false));
            assertCode(KeeperException.Code.NOWATCHER, () -> a.removeWatches("/rw", data1, WatcherType.Data, false));
            assertCode(KeeperException.Code.NOWATCHER, () -> a.removeAllWatches("/nowhere", WatcherType.Any, false));

            // Any takes data and child watches together
            a.getData("/rw", data1, null);
            a.getChildren("/rw", kids);
            a.removeAllWatches("/rw", WatcherType.Any, false);
            data1.expect("DataWatchRemoved /rw");
            kids.expect("ChildWatchRemoved /rw");

            // an exist watch on a missing node counts as a data watch
            EventLog exist = new EventLog();
            assertNull(a.exists("/ghost", exist));
            a.removeAllWatches("/ghost", WatcherType.Data, false);
            exist.expect("DataWatchRemoved /ghost");
            b.create("/ghost", null, OPEN, CreateMode.PERSISTENT);
            b.setData("/rw", "3".getBytes(), -1);
            barrier(a);
            for (EventLog log : List.of(data1, data2, kids, exist)) {
                assertEquals(List.of(), log.drainNow());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void removePersistentWatchesOnlyByTheirOwnTypeOrAny(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind); ZooKeeper a = connect(server); ZooKeeper b = connect(server)) {
            EventLog p = new EventLog();
            a.addWatch("/pp", p, AddWatchMode.PERSISTENT);
            for (WatcherType t : List.of(WatcherType.Children, WatcherType.Data, WatcherType.PersistentRecursive)) {
                assertCode(KeeperException.Code.NOWATCHER, () -> a.removeAllWatches("/pp", t, false));
            }
            a.removeAllWatches("/pp", WatcherType.Persistent, false);
            p.expect("PersistentWatchRemoved /pp");
            a.addWatch("/pp", p, AddWatchMode.PERSISTENT);
            a.removeAllWatches("/pp", WatcherType.Any, false);
            p.expect("PersistentWatchRemoved /pp");

            EventLog r = new EventLog();
            a.addWatch("/rr", r, AddWatchMode.PERSISTENT_RECURSIVE);
            for (WatcherType t : List.of(WatcherType.Children, WatcherType.Data, WatcherType.Persistent)) {
                assertCode(KeeperException.Code.NOWATCHER, () -> a.removeAllWatches("/rr", t, false));
            }
            a.removeAllWatches("/rr", WatcherType.PersistentRecursive, false);
            r.expect("PersistentWatchRemoved /rr");
            a.addWatch("/rr", r, AddWatchMode.PERSISTENT_RECURSIVE);
            a.removeWatches("/rr", r, WatcherType.Any, false);
            r.expect("PersistentWatchRemoved /rr");

            b.create("/pp", null, OPEN, CreateMode.PERSISTENT);
            b.create("/rr", null, OPEN, CreateMode.PERSISTENT);
            b.create("/rr/x", null, OPEN, CreateMode.PERSISTENT);
            barrier(a);
            assertEquals(List.of(), p.drainNow());
            assertEquals(List.of(), r.drainNow());
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void removingOneKindOfWatchKeepsTheOthersOnTheServer(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind); ZooKeeper a = connect(server); ZooKeeper b = connect(server)) {
            b.create("/mix", null, OPEN, CreateMode.PERSISTENT);
            EventLog standard = new EventLog();
            EventLog persistent = new EventLog();
            a.getData("/mix", standard, null);
            a.addWatch("/mix", persistent, AddWatchMode.PERSISTENT);
            a.removeAllWatches("/mix", WatcherType.Persistent, false);
            persistent.expect("PersistentWatchRemoved /mix");
            b.setData("/mix", "1".getBytes(), -1);
            standard.expect("NodeDataChanged /mix");

            EventLog recursive = new EventLog();
            a.getData("/mix", standard, null);
            a.addWatch("/mix", recursive, AddWatchMode.PERSISTENT_RECURSIVE);
            a.removeAllWatches("/mix", WatcherType.Data, false);
            standard.expect("DataWatchRemoved /mix");
            b.setData("/mix", "2".getBytes(), -1);
            b.setData("/mix", "3".getBytes(), -1);
            recursive.expect("NodeDataChanged /mix");
            recursive.expect("NodeDataChanged /mix");

            EventLog kids = new EventLog();
            a.getChildren("/mix", kids);
            a.removeAllWatches("/mix", WatcherType.PersistentRecursive, false);
            recursive.expect("PersistentWatchRemoved /mix");
            b.create("/mix/c", null, OPEN, CreateMode.PERSISTENT);
            kids.expect("NodeChildrenChanged /mix");
            barrier(a);
            for (EventLog log : List.of(standard, persistent, recursive, kids)) {
                assertEquals(List.of(), log.drainNow());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void removeAllWatchesClearsTheServerSide(ServerUnderTest.Kind kind) throws Exception {
        // The stock client drops a stray notification silently, so check the server's own list (wchc:
        // data, exist, persistent and recursive watches per session).
        try (ServerUnderTest server = start(kind); ZooKeeper a = connect(server); ZooKeeper b = connect(server)) {
            b.create("/sv", null, OPEN, CreateMode.PERSISTENT);
            String sid = "0x" + Long.toHexString(a.getSessionId());
            Watcher w = new EventLog();
            a.getData("/sv", w, null);
            a.addWatch("/sv2", w, AddWatchMode.PERSISTENT);
            a.addWatch("/sv3", w, AddWatchMode.PERSISTENT_RECURSIVE);
            assertNull(a.exists("/sv4", w));
            assertEquals(Set.of("/sv", "/sv2", "/sv3", "/sv4"), wchc(server).get(sid));

            a.removeAllWatches("/sv", WatcherType.Data, false);
            a.removeAllWatches("/sv2", WatcherType.Persistent, false);
            assertEquals(Set.of("/sv3", "/sv4"), wchc(server).get(sid));
            a.removeAllWatches("/sv3", WatcherType.Any, false);
            a.removeAllWatches("/sv4", WatcherType.Any, false);
            assertNull(wchc(server).get(sid), "no watches left for the session");
        }
    }

    // ------------------------------------------------------------------ sessions

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void closingASessionDeletesItsEphemeralsAndNotifiesOthers(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind); ZooKeeper a = connect(server)) {
            ZooKeeper b = connect(server);
            b.create("/ep", null, OPEN, CreateMode.PERSISTENT);
            Stat eph = new Stat();
            b.create("/ep/e", null, OPEN, CreateMode.EPHEMERAL, eph);
            assertEquals(b.getSessionId(), eph.getEphemeralOwner());
            ZxidLog log = new ZxidLog();
            assertNotNull(a.exists("/ep/e", log));
            a.getChildren("/ep", log);
            b.close();
            WatchedEvent deleted = log.next();
            WatchedEvent children = log.next();
            assertEquals("NodeDeleted /ep/e", str(deleted));
            assertEquals("NodeChildrenChanged /ep", str(children));
            assertEquals(deleted.getZxid(), children.getZxid(), "both come from the closeSession txn");
            assertTrue(deleted.getZxid() > eph.getCzxid());
            assertNull(a.exists("/ep/e", false));
            Stat parent = a.exists("/ep", false);
            assertEquals(deleted.getZxid(), parent.getPzxid());
            assertEquals(0, parent.getNumChildren());
            assertEquals(2, parent.getCversion());
            barrier(a);
            assertEquals(List.of(), log.drainNow());
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void setWatchesOnReconnectReportsWhatChangedWhileAway(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind);
             TcpProxy proxy = TcpProxy.start(server.connectString());
             ZooKeeper b = connect(server)) {
            b.create("/d", "0".getBytes(), OPEN, CreateMode.PERSISTENT);
            b.create("/c", null, OPEN, CreateMode.PERSISTENT);
            b.create("/gone", null, OPEN, CreateMode.PERSISTENT);
            States states = new States();
            try (ZooKeeper a = Clients.connect(proxy.connectString(), SESSION_MS, states)) {
                long session = a.getSessionId();
                ZxidLog log = new ZxidLog();
                a.getData("/d", log, null);
                a.getChildren("/c", log);
                assertNull(a.exists("/x", log));
                a.getData("/gone", log, null);

                proxy.cut();
                states.await(Watcher.Event.KeeperState.Disconnected);
                b.setData("/d", "1".getBytes(), -1);
                b.create("/c/k", null, OPEN, CreateMode.PERSISTENT);
                b.create("/x", null, OPEN, CreateMode.PERSISTENT);
                b.delete("/gone", -1);
                proxy.restore();
                states.await(Watcher.Event.KeeperState.SyncConnected);
                assertEquals(session, a.getSessionId(), "same session after the reconnect");

                List<WatchedEvent> events = List.of(log.next(), log.next(), log.next(), log.next());
                List<String> names = new ArrayList<>();
                for (WatchedEvent e : events) {
                    names.add(str(e));
                    assertEquals(-1L, e.getZxid(), "events raised by SetWatches carry zxid -1: " + str(e));
                }
                // The server answers SetWatches in list order: data watches (client HashMap order),
                // then exist watches, then child watches.
                assertEquals(Set.of("NodeDataChanged /d", "NodeDeleted /gone"), new HashSet<>(names.subList(0, 2)));
                assertEquals(List.of("NodeCreated /x", "NodeChildrenChanged /c"), names.subList(2, 4));
                barrier(a);
                assertEquals(List.of(), log.drainNow());

                // those watches were consumed
                b.setData("/d", "2".getBytes(), -1);
                b.create("/c/k2", null, OPEN, CreateMode.PERSISTENT);
                b.delete("/x", -1);
                barrier(a);
                assertEquals(List.of(), log.drainNow());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void watchesReArmedOnReconnectFireOnceOnALaterChange(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind);
             TcpProxy proxy = TcpProxy.start(server.connectString());
             ZooKeeper b = connect(server)) {
            b.create("/d", "0".getBytes(), OPEN, CreateMode.PERSISTENT);
            b.create("/c", null, OPEN, CreateMode.PERSISTENT);
            States states = new States();
            try (ZooKeeper a = Clients.connect(proxy.connectString(), SESSION_MS, states)) {
                long session = a.getSessionId();
                ZxidLog log = new ZxidLog();
                a.getData("/d", log, null);
                a.getChildren("/c", log);
                assertNull(a.exists("/x", log));

                proxy.cut();
                states.await(Watcher.Event.KeeperState.Disconnected);
                proxy.restore();
                states.await(Watcher.Event.KeeperState.SyncConnected);
                assertEquals(session, a.getSessionId());
                barrier(a);
                assertEquals(List.of(), log.drainNow(), "nothing changed, nothing fires on reconnect");

                Stat d = b.setData("/d", "1".getBytes(), -1);
                b.setData("/d", "2".getBytes(), -1);
                Stat k = new Stat();
                b.create("/c/k", null, OPEN, CreateMode.PERSISTENT, k);
                Stat x = new Stat();
                b.create("/x", null, OPEN, CreateMode.PERSISTENT, x);
                WatchedEvent e1 = log.next();
                WatchedEvent e2 = log.next();
                WatchedEvent e3 = log.next();
                assertEquals(List.of("NodeDataChanged /d", "NodeChildrenChanged /c", "NodeCreated /x"),
                        List.of(str(e1), str(e2), str(e3)));
                assertEquals(List.of(d.getMzxid(), k.getCzxid(), x.getCzxid()),
                        List.of(e1.getZxid(), e2.getZxid(), e3.getZxid()));
                barrier(a);
                assertEquals(List.of(), log.drainNow());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void persistentWatchesAreReAddedSilentlyOnReconnect(ServerUnderTest.Kind kind) throws Exception {
        // With persistent watches registered the client re-sends its watches with SetWatches2.
        try (ServerUnderTest server = start(kind);
             TcpProxy proxy = TcpProxy.start(server.connectString());
             ZooKeeper b = connect(server)) {
            b.create("/pw", null, OPEN, CreateMode.PERSISTENT);
            b.create("/rw", null, OPEN, CreateMode.PERSISTENT);
            b.create("/sd", null, OPEN, CreateMode.PERSISTENT);
            States states = new States();
            try (ZooKeeper a = Clients.connect(proxy.connectString(), SESSION_MS, states)) {
                EventLog persistent = new EventLog();
                EventLog recursive = new EventLog();
                ZxidLog standard = new ZxidLog();
                a.addWatch("/pw", persistent, AddWatchMode.PERSISTENT);
                a.addWatch("/rw", recursive, AddWatchMode.PERSISTENT_RECURSIVE);
                a.getData("/sd", standard, null);

                proxy.cut();
                states.await(Watcher.Event.KeeperState.Disconnected);
                b.setData("/pw", "1".getBytes(), -1);
                b.create("/rw/x", null, OPEN, CreateMode.PERSISTENT);
                b.setData("/sd", "1".getBytes(), -1);
                proxy.restore();
                states.await(Watcher.Event.KeeperState.SyncConnected);

                WatchedEvent sd = standard.next();
                assertEquals("NodeDataChanged /sd", str(sd));
                assertEquals(-1L, sd.getZxid());
                barrier(a);
                // ZooKeeper re-adds persistent watches without reporting what they missed
                assertEquals(List.of(), persistent.drainNow());
                assertEquals(List.of(), recursive.drainNow());
                assertEquals(List.of(), standard.drainNow());

                b.setData("/pw", "2".getBytes(), -1);
                persistent.expect("NodeDataChanged /pw");
                b.create("/rw/x/y", null, OPEN, CreateMode.PERSISTENT);
                recursive.expect("NodeCreated /rw/x/y");
                b.create("/pw/k", null, OPEN, CreateMode.PERSISTENT);
                persistent.expect("NodeChildrenChanged /pw");
                b.setData("/sd", "2".getBytes(), -1);
                barrier(a);
                assertEquals(List.of(), persistent.drainNow());
                assertEquals(List.of(), recursive.drainNow());
                assertEquals(List.of(), standard.drainNow());
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    interface ZkCall {
        void run() throws Exception;
    }

    static void assertCode(KeeperException.Code expected, ZkCall call) {
        KeeperException e = assertThrows(KeeperException.class, call::run);
        assertEquals(expected, e.code(), e.toString());
    }

    static String str(WatchedEvent e) {
        return e.getType() + " " + e.getPath();
    }

    static void await(CountDownLatch latch) throws InterruptedException {
        assertTrue(latch.await(Clients.TIMEOUT_S, TimeUnit.SECONDS), "no reply within " + Clients.TIMEOUT_S + " s");
    }

    /**
     * An asynchronous round trip: its callback runs on the event thread after every watch event
     * the server sent on this connection before the reply.
     */
    static void barrier(ZooKeeper zk) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        AtomicInteger rc = new AtomicInteger(Integer.MIN_VALUE);
        zk.exists("/", false, (r, path, ctx, stat) -> {
            rc.set(r);
            done.countDown();
        }, null);
        await(done);
        assertEquals(KeeperException.Code.OK, KeeperException.Code.get(rc.get()),
                "round trip on an established connection failed");
    }

    /** Runs the wchc four-letter word: session id ("0x..") to the paths it watches. */
    static Map<String, Set<String>> wchc(ServerUnderTest server) throws Exception {
        String hostPort = server.connectString();
        int colon = hostPort.lastIndexOf(':');
        String text;
        try (Socket s = new Socket(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)))) {
            s.setSoTimeout(Clients.TIMEOUT_S * 1000);
            OutputStream out = s.getOutputStream();
            out.write("wchc".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                all.write(buf, 0, n);
            }
            text = all.toString(StandardCharsets.UTF_8);
        }
        Map<String, Set<String>> bySession = new LinkedHashMap<>();
        Set<String> current = null;
        for (String line : text.split("\n")) {
            if (line.startsWith("0x")) {
                current = new HashSet<>();
                bySession.put(line.trim(), current);
            } else if (line.startsWith("\t") && current != null) {
                current.add(line.substring(1));
            }
        }
        return bySession;
    }

    /** Records node events with their zxid. */
    static final class ZxidLog implements Watcher {
        private final LinkedBlockingQueue<WatchedEvent> events = new LinkedBlockingQueue<>();

        @Override
        public void process(WatchedEvent event) {
            if (event.getType() != Event.EventType.None) {
                events.add(event);
            }
        }

        WatchedEvent next() throws InterruptedException {
            WatchedEvent e = events.poll(Clients.TIMEOUT_S, TimeUnit.SECONDS);
            assertNotNull(e, "no event arrived");
            return e;
        }

        List<String> drainNow() {
            List<WatchedEvent> out = new ArrayList<>();
            events.drainTo(out);
            List<String> names = new ArrayList<>();
            for (WatchedEvent e : out) {
                names.add(str(e));
            }
            return names;
        }
    }

    /** Records connection state changes. */
    static final class States implements Watcher {
        private final LinkedBlockingQueue<Event.KeeperState> states = new LinkedBlockingQueue<>();

        @Override
        public void process(WatchedEvent event) {
            if (event.getType() == Event.EventType.None) {
                states.add(event.getState());
            }
        }

        /** Waits until {@code wanted} is reported, skipping earlier states. */
        void await(Event.KeeperState wanted) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Clients.TIMEOUT_S);
            List<Event.KeeperState> seen = new ArrayList<>();
            while (true) {
                long left = deadline - System.nanoTime();
                Event.KeeperState s = left > 0 ? states.poll(left, TimeUnit.NANOSECONDS) : null;
                if (s == null) {
                    fail("state " + wanted + " not reported; saw " + seen);
                }
                if (s == wanted) {
                    return;
                }
                seen.add(s);
            }
        }
    }
}
