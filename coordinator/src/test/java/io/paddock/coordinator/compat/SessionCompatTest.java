package io.paddock.coordinator.compat;

import io.paddock.testkit.Clients;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Sessions and connections, asserted identically on Paddock and on Apache ZooKeeper: timeout
 * negotiation, close and expiry (ephemerals, watches), re-attaching with a session id and password,
 * the per-address connection limit, and sessions surviving a server restart.
 */
class SessionCompatTest {
    private static final List<ACL> OPEN = ZooDefs.Ids.OPEN_ACL_UNSAFE;
    private static final Watcher.Event.KeeperState CONNECTED = Watcher.Event.KeeperState.SyncConnected;
    private static final Watcher.Event.KeeperState DISCONNECTED = Watcher.Event.KeeperState.Disconnected;
    private static final Watcher.Event.KeeperState EXPIRED = Watcher.Event.KeeperState.Expired;

    @TempDir
    Path dir;

    private ServerUnderTest start(ServerUnderTest.Kind kind, Map<String, String> settings) throws Exception {
        return kind.start(dir, ServerUnderTest.defaults(settings));
    }

    /** Records connection states (events of type None) and, separately, node events. */
    static final class Events implements Watcher {
        final LinkedBlockingQueue<Event.KeeperState> states = new LinkedBlockingQueue<>();
        final EventLog nodes = new EventLog();

        @Override
        public void process(WatchedEvent event) {
            if (event.getType() == Event.EventType.None) {
                states.add(event.getState());
            } else {
                nodes.process(event);
            }
        }

        void expectState(Event.KeeperState expected) throws InterruptedException {
            Event.KeeperState s = states.poll(Clients.TIMEOUT_S, TimeUnit.SECONDS);
            assertNotNull(s, "no state change arrived; expected " + expected);
            assertEquals(expected, s);
        }
    }

    /** Opens a handle on an existing session and waits for its first state: SyncConnected or Expired. */
    private static ZooKeeper reattach(ServerUnderTest server, int timeoutMs, long sessionId, byte[] passwd,
            Events events) throws IOException {
        return new ZooKeeper(server.connectString(), timeoutMs, events, sessionId, passwd);
    }

    // ---------------------------------------------------------------- timeout negotiation

