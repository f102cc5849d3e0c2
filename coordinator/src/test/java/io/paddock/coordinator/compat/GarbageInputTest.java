package io.paddock.coordinator.compat;

import io.paddock.testkit.Clients;
import io.paddock.testkit.FourLetterWordClient;
import io.paddock.testkit.RawClient;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.testkit.RawClient.Reply;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.proto.CreateRequest;
import org.apache.zookeeper.proto.ExistsRequest;
import org.apache.zookeeper.proto.GetDataRequest;
import org.apache.zookeeper.proto.MultiHeader;
import org.apache.zookeeper.proto.RequestHeader;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * DESIGN rule 6, "bad input never takes a server down": seeded storms of malformed frames, and a
 * crowd of connections that never say hello. Afterwards a stock client must work normally, a client
 * connected before the storm must keep its session, and every bad connection must have been closed
 * by the server. Each connection ends with input that ZooKeeper closes the connection for (a
 * negative frame length, an oversize length, or end of input), so "closed" is always the expected
 * outcome and a hang is a failure.
 */
class GarbageInputTest {
    private static final int MAX_BUFFER = 1048575;
    private static final long[] SEEDS = {0x5EED1L, 0xC0FFEEL, 20261122L};
    private static final int CONNECTIONS_PER_SEED = 120;
    private static final int CLOSE_TIMEOUT_MS = 20_000;
    private static final List<ACL> OPEN = ZooDefs.Ids.OPEN_ACL_UNSAFE;
    /** Every opcode the protocol knows, plus neighbours that are not valid. */
    private static final int[] OPCODES = {
        -11, -10, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 99, 100,
        101, 102, 103, 104, 105, 106, 107, 108, 1000, Integer.MIN_VALUE, Integer.MAX_VALUE
    };

    @TempDir
    Path dir;

    private enum Attack {
        RANDOM_BYTES, TRUNCATED_THEN_EOF, NEGATIVE_LENGTH, OVERSIZE_LENGTH, HANDSHAKE_THEN_GARBAGE_FRAMES,
        REQUESTS_BEFORE_HANDSHAKE, HUGE_COUNTS, RANDOM_OPCODES, GARBAGE_CONNECT
    }

    /** What one garbage connection did: frames sent and whether the server closed it in time. */
    private record Outcome(String what, int frames, String failure) {}

    // --------------------------------------------------------------------------------- generators

