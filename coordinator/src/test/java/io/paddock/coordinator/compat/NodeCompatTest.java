package io.paddock.coordinator.compat;

import io.paddock.testkit.Clients;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Node operations, Stat fields and error codes: one scenario, asserted identically on both servers. */
class NodeCompatTest {
    private static final List<org.apache.zookeeper.data.ACL> OPEN = ZooDefs.Ids.OPEN_ACL_UNSAFE;

    @TempDir
    Path dir;

    private ServerUnderTest start(ServerUnderTest.Kind kind) throws Exception {
        return kind.start(dir, ServerUnderTest.defaults(Map.of()));
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void statFieldsFollowEveryChange(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind); ZooKeeper zk = Clients.connect(server.connectString())) {
            Stat created = new Stat();
            assertEquals("/n", zk.create("/n", "v1".getBytes(), OPEN, CreateMode.PERSISTENT, created));
            assertEquals(created.getCzxid(), created.getMzxid());
            assertEquals(created.getCzxid(), created.getPzxid());
            assertEquals(0, created.getVersion());
            assertEquals(0, created.getCversion());
            assertEquals(0, created.getAversion());
            assertEquals(0, created.getEphemeralOwner());
            assertEquals(2, created.getDataLength());
            assertEquals(0, created.getNumChildren());
            assertEquals(created.getCtime(), created.getMtime());
            assertTrue(created.getCtime() > 0);

            Stat set = zk.setData("/n", "value2".getBytes(), 0);
            assertEquals(1, set.getVersion());
            assertEquals(6, set.getDataLength());
            assertEquals(created.getCzxid(), set.getCzxid());
            assertTrue(set.getMzxid() > created.getMzxid());
            assertEquals(created.getPzxid(), set.getPzxid(), "data change leaves pzxid alone");

            Stat child = new Stat();
            zk.create("/n/c", null, OPEN, CreateMode.PERSISTENT, child);
            Stat parent = zk.exists("/n", false);
            assertEquals(1, parent.getCversion());
            assertEquals(1, parent.getNumChildren());
            assertEquals(child.getCzxid(), parent.getPzxid());
            assertEquals(set.getMzxid(), parent.getMzxid(), "child create leaves mzxid alone");
            assertEquals(0, child.getDataLength());
            assertNull(zk.getData("/n/c", false, null), "null data stays null");

            zk.delete("/n/c", -1);
            Stat afterDelete = zk.exists("/n", false);
            // clients see creations + deletions (ZooKeeper stores 1 and reports 2*1 - 0 children)
            assertEquals(2, afterDelete.getCversion());
            assertEquals(0, afterDelete.getNumChildren());
            assertTrue(afterDelete.getPzxid() > child.getCzxid());

            Stat acl = zk.setACL("/n", ZooDefs.Ids.READ_ACL_UNSAFE, 0);
            assertEquals(1, acl.getAversion());
            assertEquals(1, acl.getVersion());
            assertEquals(afterDelete.getMzxid(), acl.getMzxid(), "setACL does not touch mzxid");
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void sequentialNamesCountParentCversion(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind); ZooKeeper zk = Clients.connect(server.connectString())) {
            zk.create("/q", null, OPEN, CreateMode.PERSISTENT);
            assertEquals("/q/item-0000000000", zk.create("/q/item-", null, OPEN, CreateMode.PERSISTENT_SEQUENTIAL));
            zk.create("/q/plain", null, OPEN, CreateMode.PERSISTENT);
            zk.delete("/q/plain", -1);
            // the suffix counts child creations only: the delete of /q/plain does not advance it
            assertEquals("/q/item-0000000002", zk.create("/q/item-", null, OPEN, CreateMode.EPHEMERAL_SEQUENTIAL));
            assertEquals("/q/0000000003", zk.create("/q/", null, OPEN, CreateMode.PERSISTENT_SEQUENTIAL));
            // the root's cversion counted the create of /q
            assertEquals("/0000000001", zk.create("/", null, OPEN, CreateMode.PERSISTENT_SEQUENTIAL));
            List<String> children = zk.getChildren("/q", false);
            Collections.sort(children);
            assertEquals(List.of("0000000003", "item-0000000000", "item-0000000002"), children);
            // 4 creations and 1 deletion
            assertEquals(5, zk.exists("/q", false).getCversion());
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void errorCodes(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind); ZooKeeper zk = Clients.connect(server.connectString())) {
            zk.create("/e", "x".getBytes(), OPEN, CreateMode.PERSISTENT);
            zk.create("/e/child", null, OPEN, CreateMode.PERSISTENT);
            zk.create("/eph", null, OPEN, CreateMode.EPHEMERAL);

            assertCode(KeeperException.Code.NODEEXISTS, () -> zk.create("/e", null, OPEN, CreateMode.PERSISTENT));
            assertCode(KeeperException.Code.NONODE, () -> zk.create("/missing/x", null, OPEN, CreateMode.PERSISTENT));
            assertCode(KeeperException.Code.NONODE, () -> zk.getData("/missing", false, null));
            assertCode(KeeperException.Code.NONODE, () -> zk.setData("/missing", null, -1));
            assertCode(KeeperException.Code.NONODE, () -> zk.delete("/missing", -1));
            assertCode(KeeperException.Code.NONODE, () -> zk.getChildren("/missing", false));
            assertCode(KeeperException.Code.BADVERSION, () -> zk.setData("/e", null, 7));
            assertCode(KeeperException.Code.BADVERSION, () -> zk.delete("/e/child", 3));
            assertCode(KeeperException.Code.NOTEMPTY, () -> zk.delete("/e", -1));
            assertCode(KeeperException.Code.NOCHILDRENFOREPHEMERALS,
                    () -> zk.create("/eph/c", null, OPEN, CreateMode.PERSISTENT));
            assertCode(KeeperException.Code.BADARGUMENTS, () -> zk.delete("/zookeeper", -1));
            assertCode(KeeperException.Code.BADARGUMENTS, () -> zk.delete("/zookeeper/quota", -1));
            assertCode(KeeperException.Code.INVALIDACL,
                    () -> zk.create("/badacl", null, new ArrayList<>(), CreateMode.PERSISTENT));
            assertCode(KeeperException.Code.INVALIDACL,
                    () -> zk.create("/badacl", null, ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT));
            assertNull(zk.exists("/missing", false));
            // the failed writes changed nothing
            Stat e = zk.exists("/e", false);
            assertEquals(0, e.getVersion());
            assertEquals(1, e.getNumChildren());
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void systemNodesAndCounts(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind); ZooKeeper zk = Clients.connect(server.connectString())) {
            assertEquals(List.of("zookeeper"), zk.getChildren("/", false));
            // ZooKeeper's quirk: the system nodes were never "created", so 2*0 - children
            assertEquals(-1, zk.exists("/", false).getCversion());
            assertEquals(-2, zk.exists("/zookeeper", false).getCversion());
            assertEquals(-1, zk.exists("/zookeeper/config", false).getAversion());
            assertEquals(3, zk.getAllChildrenNumber("/"));
            List<String> sys = zk.getChildren("/zookeeper", false);
            Collections.sort(sys);
            assertEquals(List.of("config", "quota"), sys);
            assertEquals(ZooDefs.Ids.READ_ACL_UNSAFE, zk.getACL("/zookeeper/config", new Stat()));
            assertEquals(ZooDefs.Ids.OPEN_ACL_UNSAFE, zk.getACL("/", new Stat()));
            zk.create("/a", null, OPEN, CreateMode.PERSISTENT);
            zk.create("/a/b", null, OPEN, CreateMode.PERSISTENT);
            zk.create("/a/b/c", null, OPEN, CreateMode.EPHEMERAL);
            zk.create("/a/d", null, OPEN, CreateMode.EPHEMERAL);
            assertEquals(3, zk.getAllChildrenNumber("/a"));
            assertEquals(0, zk.getAllChildrenNumber("/a/d"));
            List<String> eph = zk.getEphemerals();
            Collections.sort(eph);
            assertEquals(List.of("/a/b/c", "/a/d"), eph);
            assertEquals(List.of("/a/b/c"), zk.getEphemerals("/a/b"));
            Stat eStat = zk.exists("/a/d", false);
            assertEquals(zk.getSessionId(), eStat.getEphemeralOwner());
            Stat c2 = new Stat();
            List<String> kids = zk.getChildren("/a", false, c2);
            Collections.sort(kids);
            assertEquals(List.of("b", "d"), kids);
            assertEquals(2, c2.getNumChildren());
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void containersAndTtlNodes(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind); ZooKeeper zk = Clients.connect(server.connectString())) {
            Stat cs = new Stat();
            zk.create("/box", null, OPEN, CreateMode.CONTAINER, cs);
            // ZooKeeper hides the container and TTL owner encodings from clients
            assertEquals(0, cs.getEphemeralOwner());
            zk.create("/box/item", null, OPEN, CreateMode.PERSISTENT);
            zk.create("/unused-box", null, OPEN, CreateMode.CONTAINER);
            Stat ts = new Stat();
            zk.create("/ttl", null, OPEN, CreateMode.PERSISTENT_WITH_TTL, ts, 300);
            assertEquals(0, ts.getEphemeralOwner());
            // the stock client refuses a TTL of 0 before sending (the server-side check is in RawProtocolTest)
            assertThrows(IllegalArgumentException.class,
                    () -> zk.create("/ttl0", null, OPEN, CreateMode.PERSISTENT_WITH_TTL, new Stat(), 0));
            String seqTtl = zk.create("/sttl-", null, OPEN, CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL, new Stat(), 60_000);
            assertTrue(seqTtl.startsWith("/sttl-"));

            EventLog events = new EventLog();
            assertNotNull(zk.exists("/box", events));
            zk.delete("/box/item", -1);
            events.expect("NodeDeleted /box");
            assertNull(zk.exists("/box", false));
            EventLog ttlEvents = new EventLog();
            assertNotNull(zk.exists("/ttl", ttlEvents));
            ttlEvents.expect("NodeDeleted /ttl");
            // a container that never had children stays; a TTL node with a long TTL stays
            assertNotNull(zk.exists("/unused-box", false));
            assertNotNull(zk.exists(seqTtl, false));
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void ttlNeedsExtendedTypes(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = kind.start(dir, ServerUnderTest.defaults(Map.of("extendedTypesEnabled", "false")));
             ZooKeeper zk = Clients.connect(server.connectString())) {
            assertCode(KeeperException.Code.UNIMPLEMENTED,
                    () -> zk.create("/ttl", null, OPEN, CreateMode.PERSISTENT_WITH_TTL, new Stat(), 1000));
            assertNull(zk.exists("/ttl", false));
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void dataSizeAroundJuteMaxBuffer(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind); ZooKeeper zk = Clients.connect(server.connectString())) {
            byte[] fits = new byte[1024 * 1023];
            zk.create("/big", fits, OPEN, CreateMode.PERSISTENT);
            assertEquals(fits.length, zk.exists("/big", false).getDataLength());
            assertArrayEquals(fits, zk.getData("/big", false, null));
            byte[] tooBig = new byte[1024 * 1024];
            KeeperException e = assertThrows(KeeperException.class,
                    () -> zk.create("/toobig", tooBig, OPEN, CreateMode.PERSISTENT));
            assertEquals(KeeperException.Code.CONNECTIONLOSS, e.code());
        }
        // The server survived and still serves a new client.
    }

    interface ZkCall {
        void run() throws Exception;
    }

    static void assertCode(KeeperException.Code expected, ZkCall call) {
        KeeperException e = assertThrows(KeeperException.class, call::run);
        assertEquals(expected, e.code(), e.toString());
    }
}
