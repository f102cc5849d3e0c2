package io.paddock.coordinator.compat;

import io.paddock.testkit.Clients;
import io.paddock.testkit.FourLetterWordClient;
import io.paddock.testkit.RawClient;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.testkit.RawClient.Connected;
import io.paddock.testkit.RawClient.Reply;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.proto.CreateRequest;
import org.apache.zookeeper.proto.ExistsRequest;
import org.apache.zookeeper.proto.GetChildrenRequest;
import org.apache.zookeeper.proto.GetDataRequest;
import org.apache.zookeeper.server.command.FourLetterCommands;
import org.apache.zookeeper.metrics.impl.DefaultMetricsProvider;
import org.apache.zookeeper.server.ServerMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Four-letter words on the client port, asserted in Apache ZooKeeper 3.9's exact formats (the ones
 * monitoring scripts parse) against both the reference server and Paddock.
 */
class FourLetterWordTest {
    /** Sessions in these tests must outlive a slow test: lift the 20-tick default maximum. */
    private static final Map<String, String> LONG_SESSIONS = Map.of("maxSessionTimeout", "60000");
    private static final Pattern CANONICAL_DOUBLE = Pattern.compile("-?\\d+\\.\\d+(E-?\\d+)?");

    @TempDir
    Path dir;

    @BeforeAll
    static void referenceMetrics() throws Exception {
        // ZooKeeperServerMain installs a metrics provider; the embedded reference server needs one too,
        // or its mntr prints only version and state.
        DefaultMetricsProvider provider = new DefaultMetricsProvider();
        provider.start();
        ServerMetrics.metricsProviderInitialized(provider);
    }

    @AfterEach
    void resetReferenceWhitelist() {
        // ZooKeeper caches the whitelist in a static field on first use
        FourLetterCommands.resetWhiteList();
    }

    private ServerUnderTest start(ServerUnderTest.Kind kind, Map<String, String> overrides) throws Exception {
        FourLetterCommands.resetWhiteList();
        Map<String, String> all = new HashMap<>(LONG_SESSIONS);
        all.putAll(overrides);
        return kind.start(dir, ServerUnderTest.defaults(all));
    }

    private static String word(ServerUnderTest s, String w) throws Exception {
        return FourLetterWordClient.send(s.connectString(), w);
    }

    private static int port(ServerUnderTest s) {
        return RawClient.address(s.connectString()).getPort();
    }

    /**
     * A raw session holding an ephemeral and three watches: a data watch on /a, an exist watch on
     * /missing and a child watch on /. Tree: 5 system entries + /a, /a/b, /eph = node count 8.
     */
    private record Busy(RawClient client, long sessionId, long lastZxid, int lastXid) implements AutoCloseable {
        int port() {
            return client.localPort();
        }

        String hexSid() {
            return Long.toHexString(sessionId);
        }

        @Override
        public void close() {
            client.close();
        }
    }

    private static Busy busy(ServerUnderTest s) throws Exception {
        RawClient c = RawClient.open(s.connectString());
        Connected k = c.handshake();
        var open = ZooDefs.Ids.OPEN_ACL_UNSAFE;
        assertEquals(0, c.call(1, 1, new CreateRequest("/a", "hello".getBytes(), open, 0)).err());
        assertEquals(0, c.call(2, 1, new CreateRequest("/a/b", new byte[0], open, 0)).err());
        Reply eph = c.call(3, 1, new CreateRequest("/eph", new byte[0], open, 1));
        assertEquals(0, eph.err());
        assertEquals(0, c.call(4, 4, new GetDataRequest("/a", true)).err());
        assertEquals(-101, c.call(5, 3, new ExistsRequest("/missing", true)).err());
        assertEquals(0, c.call(6, 8, new GetChildrenRequest("/", true)).err());
        return new Busy(c, k.sessionId(), eph.zxid(), 6);
    }

    private static List<String> lines(String text) {
        assertTrue(text.endsWith("\n"), "output ends with a newline: " + text);
        return Arrays.asList(text.substring(0, text.length() - 1).split("\n", -1));
    }

    private static void assertCanonicalDouble(String value, String what) {
        assertTrue(CANONICAL_DOUBLE.matcher(value).matches(), what + " is a double: " + value);
        assertEquals(Double.toString(Double.parseDouble(value)), value, what + " is printed as Java prints a double");
    }