    private static byte[] randomBytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    private static byte[] lengthPrefix(int length) {
        return new byte[] {(byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length};
    }

    /** A first int ZooKeeper rejects as a frame length: negative or above jute.maxbuffer. */
    private static int badLength(Random r) {
        return r.nextBoolean() ? -1 - r.nextInt(Integer.MAX_VALUE) : MAX_BUFFER + 1 + r.nextInt(Integer.MAX_VALUE - MAX_BUFFER - 1);
    }

    private static byte[] handshake(Random r) {
        return RawClient.frame(RawClient.connectRequest(0, 30_000, 0, new byte[16], r.nextBoolean() ? Boolean.FALSE : null));
    }

    /** A plausible but wrong request: a real opcode or not, with a random small body. */
    private static byte[] randomOpcodeFrame(Random r) {
        int op = OPCODES[r.nextInt(OPCODES.length)];
        byte[] header = RawClient.serialize(a -> new RequestHeader(r.nextInt(), op).serialize(a, "header"));
        return RawClient.frame(RawClient.concat(header, randomBytes(r, r.nextInt(64))));
    }

    /** Requests whose records claim enormous vectors, strings or buffers. */
    private static byte[] hugeCountFrame(Random r) {
        int xid = r.nextInt(1000);
        int count = r.nextBoolean() ? Integer.MAX_VALUE - r.nextInt(16) : 1 << (20 + r.nextInt(11));
        byte[] payload = switch (r.nextInt(7)) {
            case 0 -> RawClient.serialize(a -> { // create with a huge ACL vector
                new RequestHeader(xid, 1).serialize(a, "h");
                a.writeString("/huge", "path");
                a.writeBuffer(new byte[0], "data");
                a.writeInt(count, "acl");
                a.writeInt(31, "perms");
                a.writeString("world", "scheme");
                a.writeString("anyone", "id");
            });
            case 1 -> RawClient.serialize(a -> { // setWatches with huge vectors
                new RequestHeader(xid, 101).serialize(a, "h");
                a.writeLong(0, "rel");
                a.writeInt(count, "data");
                a.writeString("/x", "p");
            });
            case 2 -> RawClient.serialize(a -> { // getData with a path length far beyond the frame
                new RequestHeader(xid, 4).serialize(a, "h");
                a.writeInt(count, "len");
                a.writeByte((byte) '/', "b");
            });
            case 3 -> RawClient.serialize(a -> { // setData with a data length beyond jute.maxbuffer
                new RequestHeader(xid, 5).serialize(a, "h");
                a.writeString("/x", "path");
                a.writeInt(count, "len");
                a.writeInt(0, "some");
            });
            case 4 -> RawClient.serialize(a -> { // setWatches2 with negative vector lengths
                new RequestHeader(xid, 105).serialize(a, "h");
                a.writeLong(0, "rel");
                for (int i = 0; i < 5; i++) {
                    a.writeInt(-2 - r.nextInt(100), "v");
                }
            });
            case 5 -> RawClient.serialize(a -> { // a multi that never ends
                new RequestHeader(xid, 14).serialize(a, "h");
                for (int i = 0; i < 200; i++) {
                    new MultiHeader(13, false, -1).serialize(a, "mh");
                    a.writeString("/c" + i, "path");
                    a.writeInt(-1, "version");
                }
            });
            default -> RawClient.serialize(a -> { // auth with a huge buffer length
                new RequestHeader(-4, 100).serialize(a, "h");
                a.writeInt(0, "type");
                a.writeString("digest", "scheme");
                a.writeInt(count, "auth");
            });
        };
        return RawClient.frame(payload);
    }

    /** ConnectRequest-shaped bytes with random fields, or just random bytes, as the first frame. */
    private static byte[] garbageConnect(Random r) {
        if (r.nextBoolean()) {
            return RawClient.frame(randomBytes(r, r.nextInt(60)));
        }
        byte[] passwd = randomBytes(r, r.nextInt(40));
        byte[] body = RawClient.serialize(a -> {
            a.writeInt(r.nextInt(), "protocolVersion");
            a.writeLong(r.nextBoolean() ? r.nextLong() : -1 - r.nextInt(1000), "lastZxidSeen");
            a.writeInt(r.nextInt(), "timeOut");
            a.writeLong(r.nextInt(3) == 0 ? 0 : r.nextLong(), "sessionId");
            if (r.nextInt(4) == 0) {
                a.writeInt(r.nextInt(), "passwd length");
            } else {
                a.writeBuffer(passwd, "passwd");
            }
        });
        return RawClient.frame(RawClient.concat(body, randomBytes(r, r.nextInt(3))));
    }

    private static byte[] validRequest(Random r, int xid) {
        return switch (r.nextInt(3)) {
            case 0 -> RawClient.frame(RawClient.request(xid, 4, new GetDataRequest("/", false)));
            case 1 -> RawClient.frame(RawClient.request(xid, 3, new ExistsRequest("/zookeeper", r.nextBoolean())));
            default -> RawClient.frame(RawClient.request(-2, 11, null));
        };
    }

    /** Builds one connection's byte script. Returns the frames and whether to end with EOF instead. */
    private static Script script(Attack attack, Random r) {
        Script s = new Script();
        switch (attack) {
            case RANDOM_BYTES -> {
                byte[] b = randomBytes(r, 4 + r.nextInt(300));
                System.arraycopy(lengthPrefix(badLength(r)), 0, b, 0, 4);
                s.add(b);
            }
            case TRUNCATED_THEN_EOF -> {
                if (r.nextBoolean()) {
                    s.addHandshake(r);
                    for (int i = r.nextInt(3); i > 0; i--) {
                        s.add(validRequest(r, i));
                    }
                }
                byte[] whole = r.nextBoolean() ? handshake(r) : validRequest(r, 9);
                if (r.nextInt(3) == 0) {
                    whole = RawClient.frame(randomBytes(r, 1 + r.nextInt(MAX_BUFFER / 64)));
                }
                s.add(java.util.Arrays.copyOf(whole, 1 + r.nextInt(whole.length - 1)));
                s.endWithEof = true;
            }
            case NEGATIVE_LENGTH -> {
                if (r.nextBoolean()) {
                    s.addHandshake(r);
                    for (int i = r.nextInt(4); i > 0; i--) {
                        s.add(validRequest(r, i));
                    }
                }
                s.add(RawClient.concat(lengthPrefix(-1 - r.nextInt(Integer.MAX_VALUE)), randomBytes(r, r.nextInt(40))));
            }
            case OVERSIZE_LENGTH -> {
                if (r.nextBoolean()) {
                    s.addHandshake(r);
                }
                int len = MAX_BUFFER + 1 + (r.nextBoolean() ? 0 : r.nextInt(Integer.MAX_VALUE - MAX_BUFFER - 1));
                s.add(RawClient.concat(lengthPrefix(len), randomBytes(r, r.nextInt(2000))));
            }
            case HANDSHAKE_THEN_GARBAGE_FRAMES -> {
                s.addHandshake(r);
                for (int i = 5 + r.nextInt(25); i > 0; i--) {
                    s.add(RawClient.frame(randomBytes(r, r.nextInt(300))));
                }
            }
            case REQUESTS_BEFORE_HANDSHAKE -> {
                for (int i = 1 + r.nextInt(5); i > 0; i--) {
                    s.add(r.nextBoolean() ? validRequest(r, i)
                            : RawClient.frame(RawClient.request(i, 1, new CreateRequest("/early" + i,
                                    randomBytes(r, r.nextInt(100)), OPEN, 0))));
                }
            }
            case HUGE_COUNTS -> {
                s.addHandshake(r);
                for (int i = 3 + r.nextInt(10); i > 0; i--) {
                    s.add(hugeCountFrame(r));
                }
            }
            case RANDOM_OPCODES -> {
                s.addHandshake(r);
                for (int i = 10 + r.nextInt(30); i > 0; i--) {
                    s.add(randomOpcodeFrame(r));
                }
            }
            case GARBAGE_CONNECT -> {
                s.add(garbageConnect(r));
                for (int i = r.nextInt(5); i > 0; i--) {
                    s.add(randomOpcodeFrame(r));
                }
            }
        }
        if (!s.endWithEof) {
            // whatever state the connection is in, this makes ZooKeeper close it
            s.add(RawClient.concat(lengthPrefix(-1 - r.nextInt(1000)), randomBytes(r, r.nextInt(16))));
        }
        return s;
    }

    private static final class Script {
        final List<byte[]> frames = new ArrayList<>();
        boolean endWithEof;

        void addHandshake(Random r) {
            frames.add(handshake(r));
        }

        void add(byte[] b) {
            frames.add(b);
        }
    }

    /** Runs one script on a fresh connection and waits for the server to close it. */
    private static Outcome attack(String connectString, long seed, int index) {
        Random r = new Random(seed * 1_000_003L + index);
        Attack attack = Attack.values()[index % Attack.values().length];
        String what = "seed " + seed + " #" + index + " " + attack;
        Script s = script(attack, r);
        try (RawClient c = RawClient.open(connectString, CLOSE_TIMEOUT_MS)) {
            Socket socket = c.socket();
            try {
                for (byte[] f : s.frames) {
                    c.sendRaw(f);
                }
                if (s.endWithEof) {
                    socket.shutdownOutput();
                }
            } catch (SocketException e) {
                // the server closed first (as it may after any bad frame): that is the expected outcome
            }
            try {
                c.readUntilClosed();
            } catch (SocketTimeoutException e) {
                return new Outcome(what, s.frames.size(), "server kept the connection open for " + CLOSE_TIMEOUT_MS + " ms");
            }
            return new Outcome(what, s.frames.size(), null);
        } catch (IOException e) {
            return new Outcome(what, s.frames.size(), e.toString());
        }
    }

    private static Map<String, String> mntr(String connectString) throws IOException {
        Map<String, String> m = new HashMap<>();
        for (String line : FourLetterWordClient.send(connectString, "mntr").split("\n")) {
            String[] kv = line.split("\t");
            if (kv.length == 2) {
                m.put(kv[0], kv[1]);
            }
        }
        return m;
    }

    /** Polls mntr until it reports the expected number of live connections (bounded). */
    private static void awaitAliveConnections(String connectString, int expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        String last = null;
        while (System.nanoTime() < deadline) {
            last = mntr(connectString).get("zk_num_alive_connections");
            if (Integer.toString(expected).equals(last)) {
                return;
            }
            Thread.sleep(50);
        }
        assertEquals(Integer.toString(expected), last, "live connections after the storm");
    }

    // --------------------------------------------------------------------------------- scenarios

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void seededGarbageStormLeavesTheServerServing(ServerUnderTest.Kind kind) throws Exception {
        Map<String, String> settings = ServerUnderTest.defaults(Map.of("maxClientCnxns", "0", "maxSessionTimeout", "60000"));
        try (ServerUnderTest server = kind.start(dir, settings)) {
            String cs = server.connectString();
            List<Watcher.Event.KeeperState> states = Collections.synchronizedList(new ArrayList<>());
            EventLog events = new EventLog();
            try (ZooKeeper before = Clients.connect(cs, 30_000, e -> {
                if (e.getType() == Watcher.Event.EventType.None) {
                    states.add(e.getState());
                } else {
                    events.process(e);
                }
            })) {
                long sessionBefore = before.getSessionId();
                before.create("/pre", "v0".getBytes(), OPEN, CreateMode.PERSISTENT);
                before.create("/pre/eph", null, OPEN, CreateMode.EPHEMERAL);
                assertArrayEquals("v0".getBytes(), before.getData("/pre", true, null));

                ExecutorService pool = Executors.newFixedThreadPool(8);
                List<Future<Outcome>> futures = new ArrayList<>();
                try {
                    for (long seed : SEEDS) {
                        for (int i = 0; i < CONNECTIONS_PER_SEED; i++) {
                            int index = i;
                            futures.add(pool.submit(() -> attack(cs, seed, index)));
                        }
                    }
                    int frames = 0;
                    List<String> failures = new ArrayList<>();
                    for (Future<Outcome> f : futures) {
                        Outcome o = f.get(2L * CLOSE_TIMEOUT_MS + 30_000, TimeUnit.MILLISECONDS);
                        frames += o.frames();
                        if (o.failure() != null) {
                            failures.add(o.what() + ": " + o.failure());
                        }
                    }
                    assertEquals(List.of(), failures, "every garbage connection is closed by the server");
                    assertEquals(SEEDS.length * CONNECTIONS_PER_SEED, futures.size());
                    assertTrue(frames >= 2000, "sent " + frames + " frames");
                } finally {
                    pool.shutdownNow();
                }

                // the client from before the storm kept its connection and its session
                assertEquals(sessionBefore, before.getSessionId());
                assertEquals(List.of(Watcher.Event.KeeperState.SyncConnected), List.copyOf(states),
                        "no disconnect or expiry for the pre-storm client");
                assertNotNull(before.exists("/pre/eph", false), "its ephemeral is still there");

                // a stock client connected after the storm works normally, and both see each other's writes
                try (ZooKeeper after = Clients.connect(cs)) {
                    after.setData("/pre", "v1".getBytes(), -1);
                    events.expect("NodeDataChanged /pre");
                    EventLog afterEvents = new EventLog();
                    assertNull(after.exists("/post", afterEvents));
                    before.create("/post", "p".getBytes(), OPEN, CreateMode.PERSISTENT);
                    afterEvents.expect("NodeCreated /post");
                    Stat stat = new Stat();
                    assertArrayEquals("p".getBytes(), after.getData("/post", false, stat));
                    assertEquals(0, stat.getVersion());
                    assertEquals(List.of("eph"), after.getChildren("/pre", false));
                    assertEquals("imok", FourLetterWordClient.send(cs, "ruok"));
                    // only the two stock clients and the mntr connection remain
                    awaitAliveConnections(cs, 3);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void malformedRequestsOnOneSessionGetErrorsNotAClosedServer(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = kind.start(dir, ServerUnderTest.defaults(Map.of()));
             RawClient c = RawClient.open(server.connectString())) {
            c.handshake();
            Random r = new Random(42);
            // requests whose records claim enormous vectors get MARSHALLINGERROR and the session goes on
            byte[] hugeAcl = RawClient.serialize(a -> {
                new RequestHeader(1, 1).serialize(a, "h");
                a.writeString("/huge", "path");
                a.writeBuffer(new byte[0], "data");
                a.writeInt(Integer.MAX_VALUE, "acl");
                a.writeInt(31, "perms");
            });
            c.sendFrame(hugeAcl);
            Reply r1 = c.readReply();
            assertEquals(1, r1.xid());
            assertEquals(-5, r1.err());
            byte[] hugePath = RawClient.concat(RawClient.serialize(a -> {
                new RequestHeader(2, 4).serialize(a, "h");
                a.writeInt(MAX_BUFFER * 4, "len");
            }), randomBytes(r, 8));
            c.sendFrame(hugePath);
            Reply r2 = c.readReply();
            assertEquals(2, r2.xid());
            assertEquals(-5, r2.err());
            Reply ok = c.call(3, 1, new CreateRequest("/fine", new byte[0], OPEN, 0));
            assertEquals(0, ok.err());
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void oversizeFrameClosesOnlyThatConnectionAndTheSessionSurvives(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = kind.start(dir, ServerUnderTest.defaults(Map.of()))) {
            String cs = server.connectString();
            try (RawClient c = RawClient.open(cs)) {
                RawClient.Connected s = c.handshake();
                // a create whose frame length is exactly jute.maxbuffer is accepted
                byte[] head = RawClient.request(1, 1, new CreateRequest("/big", new byte[0], OPEN, 0));
                int dataLength = MAX_BUFFER - (head.length);
                byte[] exact = RawClient.request(1, 1, new CreateRequest("/big", new byte[dataLength], OPEN, 0));
                assertEquals(MAX_BUFFER, exact.length);
                c.sendFrame(exact);
                Reply made = c.readReply();
                assertEquals(0, made.err(), made.toString());
                // one byte more and the connection is closed without a reply
                byte[] over = RawClient.request(2, 1, new CreateRequest("/bog", new byte[dataLength + 1], OPEN, 0));
                assertEquals(MAX_BUFFER + 1, over.length);
                try {
                    c.sendFrame(over);
                } catch (SocketException e) {
                    // closed while we were still writing: fine
                }
                RawClient.expectEof(c, "after a frame above jute.maxbuffer");

                // the session is still alive and re-attaches with its password
                try (RawClient back = RawClient.open(cs)) {
                    RawClient.Connected again = back.connect(made.zxid(), 30_000, s.sessionId(), s.passwd(), false);
                    assertEquals(s.sessionId(), again.sessionId());
                    assertEquals(-101, back.call(1, 3, new ExistsRequest("/bog", false)).err());
                    assertEquals(0, back.call(2, 3, new ExistsRequest("/big", false)).err());
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void aThousandSilentConnectionsAreClosedAndDoNotBlockService(ServerUnderTest.Kind kind) throws Exception {
        int silent = 1000;
        try (ServerUnderTest server = kind.start(dir, ServerUnderTest.defaults(Map.of("maxClientCnxns", "0")))) {
            String cs = server.connectString();
            List<RawClient> idle = new ArrayList<>();
            try {
                for (int i = 0; i < silent; i++) {
                    idle.add(RawClient.open(cs));
                }
                long opened = System.nanoTime();
                // the server keeps serving a well-behaved client while they sit there
                try (ZooKeeper zk = Clients.connect(cs)) {
                    zk.create("/alive", "yes".getBytes(), OPEN, CreateMode.PERSISTENT);
                    EventLog log = new EventLog();
                    assertArrayEquals("yes".getBytes(), zk.getData("/alive", log, null));
                    try (ZooKeeper other = Clients.connect(cs)) {
                        other.setData("/alive", "still".getBytes(), -1);
                    }
                    log.expect("NodeDataChanged /alive");
                    assertEquals("imok", FourLetterWordClient.send(cs, "ruok"));
                }
                // connections without a session are closed by the server (ZooKeeper: after
                // sessionlessCnxnTimeout, 10 s by default, checked in 10 s buckets)
                long deadline = opened + TimeUnit.SECONDS.toNanos(45);
                int closed = 0;
                for (RawClient c : idle) {
                    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    assertTrue(left > 0, "only " + closed + " of " + silent + " silent connections were closed in time");
                    c.setReadTimeout((int) left);
                    try {
                        assertEquals(0, c.readUntilClosed(), "nothing is sent to a connection that said nothing");
                    } catch (SocketTimeoutException e) {
                        throw new AssertionError("only " + closed + " of " + silent + " silent connections were closed", e);
                    }
                    closed++;
                }
                assertEquals(silent, closed);
                try (ZooKeeper zk = Clients.connect(cs)) {
                    assertArrayEquals("still".getBytes(), zk.getData("/alive", false, null));
                }
            } finally {
                idle.forEach(RawClient::close);
            }
        }
    }
}