    private static Map<Integer, Integer> negotiate(ServerUnderTest server, int... requests) throws IOException {
        Map<Integer, Integer> out = new LinkedHashMap<>();
        for (int requested : requests) {
            try (Raw raw = new Raw(server)) {
                Handshake h = raw.connect(requested, 0, new byte[16]).orElseThrow(
                        () -> new AssertionError("no ConnectResponse for timeout " + requested));
                assertEquals(0, h.protocolVersion);
                assertEquals(37, h.bodyLength, "timeOut, sessionId, 16-byte password and the readOnly flag");
                assertEquals(16, h.passwd.length);
                assertNotEquals(0L, h.sessionId);
                out.put(requested, h.timeout);
                raw.closeSession();
            }
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void timeoutIsClampedToTwoAndTwentyTicks(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind, Map.of("tickTime", "200"))) {
            Map<Integer, Integer> expected = new LinkedHashMap<>();
            expected.put(1, 400);
            expected.put(0, 400);
            expected.put(-5, 400);
            expected.put(399, 400);
            expected.put(400, 400);
            expected.put(1000, 1000);
            expected.put(4000, 4000);
            expected.put(4001, 4000);
            expected.put(Integer.MAX_VALUE, 4000);
            assertEquals(expected, negotiate(server, 1, 0, -5, 399, 400, 1000, 4000, 4001, Integer.MAX_VALUE));

            try (ZooKeeper inRange = Clients.connect(server.connectString(), 1500, null);
                    ZooKeeper huge = Clients.connect(server.connectString(), 10_000_000, null)) {
                assertEquals(1500, inRange.getSessionTimeout());
                assertEquals(4000, huge.getSessionTimeout());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void explicitMinAndMaxSessionTimeout(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind,
                Map.of("tickTime", "200", "minSessionTimeout", "1000", "maxSessionTimeout", "6000"))) {
            Map<Integer, Integer> expected = new LinkedHashMap<>();
            expected.put(1, 1000);
            expected.put(999, 1000);
            expected.put(3000, 3000);
            expected.put(6000, 6000);
            expected.put(6001, 6000);
            expected.put(1_000_000, 6000);
            assertEquals(expected, negotiate(server, 1, 999, 3000, 6000, 6001, 1_000_000));

            // a re-attach negotiates again; the session keeps its id and password
            try (Raw first = new Raw(server)) {
                Handshake h = first.connect(2000, 0, new byte[16]).orElseThrow();
                assertEquals(2000, h.timeout);
                try (Raw again = new Raw(server)) {
                    Handshake h2 = again.connect(5000, h.sessionId, h.passwd).orElseThrow();
                    assertEquals(5000, h2.timeout);
                    assertEquals(h.sessionId, h2.sessionId);
                    assertArrayEquals(h.passwd, h2.passwd);
                    // the first connection of the session was closed by the server
                    assertTrue(first.closedByServer());
                    again.closeSession();
                }
            }
        }
    }

    // ---------------------------------------------------------------- close and expiry

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void closeDeletesEphemeralsAndFiresWatches(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind, Map.of());
                ZooKeeper observer = Clients.connect(server.connectString())) {
            EventLog log = new EventLog();
            ZooKeeper owner = Clients.connect(server.connectString());
            long sid = owner.getSessionId();
            owner.create("/dir", null, OPEN, CreateMode.PERSISTENT);
            owner.create("/e1", "x".getBytes(), OPEN, CreateMode.EPHEMERAL);
            String seq = owner.create("/dir/e-", null, OPEN, CreateMode.EPHEMERAL_SEQUENTIAL);
            assertEquals("/dir/e-0000000000", seq);
            assertEquals(sid, observer.exists("/e1", false).getEphemeralOwner());
            assertEquals(List.of("/dir/e-0000000000", "/e1"), sorted(owner.getEphemerals()));

            assertNotNull(observer.exists("/e1", log));
            observer.getData(seq, log, null);
            observer.getChildren("/dir", log);
            owner.close();

            assertEquals(List.of("NodeChildrenChanged /dir", "NodeDeleted /dir/e-0000000000", "NodeDeleted /e1"),
                    sorted(log.take(3)));
            assertNull(observer.exists("/e1", false));
            assertEquals(List.of(), observer.getChildren("/dir", false));
            assertNotNull(observer.exists("/dir", false), "persistent nodes stay");
            assertEquals(List.of(), log.drainNow());
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void expiredSessionLosesEphemeralsAndCannotBeReattached(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind, Map.of("tickTime", "200"));
                ZooKeeper observer = Clients.connect(server.connectString())) {
            EventLog log = new EventLog();
            // the largest timeout tickTime 200 allows: a stock client with a shorter one gives up on a reply
            // after two thirds of it, which a slow first write can exceed (the raw test below uses 400 ms)
            ZooKeeper owner = Clients.connect(server.connectString(), 4000, null);
            assertEquals(4000, owner.getSessionTimeout());
            long sid = owner.getSessionId();
            byte[] passwd = owner.getSessionPasswd();
            owner.create("/gone", null, OPEN, CreateMode.EPHEMERAL);
            owner.create("/gone-seq-", null, OPEN, CreateMode.EPHEMERAL_SEQUENTIAL);
            assertNotNull(observer.exists("/gone", log));
            assertNotNull(observer.exists("/gone-seq-0000000001", log));

            // the client goes silent without closing its session: no more pings, no closeSession
            owner.getTestable().injectSessionExpiration();
            owner.close();

            assertEquals(List.of("NodeDeleted /gone", "NodeDeleted /gone-seq-0000000001"), sorted(log.take(2)));
            assertNull(observer.exists("/gone", false));

            // the stock client re-attaching with the right password learns the session expired
            Events events = new Events();
            ZooKeeper late = reattach(server, 4000, sid, passwd, events);
            try {
                events.expectState(EXPIRED);
                assertEquals(ZooKeeper.States.CLOSED, late.getState());
            } finally {
                late.close();
            }

            // on the wire: timeOut 0, session id 0, an all-zero password, then the server closes
            try (Raw raw = new Raw(server)) {
                Handshake h = raw.connect(4000, sid, passwd).orElseThrow();
                assertEquals(0, h.protocolVersion);
                assertEquals(0, h.timeout);
                assertEquals(0L, h.sessionId);
                assertArrayEquals(new byte[16], h.passwd);
                assertEquals(Boolean.FALSE, h.readOnly);
                assertTrue(raw.closedByServer());
            }
            // a session id the server never issued gets the same answer
            try (Raw raw = new Raw(server)) {
                Handshake h = raw.connect(4000, 0x0123456789abcdefL, new byte[16]).orElseThrow();
                assertEquals(0, h.timeout);
                assertEquals(0L, h.sessionId);
                assertArrayEquals(new byte[16], h.passwd);
                assertTrue(raw.closedByServer());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void silentSessionIsClosedWithoutNotice(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind, Map.of("tickTime", "200"));
                ZooKeeper observer = Clients.connect(server.connectString());
                Raw raw = new Raw(server)) {
            EventLog log = new EventLog();
            Handshake h = raw.connect(400, 0, new byte[16]).orElseThrow();
            assertEquals(400, h.timeout);
            assertEquals("/raw", raw.createEphemeral(1, "/raw"));
            assertEquals(h.sessionId, observer.exists("/raw", log).getEphemeralOwner());
            // the raw client now sends nothing at all
            log.expect("NodeDeleted /raw");
            // the server dropped the connection without a notification or a reply
            assertTrue(raw.closedByServer());
            assertNull(observer.exists("/raw", false));
        }
    }