    /** Parses the srvr/stat tail (everything from the Latency line on) into prefix -> value. */
    private static void assertServerStatsTail(ServerUnderTest.Kind kind, List<String> tail, Busy b, int connections,
                                              int nodeCount) {
        String[] prefixes = {"Latency min/avg/max: ", "Received: ", "Sent: ", "Connections: ", "Outstanding: ",
            "Zxid: 0x", "Mode: ", "Node count: "};
        assertEquals(prefixes.length, tail.size(), "lines: " + tail);
        for (int i = 0; i < prefixes.length; i++) {
            assertTrue(tail.get(i).startsWith(prefixes[i]), "line " + i + " '" + tail.get(i) + "' starts with " + prefixes[i]);
        }
        String[] lat = tail.get(0).substring(prefixes[0].length()).split("/");
        assertEquals(3, lat.length, tail.get(0));
        assertTrue(lat[0].matches("\\d+"), tail.get(0));
        assertTrue(CANONICAL_DOUBLE.matcher(lat[1]).matches(), tail.get(0));
        assertTrue(lat[2].matches("\\d+"), tail.get(0));
        assertTrue(tail.get(1).matches("Received: \\d+"), tail.get(1));
        assertTrue(tail.get(2).matches("Sent: \\d+"), tail.get(2));
        assertEquals("Connections: " + connections, tail.get(3));
        if (kind == ServerUnderTest.Kind.PADDOCK) {
            assertEquals("Outstanding: 0", tail.get(4));
        } else {
            // ZooKeeper's outstanding counter is updated from two threads and is seen at -1 now and then
            assertTrue(List.of("Outstanding: 0", "Outstanding: -1").contains(tail.get(4)), tail.get(4));
        }
        assertEquals("Zxid: 0x" + Long.toHexString(b.lastZxid()), tail.get(5));
        assertEquals("Mode: standalone", tail.get(6));
        assertEquals("Node count: " + nodeCount, tail.get(7));
    }

