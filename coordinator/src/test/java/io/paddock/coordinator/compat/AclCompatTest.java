package io.paddock.coordinator.compat;

import io.paddock.testkit.Clients;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooDefs.Perms;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.ClientInfo;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * ACL enforcement and authentication, asserted identically on Paddock and on Apache ZooKeeper:
 * world, digest (each permission on its own), "auth", ip (single address and CIDR), the super user,
 * getACL masking, setACL versions, whoAmI and a failed addAuthInfo.
 */
class AclCompatTest {
    private static final List<ACL> OPEN = ZooDefs.Ids.OPEN_ACL_UNSAFE;
    private static final String USER = "user:pw";
    private static final String OTHER = "other:pw2";
    private static final String SUPER = "super:secret";

    @TempDir
    Path dir;

    /** A mutable list: the stock client calls contains(null) on it, which immutable lists reject. */
    private static List<ACL> acls(ACL... entries) {
        return new ArrayList<>(List.of(entries));
    }

    private static Id digestId(String userPassword) {
        try {
            return new Id("digest", DigestAuthenticationProvider.generateDigest(userPassword));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private ServerUnderTest start(ServerUnderTest.Kind kind) throws Exception {
        return kind.start(dir, ServerUnderTest.defaults(Map.of()));
    }

    /** Whether this test replaced the reference server's super digest, and the value it had. */
    private boolean superPatched;
    private Object savedSuperDigest;

    private ServerUnderTest startWithSuper(ServerUnderTest.Kind kind) throws Exception {
        String digest = DigestAuthenticationProvider.generateDigest(SUPER);
        if (kind == ServerUnderTest.Kind.ZOOKEEPER) {
            useReferenceSuperDigest(digest);
        }
        return kind.start(dir, ServerUnderTest.defaults(Map.of("paddock.superDigest", digest)));
    }

    /**
     * ZooKeeper's DigestAuthenticationProvider reads its super digest system property once per JVM,
     * into a static final field, when the class is first used: whichever test touched it first decides.
     * The fixture sets the property before each start, which only helps if nothing used the class before,
     * so the reference server is given the digest here directly, and the old value is put back afterwards.
     */
    private void useReferenceSuperDigest(String digest) throws Exception {
        Field f = DigestAuthenticationProvider.class.getDeclaredField("superDigest");
        f.setAccessible(true);
        if (digest.equals(f.get(null))) {
            return;
        }
        Field theUnsafe = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
        theUnsafe.setAccessible(true);
        sun.misc.Unsafe unsafe = (sun.misc.Unsafe) theUnsafe.get(null);
        Object base = unsafe.staticFieldBase(f);
        long offset = unsafe.staticFieldOffset(f);
        savedSuperDigest = unsafe.getObject(base, offset);
        superPatched = true;
        unsafe.putObject(base, offset, digest);
    }

    @AfterEach
    void restoreReferenceSuperDigest() throws Exception {
        if (superPatched) {
            Field f = DigestAuthenticationProvider.class.getDeclaredField("superDigest");
            Field theUnsafe = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            theUnsafe.setAccessible(true);
            sun.misc.Unsafe unsafe = (sun.misc.Unsafe) theUnsafe.get(null);
            unsafe.putObject(unsafe.staticFieldBase(f), unsafe.staticFieldOffset(f), savedSuperDigest);
            superPatched = false;
        }
    }

    private static ZooKeeper connectAs(ServerUnderTest server, String userPassword) throws Exception {
        ZooKeeper zk = Clients.connect(server.connectString());
        zk.addAuthInfo("digest", userPassword.getBytes(StandardCharsets.UTF_8));
        return zk;
    }

    @FunctionalInterface
    interface Op {
        void run() throws Exception;
    }

    /** "OK" or the KeeperException code name the operation failed with. */
    private static String outcome(Op op) throws Exception {
        try {
            op.run();
            return "OK";
        } catch (KeeperException e) {
            return e.code().name();
        }
    }

    private static void assertCode(KeeperException.Code code, Op op) throws Exception {
        assertEquals(code.name(), outcome(op));
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void worldAnyone(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind); ZooKeeper zk = Clients.connect(server.connectString())) {
            zk.create("/w", "a".getBytes(), OPEN, CreateMode.PERSISTENT);
            Stat stat = new Stat();
            assertEquals(acls(new ACL(Perms.ALL, new Id("world", "anyone"))), zk.getACL("/w", stat));
            assertEquals(0, stat.getAversion());
            zk.create("/w/c", null, OPEN, CreateMode.PERSISTENT);
            zk.setData("/w", "b".getBytes(), -1);
            zk.delete("/w/c", -1);

            zk.create("/ro", "r".getBytes(), ZooDefs.Ids.READ_ACL_UNSAFE, CreateMode.PERSISTENT);
            assertArrayEquals("r".getBytes(), zk.getData("/ro", false, null));
            assertEquals(ZooDefs.Ids.READ_ACL_UNSAFE, zk.getACL("/ro", new Stat()));
            assertCode(KeeperException.Code.NOAUTH, () -> zk.setData("/ro", null, -1));
            assertCode(KeeperException.Code.NOAUTH, () -> zk.create("/ro/c", null, OPEN, CreateMode.PERSISTENT));
            assertCode(KeeperException.Code.NOAUTH, () -> zk.setACL("/ro", OPEN, -1));
            // deleting /ro needs DELETE on "/", not on /ro
            zk.delete("/ro", -1);
            assertNull(zk.exists("/ro", false));
        }
    }

    /** What each operation on {@code /p} (which has child {@code /p/c}) does for a client. */
    private static Map<String, String> probe(ZooKeeper zk, String p, List<ACL> acl) throws Exception {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("exists", outcome(() -> zk.exists(p, false)));
        m.put("getData", outcome(() -> zk.getData(p, false, null)));
        m.put("getChildren", outcome(() -> zk.getChildren(p, false)));
        m.put("getAllChildrenNumber", outcome(() -> zk.getAllChildrenNumber(p)));
        m.put("getACL", outcome(() -> zk.getACL(p, new Stat())));
        m.put("setData", outcome(() -> zk.setData(p, "x".getBytes(), -1)));
        m.put("createChild", outcome(() -> zk.create(p + "/new", null, OPEN, CreateMode.PERSISTENT)));
        m.put("deleteChild", outcome(() -> zk.delete(p + "/c", -1)));
        m.put("setACL", outcome(() -> zk.setACL(p, acl, -1)));
        return m;
    }

    private static Map<String, String> expectOnly(String... allowed) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String op : List.of("exists", "getData", "getChildren", "getAllChildrenNumber", "getACL", "setData",
                "createChild", "deleteChild", "setACL")) {
            m.put(op, "NOAUTH");
        }
        for (String op : allowed) {
            m.put(op, "OK");
        }
        return m;
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void eachDigestPermissionIsEnforcedSeparately(ServerUnderTest.Kind kind) throws Exception {
        Map<String, Integer> perms = new LinkedHashMap<>();
        perms.put("read", Perms.READ);
        perms.put("write", Perms.WRITE);
        perms.put("create", Perms.CREATE);
        perms.put("delete", Perms.DELETE);
        perms.put("admin", Perms.ADMIN);
        Map<String, Map<String, String>> expectedUser = new LinkedHashMap<>();
        expectedUser.put("read", expectOnly("exists", "getData", "getChildren", "getAllChildrenNumber", "getACL"));
        expectedUser.put("write", expectOnly("setData"));
        expectedUser.put("create", expectOnly("createChild"));
        expectedUser.put("delete", expectOnly("deleteChild"));
        expectedUser.put("admin", expectOnly("getACL", "setACL"));

        try (ServerUnderTest server = startWithSuper(kind);
                ZooKeeper setup = Clients.connect(server.connectString());
                ZooKeeper su = connectAs(server, SUPER);
                ZooKeeper user = connectAs(server, USER);
                ZooKeeper other = connectAs(server, OTHER);
                ZooKeeper anon = Clients.connect(server.connectString())) {
            Map<String, Map<String, String>> actualUser = new LinkedHashMap<>();
            Map<String, Map<String, String>> actualOther = new LinkedHashMap<>();
            Map<String, Map<String, String>> actualAnon = new LinkedHashMap<>();
            Map<String, Map<String, String>> expectedNobody = new LinkedHashMap<>();
            for (Map.Entry<String, Integer> e : perms.entrySet()) {
                String p = "/" + e.getKey();
                List<ACL> acl = acls(new ACL(e.getValue(), digestId(USER)));
                setup.create(p, "d".getBytes(), OPEN, CreateMode.PERSISTENT);
                setup.create(p + "/c", null, OPEN, CreateMode.PERSISTENT);
                assertEquals(1, setup.setACL(p, acl, 0).getAversion());
                // the other user and an anonymous client hold none of the permissions
                actualOther.put(e.getKey(), probe(other, p, acl));
                actualAnon.put(e.getKey(), probe(anon, p, acl));
                expectedNobody.put(e.getKey(), expectOnly());
                actualUser.put(e.getKey(), probe(user, p, acl));
            }
            // one comparison, so a failure shows every difference at once
            assertEquals(Map.of("user", expectedUser, "other", expectedNobody, "anonymous", expectedNobody),
                    Map.of("user", actualUser, "other", actualOther, "anonymous", actualAnon));

            // the allowed mutations happened, and only they (the super user can look)
            assertArrayEquals("x".getBytes(), su.getData("/write", false, null));
            assertArrayEquals("d".getBytes(), su.getData("/admin", false, null));
            assertArrayEquals("d".getBytes(), su.getData("/read", false, null));
            assertEquals(List.of("c", "new"), sorted(su.getChildren("/create", false)));
            assertEquals(List.of(), su.getChildren("/delete", false));
            assertEquals(List.of("c"), su.getChildren("/read", false));
            assertEquals(List.of("c"), su.getChildren("/admin", false));
            assertEquals(2, su.exists("/admin", false).getAversion(), "setACL by the ADMIN holder");
            assertEquals(1, su.exists("/read", false).getAversion());
            // deleting a node is governed by its parent's ACL ("/" is open), not by its own
            setup.delete("/delete", -1);
            assertNull(su.exists("/delete", false));
        }
    }