    // ---------------------------------------------------------------- re-attaching

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void wrongPasswordIsRefusedButDropsTheLiveConnection(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind, Map.of("tickTime", "200"))) {
            Events ownerEvents = new Events();
            try (ZooKeeper owner = new ZooKeeper(server.connectString(), 4000, ownerEvents)) {
                ownerEvents.expectState(CONNECTED);
                long sid = owner.getSessionId();
                byte[] wrong = owner.getSessionPasswd().clone();
                wrong[0] ^= 1;
                owner.create("/live", null, OPEN, CreateMode.EPHEMERAL);

                Events events = new Events();
                ZooKeeper intruder = reattach(server, 4000, sid, wrong, events);
                try {
                    events.expectState(EXPIRED);
                    assertEquals(ZooKeeper.States.CLOSED, intruder.getState());
                } finally {
                    intruder.close();
                }
                // ZooKeeper closes the session's current connection before it checks the password;
                // the owner reconnects to its still valid session
                ownerEvents.expectState(DISCONNECTED);
                ownerEvents.expectState(CONNECTED);
                assertEquals(sid, owner.getSessionId());
                assertEquals(sid, owner.exists("/live", false).getEphemeralOwner());

                // on the wire the refusal is all zeros, then the server closes
                try (Raw raw = new Raw(server)) {
                    Handshake h = raw.connect(4000, sid, wrong).orElseThrow();
                    assertEquals(0, h.timeout);
                    assertEquals(0L, h.sessionId);
                    assertArrayEquals(new byte[16], h.passwd);
                    assertTrue(raw.closedByServer());
                }
                ownerEvents.expectState(DISCONNECTED);
                ownerEvents.expectState(CONNECTED);
                assertEquals(List.of("/live"), owner.getEphemerals());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void rightPasswordReattachesFromASecondHandle(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind, Map.of("tickTime", "200", "maxSessionTimeout", "30000"));
                ZooKeeper observer = Clients.connect(server.connectString())) {
            EventLog log = new EventLog();
            ZooKeeper first = Clients.connect(server.connectString(), 30_000, null);
            assertEquals(30_000, first.getSessionTimeout());
            long sid = first.getSessionId();
            byte[] passwd = first.getSessionPasswd();
            Stat mine = new Stat();
            first.create("/mine", "m".getBytes(), OPEN, CreateMode.EPHEMERAL, mine);
            // the first handle goes quiet without closing the session (so it cannot take it back)
            first.getTestable().injectSessionExpiration();
            first.close();

            Events events = new Events();
            try (ZooKeeper second = reattach(server, 30_000, sid, passwd, events)) {
                events.expectState(CONNECTED);
                assertEquals(sid, second.getSessionId());
                assertArrayEquals(passwd, second.getSessionPasswd());
                assertEquals(30_000, second.getSessionTimeout());
                Stat seen = second.exists("/mine", false);
                assertEquals(sid, seen.getEphemeralOwner());
                assertEquals(mine, seen);
                assertEquals(List.of("/mine"), second.getEphemerals());
                second.create("/mine2", null, OPEN, CreateMode.EPHEMERAL);
                assertEquals(sid, observer.exists("/mine2", log).getEphemeralOwner());
                assertNotNull(observer.exists("/mine", log));
                assertEquals(List.of("/mine", "/mine2"), sorted(second.getEphemerals()));
            }
            // closing the second handle closes the session: both ephemerals go
            assertEquals(List.of("NodeDeleted /mine", "NodeDeleted /mine2"), sorted(log.take(2)));
        }
    }

    // ---------------------------------------------------------------- connection limit

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void maxClientCnxnsLimitsConnectionsPerAddress(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind, Map.of("maxClientCnxns", "3"));
                ZooKeeper a = Clients.connect(server.connectString());
                ZooKeeper b = Clients.connect(server.connectString());
                ZooKeeper c = Clients.connect(server.connectString())) {
            // a fourth connection from 127.0.0.1 is closed without any reply
            assertTrue(tryConnection(server).isEmpty(), "fourth connection admitted");
            for (ZooKeeper zk : List.of(a, b, c)) {
                assertNotNull(zk.exists("/", false));
                assertEquals(ZooKeeper.States.CONNECTED, zk.getState());
            }
            c.close(); // closing twice (again at the end of the try) is harmless

            // once the server has let go of c's connection, there is room for one more (bounded polling)
            Optional<Raw> admitted = Optional.empty();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Clients.TIMEOUT_S);
            for (int attempt = 0; attempt < 1000 && admitted.isEmpty() && System.nanoTime() < deadline; attempt++) {
                admitted = tryConnection(server);
                if (admitted.isEmpty()) {
                    Thread.sleep(20);
                }
            }
            assertTrue(admitted.isPresent(), "no connection admitted after one of three closed");
            try (Raw in = admitted.get()) {
                assertTrue(tryConnection(server).isEmpty(), "a connection over the limit was admitted");
                in.ping();
                assertEquals(-2, in.receive().readInt());
            }
            assertNotNull(a.exists("/", false));
            assertNotNull(b.exists("/", false));
        }
    }

    // ---------------------------------------------------------------- server restart

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void sessionAndEphemeralsSurviveRestart(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind, Map.of("tickTime", "200", "maxSessionTimeout", "20000"))) {
            Events ownerEvents = new Events();
            Events observerEvents = new Events();
            ZooKeeper owner = new ZooKeeper(server.connectString(), 20_000, ownerEvents);
            try (ZooKeeper observer = new ZooKeeper(server.connectString(), 20_000, observerEvents)) {
                ownerEvents.expectState(CONNECTED);
                observerEvents.expectState(CONNECTED);
                assertEquals(20_000, owner.getSessionTimeout());
                long sid = owner.getSessionId();
                long observerSid = observer.getSessionId();
                Stat eph = new Stat();
                owner.create("/eph", "e".getBytes(), OPEN, CreateMode.EPHEMERAL, eph);
                owner.create("/persist", null, OPEN, CreateMode.PERSISTENT);

                server.restart();

                // the same handles reconnect to the same sessions
                ownerEvents.expectState(DISCONNECTED);
                ownerEvents.expectState(CONNECTED);
                observerEvents.expectState(DISCONNECTED);
                observerEvents.expectState(CONNECTED);
                assertEquals(sid, owner.getSessionId());
                assertEquals(observerSid, observer.getSessionId());
                Stat after = owner.exists("/eph", false);
                assertNotNull(after);
                assertEquals(sid, after.getEphemeralOwner());
                assertEquals(eph, after);
                assertEquals(List.of("/eph"), owner.getEphemerals());
                assertEquals(List.of("/eph"), owner.getEphemerals("/e"));
                assertEquals(List.of(), owner.getEphemerals("/persist"));
                assertEquals(List.of(), observer.getEphemerals());
                assertEquals(sid, observer.exists("/eph", false).getEphemeralOwner());

                // writes continue after the restart
                Stat set = owner.setData("/eph", "f".getBytes(), 0);
                assertEquals(1, set.getVersion());
                assertTrue(set.getMzxid() > eph.getMzxid());
                owner.close();
                assertNull(observer.exists("/eph", false), "closing the restored session deletes its ephemeral");
                assertNotNull(observer.exists("/persist", false));
                assertEquals(List.of(), new ArrayList<>(observerEvents.states));
            } finally {
                owner.close();
            }
        }
    }

    /** The stock client re-registers its watches (setWatches) when it reconnects after the restart. */
    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void watchesAreRestoredAfterRestart(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind, Map.of("tickTime", "200", "maxSessionTimeout", "20000"));
                ZooKeeper writer = new ZooKeeper(server.connectString(), 20_000, e -> { })) {
            Events events = new Events();
            try (ZooKeeper observer = new ZooKeeper(server.connectString(), 20_000, events)) {
                events.expectState(CONNECTED);
                observer.create("/d", "1".getBytes(), OPEN, CreateMode.PERSISTENT);
                observer.create("/dir", null, OPEN, CreateMode.PERSISTENT);
                observer.getData("/d", true, null);
                assertNull(observer.exists("/missing", true));
                observer.getChildren("/dir", true);

                server.restart();
                events.expectState(DISCONNECTED);
                events.expectState(CONNECTED);
                // a round trip on the restored connection, after its setWatches
                assertNotNull(observer.exists("/", false));
                assertEquals(ZooKeeper.States.CONNECTED, observer.getState());

                writer.setData("/d", "2".getBytes(), -1);
                events.nodes.expect("NodeDataChanged /d");
                writer.create("/missing", null, OPEN, CreateMode.PERSISTENT);
                events.nodes.expect("NodeCreated /missing");
                writer.create("/dir/c", null, OPEN, CreateMode.PERSISTENT);
                events.nodes.expect("NodeChildrenChanged /dir");
                assertNotNull(observer.exists("/", false));
                assertEquals(List.of(), events.nodes.drainNow());
                assertEquals(List.of(), new ArrayList<>(events.states), "no further disconnects");
            }
        }
    }

    /**
     * Opens a raw connection and sends a ConnectRequest: the open connection if the server answered,
     * empty if the server refused or closed it without an answer.
     */
    private static Optional<Raw> tryConnection(ServerUnderTest server) throws IOException {
        Raw raw;
        try {
            raw = new Raw(server);
        } catch (SocketException refused) {
            return Optional.empty();
        }
        boolean answered = false;
        try {
            answered = raw.connect(30_000, 0, new byte[16]).isPresent();
        } finally {
            if (!answered) {
                raw.close();
            }
        }
        return answered ? Optional.of(raw) : Optional.empty();
    }

    private static List<String> sorted(List<String> in) {
        List<String> out = new ArrayList<>(in);
        out.sort(null);
        return out;
    }

    // ---------------------------------------------------------------- raw protocol client

    /** A ConnectResponse as read from the wire. */
    static final class Handshake {
        int protocolVersion;
        int timeout;
        long sessionId;
        byte[] passwd;
        Boolean readOnly;
        int bodyLength;
    }

    /** A minimal jute client: connect, create an ephemeral, ping, close the session. */
    static final class Raw implements AutoCloseable {
        private final Socket socket = new Socket();
        private final DataInputStream in;
        private final DataOutputStream out;

        Raw(ServerUnderTest server) throws IOException {
            String cs = server.connectString();
            int colon = cs.lastIndexOf(':');
            socket.connect(new InetSocketAddress(cs.substring(0, colon), Integer.parseInt(cs.substring(colon + 1))),
                    10_000);
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
            return new DataInputStream(new ByteArrayInputStream(b));
        }

        /** Sends a ConnectRequest (with the readOnly flag); empty if the server closes instead of answering. */
        Optional<Handshake> connect(int timeoutMs, long sessionId, byte[] passwd) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            DataOutputStream d = new DataOutputStream(b);
            d.writeInt(0);
            d.writeLong(0);
            d.writeInt(timeoutMs);
            d.writeLong(sessionId);
            d.writeInt(passwd.length);
            d.write(passwd);
            d.writeBoolean(false);
            int len;
            try {
                send(b);
                len = in.readInt();
            } catch (EOFException | SocketException closed) {
                return Optional.empty();
            }
            byte[] body = new byte[len];
            in.readFully(body);
            DataInputStream r = new DataInputStream(new ByteArrayInputStream(body));
            Handshake h = new Handshake();
            h.bodyLength = len;
            h.protocolVersion = r.readInt();
            h.timeout = r.readInt();
            h.sessionId = r.readLong();
            int pl = r.readInt();
            h.passwd = new byte[pl];
            r.readFully(h.passwd);
            h.readOnly = r.available() > 0 ? r.readBoolean() : null;
            return Optional.of(h);
        }

        /** create(path, "r", world:anyone, EPHEMERAL); returns the created path. */
        String createEphemeral(int xid, String path) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            DataOutputStream d = new DataOutputStream(b);
            d.writeInt(xid);
            d.writeInt(ZooDefs.OpCode.create);
            writeString(d, path);
            d.writeInt(1);
            d.write('r');
            d.writeInt(1);
            d.writeInt(ZooDefs.Perms.ALL);
            writeString(d, "world");
            writeString(d, "anyone");
            d.writeInt(CreateMode.EPHEMERAL.toFlag());
            send(b);
            DataInputStream r = receive();
            assertEquals(xid, r.readInt());
            r.readLong();
            assertEquals(0, r.readInt(), "err");
            byte[] p = new byte[r.readInt()];
            r.readFully(p);
            return new String(p, StandardCharsets.UTF_8);
        }

        void ping() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            DataOutputStream d = new DataOutputStream(b);
            d.writeInt(-2);
            d.writeInt(ZooDefs.OpCode.ping);
            send(b);
        }

        /** Sends closeSession and reads its reply. */
        void closeSession() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            DataOutputStream d = new DataOutputStream(b);
            d.writeInt(1);
            d.writeInt(ZooDefs.OpCode.closeSession);
            send(b);
            DataInputStream r = receive();
            assertEquals(1, r.readInt());
            r.readLong();
            assertEquals(0, r.readInt());
        }

        private static void writeString(DataOutputStream d, String s) throws IOException {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            d.writeInt(bytes.length);
            d.write(bytes);
        }

        /** True once the server has closed the connection without sending anything more. */
        boolean closedByServer() throws IOException {
            try {
                int next = in.read();
                if (next != -1) {
                    fail("unexpected byte from the server: " + next);
                }
                return true;
            } catch (SocketException e) {
                return true;
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