    private static Map<String, String> mntr(String text) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : lines(text)) {
            String[] kv = line.split("\t", -1);
            assertEquals(2, kv.length, "tab-separated key and value: '" + line + "'");
            assertTrue(kv[0].matches("zk_[a-z0-9_]+"), "key " + kv[0]);
            assertFalse(m.containsKey(kv[0]), "duplicate key " + kv[0]);
            m.put(kv[0], kv[1]);
        }
        return m;
    }

    // ------------------------------------------------------------------------- simple words

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void ruokIsImokWithoutNewline(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest s = start(kind, Map.of())) {
            assertEquals("imok", word(s, "ruok"));
            assertEquals("imok", word(s, "ruokextra"), "bytes after the word are ignored");
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void isroIsRwOnAStandaloneServer(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest s = start(kind, Map.of())) {
            assertEquals("rw", word(s, "isro"));
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void smallWords(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest s = start(kind, Map.of())) {
            assertEquals("Connection stats reset.\n", word(s, "crst"));
            assertEquals("Server stats reset.\n", word(s, "srst"));
            assertEquals("306", word(s, "gtmk"), "default trace mask, no newline");
            assertTrue(word(s, "dirs").matches("datadir_size: \\d+\nlogdir_size: \\d+\n"));
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void serverClosesAfterEveryWord(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest s = start(kind, Map.of())) {
            for (String w : List.of("ruok", "srvr", "stat", "mntr", "conf", "cons", "envi", "wchs", "isro")) {
                try (RawClient c = RawClient.open(s.connectString())) {
                    String out = c.fourLetterWord(w);
                    assertFalse(out.isEmpty(), w + " printed something");
                    assertEquals(0, c.readUntilClosed(), "closed after " + w);
                }
            }
            // an unknown word is read as a frame length far above jute.maxbuffer: closed, nothing printed
            assertEquals("", word(s, "xxxx"));
            // once a session is up, a word is just a frame length: the connection closes, no output
            try (RawClient c = RawClient.open(s.connectString())) {
                c.handshake();
                c.sendRaw("ruok".getBytes());
                RawClient.expectEof(c, "ruok after the handshake");
            }
            assertEquals("imok", word(s, "ruok"), "server still answers");
        }
    }

    // ------------------------------------------------------------------------- srvr / stat

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void srvrLinesInOrder(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest s = start(kind, Map.of()); Busy b = busy(s)) {
            List<String> l = lines(word(s, "srvr"));
            assertTrue(l.get(0).startsWith("Zookeeper version: "), l.get(0));
            // the 4lw connection itself counts
            assertServerStatsTail(kind, l.subList(1, l.size()), b, 2, 8);
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void freshServerPrintsLatencyAsJavaDoubles(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest s = start(kind, Map.of())) {
            List<String> l = lines(word(s, "srvr"));
            Map<String, String> m = mntr(word(s, "mntr"));
            assertAll(
                    () -> assertEquals("Latency min/avg/max: 0/0.0/0", l.get(1), "srvr, no requests yet"),
                    () -> assertEquals("Zxid: 0x0", l.get(6)),
                    () -> assertEquals("Node count: 5", l.get(8), "root twice, /zookeeper, /zookeeper/quota, /zookeeper/config"),
                    () -> assertEquals("0.0", m.get("zk_avg_latency"), "mntr, no requests yet"),
                    () -> assertEquals("5", m.get("zk_znode_count")),
                    () -> assertEquals("0", m.get("zk_watch_count")));
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void statListsClientsThenServerStats(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest s = start(kind, Map.of()); Busy b = busy(s); RawClient me = RawClient.open(s.connectString())) {
            List<String> l = lines(me.fourLetterWord("stat"));
            assertTrue(l.get(0).startsWith("Zookeeper version: "), l.get(0));
            assertEquals("Clients:", l.get(1));
            int blank = l.indexOf("");
            assertTrue(blank > 1, "a blank line ends the Clients section: " + l);
            List<String> clients = l.subList(2, blank);
            assertEquals(2, clients.size(), "the busy session and this connection: " + clients);
            Pattern brief = Pattern.compile(" /127\\.0\\.0\\.1:(\\d+)\\[[0-9a-f]+\\]\\(queued=\\d+,recved=\\d+,sent=\\d+\\)");
            Set<Integer> ports = new HashSet<>();
            for (String c : clients) {
                Matcher m = brief.matcher(c);
                assertTrue(m.matches(), "brief connection line: '" + c + "'");
                ports.add(Integer.parseInt(m.group(1)));
            }
            assertEquals(Set.of(b.port(), me.localPort()), ports);
            assertAll(
                    () -> assertTrue(clients.contains(" /127.0.0.1:" + me.localPort() + "[0](queued=0,recved=1,sent=0)"),
                            "the 4lw connection shows as not interested, one packet received: " + clients),
                    () -> assertTrue(clients.stream().anyMatch(x -> x.matches(
                                    " /127\\.0\\.0\\.1:" + b.port() + "\\[[0-9a-f]+\\]\\(queued=\\d+,recved=7,sent=[67]\\)")),
                            "the session: connect + 6 requests received (the sent count may lag its last write): "
                                    + clients),
                    () -> assertServerStatsTail(kind, l.subList(blank + 1, l.size()), b, 2, 8));
        }
    }

    @Test
    void nodeCountMatchesZooKeeperOnTheSameTree() throws Exception {
        Map<ServerUnderTest.Kind, List<String>> counts = new LinkedHashMap<>();
        for (ServerUnderTest.Kind kind : ServerUnderTest.Kind.values()) {
            try (ServerUnderTest s = start(kind, Map.of()); ZooKeeper zk = Clients.connect(s.connectString())) {
                var open = ZooDefs.Ids.OPEN_ACL_UNSAFE;
                zk.create("/n", "data".getBytes(), open, CreateMode.PERSISTENT);
                for (int i = 0; i < 5; i++) {
                    zk.create("/n/c", null, open, CreateMode.PERSISTENT_SEQUENTIAL);
                }
                zk.create("/n/e", null, open, CreateMode.EPHEMERAL);
                zk.create("/zookeeper/extra", null, open, CreateMode.PERSISTENT);
                zk.create("/n/gone", null, open, CreateMode.PERSISTENT);
                zk.delete("/n/gone", -1);
                zk.create("/box", null, open, CreateMode.CONTAINER);
                String srvr = word(s, "srvr");
                Map<String, String> m = mntr(word(s, "mntr"));
                String nodeLine = lines(srvr).stream().filter(x -> x.startsWith("Node count: ")).findFirst().orElseThrow();
                counts.put(kind, List.of(nodeLine, "zk_znode_count=" + m.get("zk_znode_count"),
                        "zk_ephemerals_count=" + m.get("zk_ephemerals_count")));
            }
        }
        // 5 system entries (the root counted twice) + /n, 5 children, /n/e, /zookeeper/extra, /box
        assertEquals(List.of("Node count: 14", "zk_znode_count=14", "zk_ephemerals_count=1"),
                counts.get(ServerUnderTest.Kind.ZOOKEEPER));
        assertEquals(counts.get(ServerUnderTest.Kind.ZOOKEEPER), counts.get(ServerUnderTest.Kind.PADDOCK));
    }

    // ------------------------------------------------------------------------- mntr

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void mntrKeysAndValues(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest s = start(kind, Map.of()); Busy b = busy(s)) {
            String text = word(s, "mntr");
            Map<String, String> m = mntr(text);
            List<String> keys = new ArrayList<>(m.keySet());
            assertEquals("zk_version", keys.get(0));
            assertEquals("zk_server_state", keys.get(1));
            assertEquals("standalone", m.get("zk_server_state"));
            for (String k : List.of("zk_ephemerals_count", "zk_num_alive_connections", "zk_watch_count",
                    "zk_outstanding_requests", "zk_approximate_data_size", "zk_znode_count", "zk_packets_sent",
                    "zk_packets_received", "zk_min_latency", "zk_max_latency", "zk_global_sessions", "zk_uptime")) {
                assertNotNull(m.get(k), k + " present in\n" + text);
                assertTrue(m.get(k).matches("-?\\d+"), k + " is an integer: " + m.get(k));
            }
            assertTrue(CANONICAL_DOUBLE.matcher(m.get("zk_avg_latency")).matches(), m.get("zk_avg_latency"));
            assertEquals("8", m.get("zk_znode_count"));
            assertEquals("1", m.get("zk_ephemerals_count"));
            assertEquals("2", m.get("zk_num_alive_connections"), "the session and the mntr connection");
            if (kind == ServerUnderTest.Kind.PADDOCK) {
                assertEquals("0", m.get("zk_outstanding_requests"));
            } else {
                // ZooKeeper's counter is updated from two threads and is seen at -1 now and then
                assertTrue(List.of("0", "-1").contains(m.get("zk_outstanding_requests")), m.get("zk_outstanding_requests"));
            }
            assertEquals("1", m.get("zk_global_sessions"));
            // data watch /a + exist watch /missing (dataWatches) + child watch / (childWatches)
            assertEquals("3", m.get("zk_watch_count"));
            assertTrue(m.get("zk_version").startsWith("3.9."), m.get("zk_version"));
        }
    }

    // ------------------------------------------------------------------------- conf / envi

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void confKeysValuesAndOrder(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest s = start(kind, Map.of())) {
            Map<String, String> conf = new LinkedHashMap<>();
            for (String line : lines(word(s, "conf"))) {
                int eq = line.indexOf('=');
                assertTrue(eq > 0, "key=value: " + line);
                conf.put(line.substring(0, eq), line.substring(eq + 1));
            }
            assertAll(
                    () -> assertEquals(Integer.toString(port(s)), conf.get("clientPort"), "the port actually bound"),
                    () -> assertEquals("200", conf.get("tickTime")),
                    () -> assertEquals("60", conf.get("maxClientCnxns")),
                    () -> assertEquals("400", conf.get("minSessionTimeout")),
                    () -> assertEquals("60000", conf.get("maxSessionTimeout")),
                    () -> assertEquals(List.of("clientPort", "secureClientPort", "dataDir", "dataDirSize", "dataLogDir", "dataLogSize",
                    "tickTime", "maxClientCnxns", "minSessionTimeout", "maxSessionTimeout", "clientPortListenBacklog",
                    "serverId"), new ArrayList<>(conf.keySet()), "standalone conf keys in ZooKeeper's order"));
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void enviStartsWithEnvironment(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest s = start(kind, Map.of())) {
            String text = word(s, "envi");
            assertTrue(text.startsWith("Environment:\n"), text);
            List<String> keys = new ArrayList<>();
            for (String line : lines(text).subList(1, lines(text).size())) {
                int eq = line.indexOf('=');
                assertTrue(eq > 0, "key=value: " + line);
                keys.add(line.substring(0, eq));
            }
            assertEquals(List.of("zookeeper.version", "host.name", "java.version", "java.vendor", "java.home",
                    "java.class.path", "java.library.path", "java.io.tmpdir", "java.compiler", "os.name", "os.arch",
                    "os.version", "user.name", "user.home", "user.dir", "os.memory.free", "os.memory.max",
                    "os.memory.total"), keys);
            assertTrue(text.contains("\njava.version=" + System.getProperty("java.version") + "\n"));
            assertTrue(Pattern.compile("\nos\\.memory\\.free=\\d+MB\n").matcher(text).find(), text);
        }
    }

    // ------------------------------------------------------------------------- watches, dump, cons

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void watchWordsFormats(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest s = start(kind, Map.of())) {
            String freshWchs = word(s, "wchs");
            String freshWchc = word(s, "wchc");
            try (Busy b = busy(s)) {
                String wchs = word(s, "wchs");
                List<String> wchc = lines(word(s, "wchc"));
                List<String> wchp = lines(word(s, "wchp"));
                String sid = "0x" + b.hexSid();
                assertAll(
                        () -> assertEquals("0 connections watching 0 paths\nTotal watches:0\n", freshWchs),
                        () -> assertEquals("\n", freshWchc, "no watches: just the final blank line"),
                        // wchs summarises data watches (data + exist); the child watch on / is not counted
                        () -> assertEquals("1 connections watching 2 paths\nTotal watches:2\n", wchs),
                        () -> assertEquals(List.of(sid, "\t/a", "\t/missing", ""), sorted(wchc, 1, 3),
                                "wchc: session, its data-watch paths, final blank line"),
                        () -> assertEquals(List.of("/a", "\t" + sid, "/missing", "\t" + sid, ""), sortedPairs(wchp),
                                "wchp: each data-watch path with its session, final blank line"));
            }
        }
    }

    /** The list with the range [from, to) sorted (set-ordered parts of an output). */
    private static List<String> sorted(List<String> l, int from, int to) {
        List<String> copy = new ArrayList<>(l);
        if (to <= copy.size()) {
            copy.subList(from, to).sort(null);
        }
        return copy;
    }

    /** wchp output with its (path, session) pairs sorted by path, trailing lines kept in place. */
    private static List<String> sortedPairs(List<String> l) {
        List<List<String>> pairs = new ArrayList<>();
        int i = 0;
        while (i + 1 < l.size() && !l.get(i).isEmpty() && l.get(i + 1).startsWith("\t")) {
            pairs.add(List.of(l.get(i), l.get(i + 1)));
            i += 2;
        }
        pairs.sort((x, y) -> x.get(0).compareTo(y.get(0)));
        List<String> out = new ArrayList<>();
        pairs.forEach(out::addAll);
        out.addAll(l.subList(i, l.size()));
        return out;
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void dumpFormat(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest s = start(kind, Map.of()); Busy b = busy(s); RawClient me = RawClient.open(s.connectString())) {
            List<String> l = lines(me.fourLetterWord("dump"));
            assertEquals("SessionTracker dump:", l.get(0));
            int eph = l.indexOf("ephemeral nodes dump:");
            assertTrue(eph > 1, "ephemeral section: " + l);
            int cnx = l.indexOf("Connections dump:");
            assertTrue(cnx > eph, "connections section: " + l);
            assertAll(
                    () -> {
                        Matcher sets = Pattern.compile("Session Sets \\((\\d+)\\)/\\((\\d+)\\):").matcher(l.get(1));
                        assertTrue(sets.matches(), l.get(1));
                        assertEquals("1", sets.group(2), "one live session");
                        List<String> buckets = l.subList(2, eph);
                        for (String line : buckets) {
                            assertTrue(line.matches("\\d+ expire at .+:") || line.matches("\t0x[0-9a-f]+"),
                                    "session bucket line '" + line + "'");
                        }
                        assertTrue(buckets.contains("\t0x" + b.hexSid()), "the session under its bucket: " + buckets);
                        assertEquals(Integer.parseInt(sets.group(1)), buckets.stream().filter(x -> !x.startsWith("\t")).count());
                    },
                    () -> assertEquals(List.of("Sessions with Ephemerals (1):", "0x" + b.hexSid() + ":", "\t/eph"),
                            l.subList(eph + 1, cnx)),
                    () -> {
                        Matcher cs = Pattern.compile("Connections Sets \\((\\d+)\\)/\\((\\d+)\\):").matcher(l.get(cnx + 1));
                        assertTrue(cs.matches(), "'" + l.get(cnx + 1) + "'");
                        assertEquals("2", cs.group(2), "the session's connection and this one");
                        List<String> conns = l.subList(cnx + 2, l.size());
                        for (String line : conns) {
                            assertTrue(line.matches("\\d+ expire at .+:")
                                    || line.matches("\tip: /127\\.0\\.0\\.1:\\d+ sessionId: 0x[0-9a-f]+"),
                                    "connection line '" + line + "'");
                        }
                        assertTrue(conns.contains("\tip: /127.0.0.1:" + b.port() + " sessionId: 0x" + b.hexSid()), conns.toString());
                        assertTrue(conns.contains("\tip: /127.0.0.1:" + me.localPort() + " sessionId: 0x0"), conns.toString());
                    });
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void consFormat(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest s = start(kind, Map.of()); Busy b = busy(s); RawClient me = RawClient.open(s.connectString())) {
            List<String> l = lines(me.fourLetterWord("cons"));
            assertEquals(3, l.size(), "two connections and a final blank line: " + l);
            assertEquals("", l.get(2));
            String session = l.stream().filter(x -> x.startsWith(" /127.0.0.1:" + b.port() + "[")).findFirst()
                    .orElseThrow(() -> new AssertionError("no line for the session's connection: " + l));
            Pattern full = Pattern.compile(" /127\\.0\\.0\\.1:\\d+\\[[0-9a-f]+\\]\\(queued=\\d+,recved=(\\d+),sent=(\\d+),"
                    + "sid=0x([0-9a-f]+),lop=([A-Z0-9]+),est=(\\d+),to=(\\d+)(,lcxid=0x[0-9a-f]+)?,lzxid=0x([0-9a-f]+),"
                    + "lresp=(\\d+),llat=(\\d+),minlat=(\\d+),avglat=(\\d+),maxlat=(\\d+)\\)");
            Matcher m = full.matcher(session);
            assertTrue(m.matches(), "full connection line: '" + session + "'");
            assertAll(
                    () -> assertTrue(l.contains(" /127.0.0.1:" + me.localPort() + "[0](queued=0,recved=1,sent=0)"),
                            "the cons connection itself: " + l),
                    () -> assertEquals(b.hexSid(), m.group(3)),
                    () -> assertEquals("GETC", m.group(4), "last op was getChildren"),
                    () -> assertTrue(Long.parseLong(m.group(5)) > 1_000_000_000_000L, "est is wall-clock ms"),
                    () -> assertEquals("30000", m.group(6)),
                    () -> assertEquals(",lcxid=0x" + Integer.toHexString(b.lastXid()), m.group(7), "last cxid"),
                    () -> assertEquals(Long.toHexString(b.lastZxid()), m.group(8)),
                    () -> assertTrue(Long.parseLong(m.group(9)) > 0, "lresp is the time of the last response"),
                    () -> assertEquals("7", m.group(1), "connect + 6 requests received"),
                    () -> assertTrue(Set.of("6", "7").contains(m.group(2)),
                            "connect response + 6 replies sent (the count may lag the last write): " + m.group(2)));
        }
    }

    // ------------------------------------------------------------------------- whitelist

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void wordsOutsideTheWhitelistAreRefused(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest s = start(kind, Map.of("4lw.commands.whitelist", "srvr"))) {
            for (String w : List.of("ruok", "mntr", "stat", "conf", "isro", "envi", "wchs")) {
                try (RawClient c = RawClient.open(s.connectString())) {
                    assertEquals(w + " is not executed because it is not in the whitelist.\n", c.fourLetterWord(w));
                    assertEquals(0, c.readUntilClosed());
                }
            }
            assertTrue(word(s, "srvr").startsWith("Zookeeper version: "), "srvr is always enabled");
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void whitelistListsWordsWithSpaces(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest s = start(kind, Map.of("4lw.commands.whitelist", "ruok, conf"))) {
            assertEquals("imok", word(s, "ruok"));
            assertTrue(word(s, "conf").startsWith("clientPort="));
            assertTrue(word(s, "srvr").startsWith("Zookeeper version: "));
            assertEquals("mntr is not executed because it is not in the whitelist.\n", word(s, "mntr"));
        }
    }
}