    private static List<String> sorted(List<String> in) {
        List<String> out = new ArrayList<>(in);
        out.sort(null);
        return out;
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void getAclMasksDigestIdsWithoutAdmin(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind);
                ZooKeeper setup = Clients.connect(server.connectString());
                ZooKeeper user = connectAs(server, USER);
                ZooKeeper other = connectAs(server, OTHER);
                ZooKeeper anon = Clients.connect(server.connectString())) {
            List<ACL> acl = acls(
                    new ACL(Perms.READ, digestId(USER)),
                    new ACL(Perms.ADMIN, digestId(OTHER)),
                    new ACL(Perms.WRITE, new Id("ip", "10.1.2.3")));
            Stat created = new Stat();
            setup.create("/m", "v".getBytes(), acl, CreateMode.PERSISTENT, created);

            // READ without ADMIN: the list comes back, digest ids shown as "name:x"
            Stat seen = new Stat();
            assertEquals(List.of(
                    new ACL(Perms.READ, new Id("digest", "user:x")),
                    new ACL(Perms.ADMIN, new Id("digest", "other:x")),
                    new ACL(Perms.WRITE, new Id("ip", "10.1.2.3"))), user.getACL("/m", seen));
            assertEquals(created, seen);
            // ADMIN: the stored ids
            assertEquals(acl, other.getACL("/m", new Stat()));
            // neither READ nor ADMIN
            assertCode(KeeperException.Code.NOAUTH, () -> anon.getACL("/m", new Stat()));

            // world READ without ADMIN: anonymous readers see masked digest ids too
            List<ACL> mixed = acls(
                    new ACL(Perms.READ, new Id("world", "anyone")),
                    new ACL(Perms.ALL, digestId(USER)));
            setup.create("/mixed", null, mixed, CreateMode.PERSISTENT);
            assertEquals(List.of(
                    new ACL(Perms.READ, new Id("world", "anyone")),
                    new ACL(Perms.ALL, new Id("digest", "user:x"))), anon.getACL("/mixed", new Stat()));
            assertEquals(mixed, user.getACL("/mixed", new Stat()));
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void authSchemeUsesTheSessionsDigestIds(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind);
                ZooKeeper user = connectAs(server, USER);
                ZooKeeper anon = Clients.connect(server.connectString());
                ZooKeeper both = connectAs(server, USER)) {
            both.addAuthInfo("digest", OTHER.getBytes(StandardCharsets.UTF_8));

            user.create("/a", "x".getBytes(), ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT);
            assertEquals(acls(new ACL(Perms.ALL, digestId(USER))), user.getACL("/a", new Stat()));
            user.create("/r", null, acls(new ACL(Perms.READ, new Id("auth", ""))), CreateMode.PERSISTENT);
            // READ without ADMIN: the reader sees its own id masked
            assertEquals(acls(new ACL(Perms.READ, new Id("digest", "user:x"))), user.getACL("/r", new Stat()));

            assertCode(KeeperException.Code.NOAUTH, () -> anon.getData("/a", false, null));
            assertArrayEquals("x".getBytes(), user.getData("/a", false, null));

            // an anonymous session has no authenticated id to put in its place
            assertCode(KeeperException.Code.INVALIDACL,
                    () -> anon.create("/n", null, ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT));
            anon.create("/n", null, OPEN, CreateMode.PERSISTENT);
            assertCode(KeeperException.Code.INVALIDACL, () -> anon.setACL("/n", ZooDefs.Ids.CREATOR_ALL_ACL, -1));
            assertEquals(0, anon.exists("/n", false).getAversion());
            // "auth" in setACL by an authenticated session
            Stat st = user.setACL("/n", ZooDefs.Ids.CREATOR_ALL_ACL, 0);
            assertEquals(1, st.getAversion());
            assertEquals(acls(new ACL(Perms.ALL, digestId(USER))), user.getACL("/n", new Stat()));

            // every authenticated digest id of the session, in the order of the connection's id set
            // (the same hash order as whoAmI, see whoAmIListsTheConnectionsIdentities)
            both.create("/b", null, ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT);
            List<ACL> b = both.getACL("/b", new Stat());
            assertEquals(2, b.size());
            assertEquals(Set.of(new ACL(Perms.ALL, digestId(OTHER)), new ACL(Perms.ALL, digestId(USER))),
                    Set.copyOf(b), "content (order ignored)");
            assertEquals(acls(new ACL(Perms.ALL, digestId(OTHER)), new ACL(Perms.ALL, digestId(USER))), b, "order");
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void invalidAclsAreRejected(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind); ZooKeeper zk = Clients.connect(server.connectString())) {
            for (Id bad : List.of(new Id("ip", "notanip"), new Id("nosuchscheme", "x"), new Id("digest", "nocolon"),
                    new Id("world", "somebody"))) {
                assertCode(KeeperException.Code.INVALIDACL,
                        () -> zk.create("/bad", null, acls(new ACL(Perms.ALL, bad)), CreateMode.PERSISTENT));
            }
            assertNull(zk.exists("/bad", false));
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void ipAclMatchesAddressAndCidr(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind); ZooKeeper zk = Clients.connect(server.connectString())) {
            zk.create("/ip1", "1".getBytes(), acls(new ACL(Perms.READ, new Id("ip", "127.0.0.1"))),
                    CreateMode.PERSISTENT);
            zk.create("/ip8", "8".getBytes(), acls(new ACL(Perms.READ | Perms.WRITE, new Id("ip", "127.0.0.0/8"))),
                    CreateMode.PERSISTENT);
            zk.create("/ip10", "10".getBytes(), acls(new ACL(Perms.ALL, new Id("ip", "10.0.0.0/8"))),
                    CreateMode.PERSISTENT);
            zk.create("/ip2", "2".getBytes(), acls(new ACL(Perms.ALL, new Id("ip", "127.0.0.2"))),
                    CreateMode.PERSISTENT);

            assertArrayEquals("1".getBytes(), zk.getData("/ip1", false, null));
            assertCode(KeeperException.Code.NOAUTH, () -> zk.setData("/ip1", null, -1));
            assertArrayEquals("8".getBytes(), zk.getData("/ip8", false, null));
            assertEquals(1, zk.setData("/ip8", "8b".getBytes(), 0).getVersion());
            assertCode(KeeperException.Code.NOAUTH, () -> zk.create("/ip8/c", null, OPEN, CreateMode.PERSISTENT));
            assertCode(KeeperException.Code.NOAUTH, () -> zk.getData("/ip10", false, null));
            assertCode(KeeperException.Code.NOAUTH, () -> zk.setData("/ip10", null, -1));
            assertCode(KeeperException.Code.NOAUTH, () -> zk.getData("/ip2", false, null));
            // a digest identity does not stand in for the address
            zk.addAuthInfo("digest", USER.getBytes(StandardCharsets.UTF_8));
            assertCode(KeeperException.Code.NOAUTH, () -> zk.getData("/ip10", false, null));
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void superUserBypassesAcls(ServerUnderTest.Kind kind) throws Exception {
        assertTrue(DigestAuthenticationProvider.generateDigest(SUPER).startsWith("super:"));
        try (ServerUnderTest server = startWithSuper(kind);
                ZooKeeper setup = Clients.connect(server.connectString());
                ZooKeeper su = connectAs(server, SUPER);
                ZooKeeper wrong = connectAs(server, "super:wrong");
                ZooKeeper anon = Clients.connect(server.connectString())) {
            List<ACL> nobody = acls(new ACL(Perms.ALL, digestId("nobody:nothing")));
            setup.create("/s", "v".getBytes(), OPEN, CreateMode.PERSISTENT);
            setup.create("/s/c", null, OPEN, CreateMode.PERSISTENT);
            setup.setACL("/s", nobody, -1);
            assertCode(KeeperException.Code.NOAUTH, () -> anon.getData("/s", false, null));
            assertCode(KeeperException.Code.NOAUTH, () -> wrong.getData("/s", false, null));
            assertCode(KeeperException.Code.NOAUTH, () -> wrong.delete("/s/c", -1));

            assertArrayEquals("v".getBytes(), su.getData("/s", false, null));
            assertEquals(List.of("c"), su.getChildren("/s", false));
            assertEquals(1, su.setData("/s", "w".getBytes(), 0).getVersion());
            assertEquals(nobody, su.getACL("/s", new Stat()), "super sees unmasked ids");
            su.create("/s/new", null, OPEN, CreateMode.PERSISTENT);
            su.delete("/s/c", -1);
            su.delete("/s/new", -1);
            assertEquals(2, su.setACL("/s", nobody, 1).getAversion());
            su.delete("/s", -1);
            assertNull(setup.exists("/s", false));

            // ZooKeeper records the super identity as scheme "super" with an empty user name, besides the digest id
            // (a wrong super password is just another digest user, whose id hashes after the ip id)
            assertWhoAmIs(List.of(
                    List.of(new ClientInfo("super", ""), new ClientInfo("digest", "super"), new ClientInfo("ip", "127.0.0.1")),
                    List.of(new ClientInfo("ip", "127.0.0.1"), new ClientInfo("digest", "super"))),
                    List.of(su.whoAmI(), wrong.whoAmI()));
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void setAclChecksAndBumpsAversion(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind); ZooKeeper zk = Clients.connect(server.connectString())) {
            Stat created = new Stat();
            zk.create("/v", "d".getBytes(), OPEN, CreateMode.PERSISTENT, created);
            assertCode(KeeperException.Code.BADVERSION, () -> zk.setACL("/v", ZooDefs.Ids.READ_ACL_UNSAFE, 5));
            assertCode(KeeperException.Code.BADVERSION, () -> zk.setACL("/v", ZooDefs.Ids.READ_ACL_UNSAFE, 1));
            Stat one = zk.setACL("/v", OPEN, 0);
            assertEquals(1, one.getAversion());
            assertEquals(0, one.getVersion());
            assertEquals(0, one.getCversion());
            assertEquals(created.getMzxid(), one.getMzxid());
            assertEquals(created.getMtime(), one.getMtime());
            assertCode(KeeperException.Code.BADVERSION, () -> zk.setACL("/v", OPEN, 0));
            Stat two = zk.setACL("/v", ZooDefs.Ids.READ_ACL_UNSAFE, -1);
            assertEquals(2, two.getAversion());
            Stat seen = new Stat();
            assertEquals(ZooDefs.Ids.READ_ACL_UNSAFE, zk.getACL("/v", seen));
            assertEquals(two, seen);
            // the node no longer grants ADMIN: the version check never gets a say
            assertCode(KeeperException.Code.NOAUTH, () -> zk.setACL("/v", OPEN, 2));
            assertCode(KeeperException.Code.NOAUTH, () -> zk.setACL("/v", OPEN, 9));
            assertCode(KeeperException.Code.NONODE, () -> zk.setACL("/missing", OPEN, -1));
            assertCode(KeeperException.Code.NONODE, () -> zk.getACL("/missing", new Stat()));
            assertEquals(2, zk.exists("/v", false).getAversion());
        }
    }

    /**
     * ZooKeeper keeps a connection's ids in a hash set (a ConcurrentHashMap key set of jute Ids), so
     * whoAmI lists them in the Ids' hash order, not in the order they were added. The contents of all
     * lists are compared first (so a missing or extra id reads as such), then ZooKeeper's exact order.
     */
    private static void assertWhoAmIs(List<List<ClientInfo>> expected, List<List<ClientInfo>> actual) {
        assertEquals(infoStrings(expected), infoStrings(actual), "whoAmI content (order ignored)");
        assertEquals(expected, actual, "whoAmI order");
    }

    private static List<List<String>> infoStrings(List<List<ClientInfo>> lists) {
        List<List<String>> out = new ArrayList<>();
        for (List<ClientInfo> infos : lists) {
            List<String> one = new ArrayList<>();
            for (ClientInfo i : infos) {
                one.add(i.getAuthScheme() + ":" + i.getUser());
            }
            one.sort(null);
            out.add(one);
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void whoAmIListsTheConnectionsIdentities(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind); ZooKeeper zk = Clients.connect(server.connectString())) {
            ClientInfo ip = new ClientInfo("ip", "127.0.0.1");
            ClientInfo user = new ClientInfo("digest", "user");
            ClientInfo other = new ClientInfo("digest", "other");
            List<List<ClientInfo>> seen = new ArrayList<>();
            seen.add(zk.whoAmI());
            zk.addAuthInfo("digest", USER.getBytes(StandardCharsets.UTF_8));
            seen.add(zk.whoAmI());
            // the same id again is not added twice
            zk.addAuthInfo("digest", USER.getBytes(StandardCharsets.UTF_8));
            seen.add(zk.whoAmI());
            zk.addAuthInfo("digest", OTHER.getBytes(StandardCharsets.UTF_8));
            seen.add(zk.whoAmI());
            // "ip" is a valid scheme for addAuthInfo; it adds the connection's own address, already present
            zk.addAuthInfo("ip", "10.9.9.9".getBytes(StandardCharsets.UTF_8));
            // digest credentials without a colon are accepted
            zk.addAuthInfo("digest", "nocolon".getBytes(StandardCharsets.UTF_8));
            seen.add(zk.whoAmI());
            assertEquals(ZooKeeper.States.CONNECTED, zk.getState());
            assertWhoAmIs(List.of(
                    List.of(ip),
                    List.of(user, ip),
                    List.of(user, ip),
                    List.of(other, user, ip),
                    List.of(other, user, new ClientInfo("digest", "nocolon"), ip)), seen);
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void unknownAuthSchemeFailsTheClient(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind)) {
            LinkedBlockingQueue<Watcher.Event.KeeperState> states = new LinkedBlockingQueue<>();
            ZooKeeper zk = Clients.connect(server.connectString(), 30_000, e -> {
                if (e.getType() == Watcher.Event.EventType.None) {
                    states.add(e.getState());
                }
            });
            try {
                assertEquals(Watcher.Event.KeeperState.SyncConnected, states.poll(Clients.TIMEOUT_S, TimeUnit.SECONDS));
                zk.addAuthInfo("nosuchscheme", "whatever".getBytes(StandardCharsets.UTF_8));
                assertEquals(Watcher.Event.KeeperState.AuthFailed, states.poll(Clients.TIMEOUT_S, TimeUnit.SECONDS));
                assertEquals(ZooKeeper.States.AUTH_FAILED, zk.getState());
                assertCode(KeeperException.Code.AUTHFAILED, () -> zk.exists("/", false));
            } finally {
                zk.close();
            }
            // other clients are unaffected
            try (ZooKeeper ok = Clients.connect(server.connectString())) {
                assertNotNull(ok.exists("/", false));
            }
        }
    }

    /** On the wire: the auth reply is (xid, zxid 0, AUTHFAILED) with no body, then the server closes. */
    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void failedAuthReplyThenClose(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind); Raw raw = new Raw(server.connectString())) {
            raw.connect(30_000);
            raw.auth(-4, "nosuchscheme", "x");
            DataInputStream reply = raw.receive();
            assertEquals(-4, reply.readInt(), "xid");
            assertEquals(0L, reply.readLong(), "zxid");
            assertEquals(KeeperException.Code.AUTHFAILED.intValue(), reply.readInt(), "err");
            assertEquals(0, reply.available(), "no body");
            assertTrue(raw.closedByServer());

            // a good digest auth on another connection: err 0, zxid 0, the connection stays usable
            try (Raw good = new Raw(server.connectString())) {
                good.connect(30_000);
                good.auth(-4, "digest", USER);
                DataInputStream ok = good.receive();
                assertEquals(-4, ok.readInt());
                assertEquals(0L, ok.readLong());
                assertEquals(0, ok.readInt());
                assertEquals(0, ok.available());
                good.ping();
                DataInputStream pong = good.receive();
                assertEquals(-2, pong.readInt());
            }
        }
    }

    /** A minimal jute client: enough to connect, authenticate and ping. */
    static final class Raw implements AutoCloseable {
        private final Socket socket = new Socket();
        private final DataInputStream in;
        private final DataOutputStream out;

        Raw(String connectString) throws IOException {
            int colon = connectString.lastIndexOf(':');
            socket.connect(new InetSocketAddress(connectString.substring(0, colon),
                    Integer.parseInt(connectString.substring(colon + 1))), 10_000);
            socket.setSoTimeout(Clients.TIMEOUT_S * 1000);
            in = new DataInputStream(socket.getInputStream());
            out = new DataOutputStream(socket.getOutputStream());
        }

        private void send(ByteArrayOutputStream body) throws IOException {
            out.writeInt(body.size());
            body.writeTo(out);
            out.flush();
        }

        DataInputStream receive() throws IOException {
            int len = in.readInt();
            byte[] b = new byte[len];
            in.readFully(b);
            return new DataInputStream(new java.io.ByteArrayInputStream(b));
        }

        void connect(int timeoutMs) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            DataOutputStream d = new DataOutputStream(b);
            d.writeInt(0);
            d.writeLong(0);
            d.writeInt(timeoutMs);
            d.writeLong(0);
            d.writeInt(16);
            d.write(new byte[16]);
            d.writeBoolean(false);
            send(b);
            DataInputStream r = receive();
            assertEquals(0, r.readInt());
            assertTrue(r.readInt() > 0, "negotiated timeout");
            assertTrue(r.readLong() != 0, "session id");
        }

        void auth(int xid, String scheme, String auth) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            DataOutputStream d = new DataOutputStream(b);
            d.writeInt(xid);
            d.writeInt(ZooDefs.OpCode.auth);
            d.writeInt(0);
            byte[] s = scheme.getBytes(StandardCharsets.UTF_8);
            d.writeInt(s.length);
            d.write(s);
            byte[] a = auth.getBytes(StandardCharsets.UTF_8);
            d.writeInt(a.length);
            d.write(a);
            send(b);
        }

        void ping() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            DataOutputStream d = new DataOutputStream(b);
            d.writeInt(-2);
            d.writeInt(ZooDefs.OpCode.ping);
            send(b);
        }

        /** True once the server has closed the connection without sending anything more. */
        boolean closedByServer() throws IOException {
            try {
                int next = in.read();
                if (next != -1) {
                    fail("unexpected byte from server: " + next);
                }
                return true;
            } catch (EOFException | SocketException e) {
                return true;
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
