package io.paddock.coordinator.compat;

import io.paddock.testkit.Clients;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.lang.reflect.Field;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.ZooKeeperMain;
import org.apache.zookeeper.cli.CliCommand;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The stock command line client ({@link ZooKeeperMain}, what {@code zkCli.sh} runs) against both
 * servers: one CLI session per {@link Shell}, commands fed one line at a time through
 * {@code executeLine}. Every command's stdout, stderr and exit code is captured and asserted exactly
 * as ZooKeeper prints them; values that legitimately differ between runs (zxids, times, session ids)
 * are taken from the stock API client, so the expected text is still exact.
 */
class ZkCliTest {

    @TempDir
    Path dir;

    private ServerUnderTest start(ServerUnderTest.Kind kind) throws Exception {
        return kind.start(dir.resolve(kind.name()), ServerUnderTest.defaults(Map.of()));
    }

    // ---------------------------------------------------------------- scenarios

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void createGetSetStat(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind);
                Shell cli = Shell.open(server.connectString());
                ZooKeeper zk = Clients.connect(server.connectString())) {
            // zkCli reports creations on stderr
            cli.expect("create -e /x data", "", "Created /x\n", 0);
            cli.expect("get /x", "data\n");

            Stat x = zk.exists("/x", false);
            assertEquals(cli.sessionId(), x.getEphemeralOwner());
            Out got = cli.run("get -s /x");
            assertEquals(new Out("data\n" + statText(x), "", 0), got);
            assertTrue(got.out.contains("\nephemeralOwner = 0x" + Long.toHexString(cli.sessionId()) + "\n"), got.out);
            assertTrue(got.out.contains("\ndataVersion = 0\n"), got.out);
            assertTrue(got.out.contains("\ndataLength = 4\n"), got.out);
            assertTrue(got.out.contains("\ncZxid = 0x" + Long.toHexString(x.getCzxid()) + "\nctime = "), got.out);

            cli.expect("set /x new", "");
            cli.expect("get /x", "new\n");
            Stat afterSet = zk.exists("/x", false);
            assertEquals(1, afterSet.getVersion());
            Out stat = cli.run("stat /x");
            assertEquals(new Out(statText(afterSet), "", 0), stat);
            assertTrue(stat.out.contains("\ndataVersion = 1\n"), stat.out);
            assertTrue(stat.out.contains("\ndataLength = 3\n"), stat.out);

            Out setS = cli.run("set -s /x newer");
            Stat afterSet2 = zk.exists("/x", false);
            assertEquals(2, afterSet2.getVersion());
            assertEquals(new Out(statText(afterSet2), "", 0), setS);

            // a versioned set with the wrong version fails with BadVersion, the right one succeeds
            cli.expect("set -v 1 /x stale", "", "version No is not valid : /x\n", 1);
            cli.expect("set -v 2 /x fresh", "");
            cli.expect("get /x", "fresh\n");

            // a persistent node without data: ephemeralOwner 0, data printed as "null"
            cli.expect("create /p", "", "Created /p\n", 0);
            Stat p = zk.exists("/p", false);
            Out ps = cli.run("stat /p");
            assertEquals(new Out(statText(p), "", 0), ps);
            assertTrue(ps.out.contains("\nephemeralOwner = 0x0\n"), ps.out);
            cli.expect("get /p", "null\n");
            // watch flags print the same and leave nothing behind in the output
            cli.expect("ls -w /p", "[]\n");
            cli.expect("get -w /p", "null\n");
            assertEquals(new Out(statText(p), "", 0), cli.run("stat -w /p"));
            cli.expect("removewatches /p", "");
            cli.expect("removewatches /p -d", "", "KeeperErrorCode = No such watcher for /p\n", 1);
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void sequentialContainerAndTtlCreates(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind);
                Shell cli = Shell.open(server.connectString());
                ZooKeeper zk = Clients.connect(server.connectString())) {
            cli.expect("create /s", "", "Created /s\n", 0);
            cli.expect("create -s /s/seq- d", "", "Created /s/seq-0000000000\n", 0);
            cli.expect("create -s /s/seq- d", "", "Created /s/seq-0000000001\n", 0);
            cli.expect("create -s -e /s/eseq- d", "", "Created /s/eseq-0000000002\n", 0);
            cli.expect("create -s /s/ps-", "", "Created /s/ps-0000000003\n", 0);
            cli.expect("ls /s", "[eseq-0000000002, ps-0000000003, seq-0000000000, seq-0000000001]\n");

            // containers and TTL nodes: the stat clients see has ephemeralOwner 0
            cli.expect("create -c /cont", "", "Created /cont\n", 0);
            Out cont = cli.run("stat /cont");
            assertEquals(new Out(statText(zk.exists("/cont", false)), "", 0), cont);
            assertTrue(cont.out.contains("\nephemeralOwner = 0x0\n"), cont.out);
            cli.expect("create -t 600000 /ttl x", "", "Created /ttl\n", 0);
            Out ttl = cli.run("stat /ttl");
            assertEquals(new Out(statText(zk.exists("/ttl", false)), "", 0), ttl);
            assertTrue(ttl.out.contains("\nephemeralOwner = 0x0\n"), ttl.out);
            assertTrue(ttl.out.contains("\ndataLength = 1\n"), ttl.out);
            cli.expect("create -t 0 /ttl0", "", "ttl must be positive and cannot be larger than: 1099511627775\n", 1);

            cli.expect("getEphemerals /s", "[/s/eseq-0000000002]\n");
            cli.expect("getEphemerals /cont", "[]\n");
            cli.expect("getEphemerals /nope", "[]\n");
            cli.expect("create -e /e2 v", "", "Created /e2\n", 0);
            // the order of getEphemerals is unspecified (ZooKeeper's comes from a hash set): compare as sets
            Out all = cli.run("getEphemerals");
            assertEquals("", all.err);
            assertTrue(all.out.startsWith("[") && all.out.endsWith("]\n"), all.out);
            assertEquals(Set.of("/e2", "/s/eseq-0000000002"),
                    Set.of(all.out.substring(1, all.out.length() - 2).split(", ")));
            // the root as a sequential parent: its counter has seen /s, /cont, /ttl and /e2
            // (the root's client-visible cversion starts at -1, so it now reads 3)
            assertEquals(3, zk.exists("/", false).getCversion());
            cli.expect("create -s /", "", "Created /0000000004\n", 0);
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void listAndDeleteTrees(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind);
                Shell cli = Shell.open(server.connectString());
                ZooKeeper zk = Clients.connect(server.connectString())) {
            cli.expect("create /tree", "", "Created /tree\n", 0);
            cli.expect("create /tree/b", "", "Created /tree/b\n", 0);
            cli.expect("create /tree/a", "", "Created /tree/a\n", 0);
            cli.expect("create /tree/a/y", "", "Created /tree/a/y\n", 0);
            cli.expect("create /tree/a/x", "", "Created /tree/a/x\n", 0);
            cli.expect("create /x data", "", "Created /x\n", 0);

            cli.expect("ls /", "[tree, x, zookeeper]\n");
            cli.expect("ls /tree", "[a, b]\n");
            cli.expect("ls /tree/b", "[]\n");
            // ls -R: each level's children sorted, siblings before grandchildren
            cli.expect("ls -R /tree", "/tree\n/tree/a\n/tree/b\n/tree/a/x\n/tree/a/y\n");
            cli.expect("ls -R /",
                    "/\n/tree\n/x\n/zookeeper\n/tree/a\n/tree/b\n/tree/a/x\n/tree/a/y\n"
                            + "/zookeeper/config\n/zookeeper/quota\n");
            Out ls2 = cli.run("ls -s /tree");
            assertEquals(new Out("[a, b]\n" + statText(zk.exists("/tree", false)), "", 0), ls2);
            assertTrue(ls2.out.contains("\nnumChildren = 2\n"), ls2.out);
            assertTrue(ls2.out.contains("\ncversion = 2\n"), ls2.out);
            cli.expect("getAllChildrenNumber /tree", "4\n");
            cli.expect("getAllChildrenNumber /tree/b", "0\n");
            // /tree + 4 below it, /x, /zookeeper + config + quota
            cli.expect("getAllChildrenNumber /", "9\n");

            cli.expect("delete /tree", "", "Node not empty: /tree\n", 1);
            cli.expect("delete /tree/b", "");
            cli.expect("deleteall /tree", "");
            assertNull(zk.exists("/tree", false));
            cli.expect("ls -R /", "/\n/x\n/zookeeper\n/zookeeper/config\n/zookeeper/quota\n");
            cli.expect("stat /tree", "", "Node does not exist: /tree\n", 1);
            cli.expect("deleteall /tree", "", "Node does not exist: /tree\n", 1);
            cli.expect("ls -s /missing", "", "Node does not exist: /missing\n", 1);
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void aclCommands(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind);
                Shell cli = Shell.open(server.connectString());
                ZooKeeper zk = Clients.connect(server.connectString())) {
            cli.expect("create -e /x data", "", "Created /x\n", 0);
            cli.expect("getAcl /x", "'world,'anyone\n: cdrwa\n");
            cli.expect("setAcl /x world:anyone:r", "");
            cli.expect("getAcl /x", "'world,'anyone\n: r\n");
            Stat x = zk.exists("/x", false);
            assertEquals(1, x.getAversion());
            Out withStat = cli.run("getAcl -s /x");
            assertEquals(new Out("'world,'anyone\n: r\n" + statText(x), "", 0), withStat);
            assertTrue(withStat.out.contains("\naclVersion = 1\n"), withStat.out);
            cli.expect("get /x", "data\n");
            cli.expect("set /x other", "", "Insufficient permission : /x\n", 1);
            cli.expect("setAcl /x world:anyone:cdrwa", "", "Insufficient permission : /x\n", 1);

            // setAcl -v with a stale aclVersion fails
            cli.expect("create /y", "", "Created /y\n", 0);
            cli.expect("setAcl -v 3 /y world:anyone:rw", "", "version No is not valid : /y\n", 1);
            cli.expect("setAcl -v 0 /y world:anyone:rw", "");
            cli.expect("getAcl /y", "'world,'anyone\n: rw\n");

            // digest auth: addauth then create with the auth scheme; other sessions are refused,
            // reading the ACL included (READ or ADMIN is needed for getAcl)
            String digest = DigestAuthenticationProvider.generateDigest("alice:secret");
            cli.expect("addauth digest alice:secret", "");
            cli.expect("create /d secretdata auth::cdrwa", "", "Created /d\n", 0);
            cli.expect("getAcl /d", "'digest,'" + digest + "\n: cdrwa\n");
            cli.expect("get /d", "secretdata\n");
            try (Shell other = Shell.open(server.connectString())) {
                other.expect("get /d", "", "Insufficient permission : /d\n", 1);
                other.expect("getAcl /d", "", "Insufficient permission : /d\n", 1);
                other.expect("addauth digest alice:wrong", "");
                other.expect("get /d", "", "Insufficient permission : /d\n", 1);
                other.expect("addauth digest alice:secret", "");
                other.expect("get /d", "secretdata\n");
            }
            cli.expect("setAcl /d digest:" + digest + ":r,world:anyone:c", "");
            // without ADMIN on the node, getAcl masks digest hashes as "x"
            cli.expect("getAcl /d", "'digest,'alice:x\n: r\n'world,'anyone\n: c\n");
            // the server keeps a connection's identities in a hash set: their order is unspecified
            Out who = cli.run("whoami");
            assertEquals(new Out(who.out, "", 0), who);
            List<String> lines = List.of(who.out.split("\n"));
            assertEquals("Auth scheme: User", lines.get(0), who.out);
            assertEquals(Set.of("ip: 127.0.0.1", "digest: alice"), Set.copyOf(lines.subList(1, lines.size())));
            assertEquals(3, lines.size(), who.out);
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void systemNodes(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind); Shell cli = Shell.open(server.connectString())) {
            String epoch = new Date(0).toString();
            String zeros = "cZxid = 0x0\nctime = " + epoch + "\nmZxid = 0x0\nmtime = " + epoch + "\npZxid = 0x0\n";
            cli.expect("stat /", zeros + "cversion = -1\ndataVersion = 0\naclVersion = 0\nephemeralOwner = 0x0\n"
                    + "dataLength = 0\nnumChildren = 1\n");
            cli.expect("stat /zookeeper", zeros + "cversion = -2\ndataVersion = 0\naclVersion = 0\n"
                    + "ephemeralOwner = 0x0\ndataLength = 0\nnumChildren = 2\n");
            cli.expect("stat /zookeeper/config", zeros + "cversion = 0\ndataVersion = 0\naclVersion = -1\n"
                    + "ephemeralOwner = 0x0\ndataLength = 0\nnumChildren = 0\n");
            cli.expect("getAcl /", "'world,'anyone\n: cdrwa\n");
            cli.expect("getAcl /zookeeper", "'world,'anyone\n: cdrwa\n");
            cli.expect("getAcl /zookeeper/config", "'world,'anyone\n: r\n");
            cli.expect("getAcl /zookeeper/quota", "'world,'anyone\n: cdrwa\n");
            cli.expect("ls /zookeeper", "[config, quota]\n");
            cli.expect("get /zookeeper/config", "\n");
            cli.expect("get /zookeeper/quota", "\n");
            cli.expect("config", "\n");
            cli.expect("whoami", "Auth scheme: User\nip: 127.0.0.1\n");
        }
    }

    /** setquota/listquota: the server keeps zookeeper_stats ("count=..,bytes=..") up to date. */
    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void quotaUsageIsTracked(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind); Shell cli = Shell.open(server.connectString())) {
            String limits = "absolute path is /zookeeper/quota/q/zookeeper_limits\n";
            cli.expect("create /q", "", "Created /q\n", 0);
            cli.expect("create /q/a abc", "", "Created /q/a\n", 0);
            cli.expect("setquota -n 5 /q", "");
            cli.expect("ls -R /zookeeper/quota",
                    "/zookeeper/quota\n/zookeeper/quota/q\n/zookeeper/quota/q/zookeeper_limits\n"
                            + "/zookeeper/quota/q/zookeeper_stats\n");
            cli.expect("get /zookeeper/quota/q/zookeeper_limits", "count=5,bytes=-1=;byteHardLimit=-1;countHardLimit=-1\n");
            // the stats count the quota root itself and everything below it
            cli.expect("listquota /q", "Output quota for /q count=5,bytes=-1=;byteHardLimit=-1;countHardLimit=-1\n"
                    + "Output stat for /q count=2,bytes=3\n", limits, 0);
            cli.expect("create /q/b defg", "", "Created /q/b\n", 0);
            cli.expect("create /q/a/c", "", "Created /q/a/c\n", 0);
            cli.expect("get /zookeeper/quota/q/zookeeper_stats", "count=4,bytes=7\n");
            cli.expect("set /q/a abcdef", "");
            cli.expect("get /zookeeper/quota/q/zookeeper_stats", "count=4,bytes=10\n");
            cli.expect("delete /q/b", "");
            cli.expect("listquota /q", "Output quota for /q count=5,bytes=-1=;byteHardLimit=-1;countHardLimit=-1\n"
                    + "Output stat for /q count=3,bytes=6\n", limits, 0);
            cli.expect("setquota -N 3 /q/a", "", "/q/a has a parent /q which has a quota\n", 1);
            cli.expect("setquota -n 2 /missing", "", "/missing does not exist.\n", 1);
            cli.expect("delquota /q", "");
            cli.expect("listquota /q", "", limits + "quota for /q does not exist.\n", 0);
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void errorsAndMiscCommands(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind); Shell cli = Shell.open(server.connectString())) {
            cli.expect("create /x data", "", "Created /x\n", 0);
            cli.expect("create /x again", "", "Node already exists: /x\n", 1);
            cli.expect("get /missing", "", "Node does not exist: /missing\n", 1);
            cli.expect("stat /missing", "", "Node does not exist: /missing\n", 1);
            cli.expect("delete /missing", "", "Node does not exist: /missing\n", 1);
            cli.expect("getAcl /missing", "", "Node does not exist: /missing\n", 1);
            cli.expect("setAcl /missing world:anyone:r", "", "Node does not exist: /missing\n", 1);
            cli.expect("set /missing x", "", "Node does not exist: /missing\n", 1);
            cli.expect("create /no/parent", "", "Node does not exist: /no/parent\n", 1);
            cli.expect("create noslash", "", "Path must start with / character\n", 1);
            cli.expect("create -e /x/child", "", "Created /x/child\n", 0);
            cli.expect("create /x/child/under", "", "Ephemerals cannot have children: /x/child/under\n", 1);
            cli.expect("delete -v 5 /x/child", "", "version No is not valid : /x/child\n", 1);
            cli.expect("delete -v 0 /x/child", "");
            cli.expect("removewatches /missing", "", "KeeperErrorCode = No such watcher for /missing\n", 1);
            cli.expect("sync /", "Sync is OK\n");
            cli.expect("sync /missing", "Sync is OK\n");
        }
    }

    /**
     * The same script on both servers in one go: the transcripts (stdout, stderr and exit codes of
     * every command) must be identical once zxids, times and the session id are masked.
     */
    @Test
    void transcriptsAreIdenticalOnBothServers() throws Exception {
        List<String> script = List.of(
                "create -e /x data", "create /s", "create -s /s/seq- d", "create -s /s/seq- d",
                "get -s /x", "set /x new", "stat /x", "set -s /x newer", "create /tree", "create /tree/a",
                "create /tree/a/b v", "create /tree/c", "ls -R /", "ls -s /tree", "getAllChildrenNumber /",
                "getEphemerals /s", "delete /tree", "deleteall /tree", "ls /", "getAcl /x",
                "setAcl /x world:anyone:r", "getAcl -s /x", "set /x nope", "get /missing", "create /x",
                "create -c /c", "stat /c", "create -t 600000 /t", "stat /t", "sync /s", "ls -w /s",
                "get -w /x", "stat -w /s", "removewatches /s", "removewatches /x -d", "stat /",
                "stat /zookeeper", "stat /zookeeper/config", "getAcl /zookeeper/config", "config",
                "create -s /", "whoami", "addauth digest u:p", "create /a x auth::crwa", "getAcl -s /a");
        String zookeeper;
        String paddock;
        try (ServerUnderTest server = ServerUnderTest.Kind.ZOOKEEPER.start(dir.resolve("z"), ServerUnderTest.defaults(Map.of()))) {
            zookeeper = transcript(server, script);
        }
        try (ServerUnderTest server = ServerUnderTest.Kind.PADDOCK.start(dir.resolve("p"), ServerUnderTest.defaults(Map.of()))) {
            paddock = transcript(server, script);
        }
        assertEquals(zookeeper, paddock);
    }

    private static String transcript(ServerUnderTest server, List<String> script) throws Exception {
        StringBuilder sb = new StringBuilder();
        try (Shell cli = Shell.open(server.connectString())) {
            String session = "0x" + Long.toHexString(cli.sessionId());
            for (String line : script) {
                Out o = cli.run(line);
                sb.append("> ").append(line).append('\n');
                for (String l : (o.out + o.err).split("\n", -1)) {
                    if (l.matches("[cmp]Zxid = 0x[0-9a-f]+")) {
                        l = l.substring(0, 8) + "<zxid>";
                    } else if (l.startsWith("ctime = ") || l.startsWith("mtime = ")) {
                        l = l.substring(0, 8) + "<time>";
                    } else if (l.equals("ephemeralOwner = " + session)) {
                        l = "ephemeralOwner = <session>";
                    }
                    sb.append(l).append('\n');
                }
                sb.append("exit=").append(o.exit).append('\n');
            }
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- helpers

    /** What StatPrinter prints for a stat, built independently from the API client's Stat. */
    private static String statText(Stat s) {
        assertNotNull(s, "node is missing");
        return "cZxid = 0x" + Long.toHexString(s.getCzxid()) + "\n"
                + "ctime = " + new Date(s.getCtime()) + "\n"
                + "mZxid = 0x" + Long.toHexString(s.getMzxid()) + "\n"
                + "mtime = " + new Date(s.getMtime()) + "\n"
                + "pZxid = 0x" + Long.toHexString(s.getPzxid()) + "\n"
                + "cversion = " + s.getCversion() + "\n"
                + "dataVersion = " + s.getVersion() + "\n"
                + "aclVersion = " + s.getAversion() + "\n"
                + "ephemeralOwner = 0x" + Long.toHexString(s.getEphemeralOwner()) + "\n"
                + "dataLength = " + s.getDataLength() + "\n"
                + "numChildren = " + s.getNumChildren() + "\n";
    }

    /** One command's captured stdout, stderr and the CLI's exit code after it. */
    record Out(String out, String err, int exit) {}

    /** Passes writes from the creating thread to a buffer and any other thread's to the real stream. */
    private static final class ThreadTee extends OutputStream {
        private final Thread owner = Thread.currentThread();
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private final PrintStream fallback;

        ThreadTee(PrintStream fallback) {
            this.fallback = fallback;
        }

        @Override
        public void write(int b) {
            if (Thread.currentThread() == owner) {
                synchronized (buffer) {
                    buffer.write(b);
                }
            } else {
                fallback.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (Thread.currentThread() == owner) {
                synchronized (buffer) {
                    buffer.write(b, off, len);
                }
            } else {
                fallback.write(b, off, len);
            }
        }

        String text() {
            synchronized (buffer) {
                return buffer.toString(StandardCharsets.UTF_8);
            }
        }
    }

    /**
     * One zkCli session. {@code ZooKeeperMain} needs commons-cli, which ZooKeeper declares
     * {@code provided}, so the CLI runs in a child JVM whose class path is this one's plus commons-cli;
     * the child ({@link ChildMain}) executes one line per request and answers with what the line
     * printed. Every wait on the child is bounded.
     */
    static final class Shell implements AutoCloseable {
        private static final String PREFIX = "@@zkcli ";
        private final Process process;
        private final Writer toChild;
        private final LinkedBlockingQueue<String> replies = new LinkedBlockingQueue<>();
        private final Thread reader;
        private final long sessionId;

        static Shell open(String connectString) throws Exception {
            return new Shell(connectString);
        }

        private Shell(String connectString) throws Exception {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ProcessBuilder pb = new ProcessBuilder(java, "-Xmx128m", "-XX:TieredStopAtLevel=1",
                    "-Dlog4j.configuration=log4j-silent.properties", "-cp", childClasspath(),
                    ChildMain.class.getName(), connectString);
            pb.redirectError(ProcessBuilder.Redirect.INHERIT);
            process = pb.start();
            toChild = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String l;
                    while ((l = r.readLine()) != null) {
                        if (l.startsWith(PREFIX)) {
                            replies.add(l.substring(PREFIX.length()));
                        }
                    }
                } catch (IOException ignored) {
                    // the child went away; take() reports it
                }
                replies.add("EOF");
            }, "zkcli-reader");
            reader.setDaemon(true);
            reader.start();
            String hello;
            try {
                hello = take();
            } catch (Throwable t) {
                close();
                throw t;
            }
            assertTrue(hello.startsWith("session "), hello);
            sessionId = Long.parseUnsignedLong(hello.substring("session ".length()), 16);
        }

        private String take() throws InterruptedException {
            String r = replies.poll(2L * Clients.TIMEOUT_S, TimeUnit.SECONDS);
            assertNotNull(r, "zkCli child did not answer in time");
            assertNotEquals("EOF", r, "zkCli child exited");
            return r;
        }

        long sessionId() {
            return sessionId;
        }

        Out run(String line) throws Exception {
            toChild.write(line + "\n");
            toChild.flush();
            String[] f = take().split(" ", -1);
            assertEquals(4, f.length, String.join(" ", f));
            assertEquals("out", f[0]);
            Base64.Decoder d = Base64.getDecoder();
            return new Out(new String(d.decode(f[1]), StandardCharsets.UTF_8),
                    new String(d.decode(f[2]), StandardCharsets.UTF_8), Integer.parseInt(f[3]));
        }

        void expect(String line, String stdout) throws Exception {
            expect(line, stdout, "", 0);
        }

        void expect(String line, String stdout, String stderr, int exit) throws Exception {
            assertEquals(new Out(stdout, stderr, exit), run(line), "zkCli: " + line);
        }

        @Override
        public void close() throws Exception {
            try {
                toChild.close(); // end of input: the child closes its session and exits
            } catch (IOException ignored) {
                // already gone
            }
            if (!process.waitFor(2L * Clients.TIMEOUT_S, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(Clients.TIMEOUT_S, TimeUnit.SECONDS);
            }
            reader.join(TimeUnit.SECONDS.toMillis(Clients.TIMEOUT_S));
        }

        /** This JVM's class path (plain or behind a launcher's URL class loader) plus commons-cli. */
        private static String childClasspath() throws Exception {
            Set<String> entries = new LinkedHashSet<>();
            for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
                if (!e.isEmpty()) {
                    entries.add(e);
                }
            }
            for (ClassLoader cl = ZkCliTest.class.getClassLoader(); cl != null; cl = cl.getParent()) {
                if (cl instanceof URLClassLoader u) {
                    for (URL url : u.getURLs()) {
                        if ("file".equals(url.getProtocol())) {
                            entries.add(Path.of(url.toURI()).toString());
                        }
                    }
                }
            }
            for (Class<?> c : new Class<?>[] {ZkCliTest.class, ZooKeeper.class, org.apache.jute.Record.class,
                    org.slf4j.LoggerFactory.class}) {
                entries.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
            }
            // commons-cli is 'provided' in ZooKeeper's pom; this project declares it as a test dependency
            Class<?> parser = Class.forName("org.apache.commons.cli.DefaultParser");
            entries.add(Path.of(parser.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
            return String.join(File.pathSeparator, entries);
        }

    }

    /** The child JVM: one zkCli session, one command line per input line, one encoded answer per line. */
    public static final class ChildMain {
        public static void main(String[] args) throws Exception {
            PrintStream proto = System.out;
            // nothing but answers may reach the parent through stdout ("Connecting to ..." included)
            System.setOut(new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8));
            Base64.Encoder b64 = Base64.getEncoder();
            try (Cli cli = new Cli(args[0])) {
                proto.println(Shell.PREFIX + "session " + Long.toHexString(cli.sessionId()));
                proto.flush();
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                String line;
                while ((line = in.readLine()) != null) {
                    Out o;
                    try {
                        o = cli.run(line);
                    } catch (Exception e) {
                        o = new Out("", "child threw " + e + "\n", -1);
                    }
                    proto.println(Shell.PREFIX + "out " + b64.encodeToString(o.out.getBytes(StandardCharsets.UTF_8))
                            + " " + b64.encodeToString(o.err.getBytes(StandardCharsets.UTF_8)) + " " + o.exit);
                    proto.flush();
                }
            }
            System.exit(0);
        }
    }

    /** zkCli (in the child JVM): {@code ZooKeeperMain -server cs}, then one {@code executeLine} per command. */
    static final class Cli extends ZooKeeperMain implements AutoCloseable {
        Cli(String connectString) throws IOException, InterruptedException {
            super(new String[] {"-server", connectString, "-timeout", "30000"});
            CountDownLatch connected = new CountDownLatch(1);
            // replaces the CLI's printing watcher, so no asynchronous WATCHER:: lines mix into captures
            zk.register(e -> {
                if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                    connected.countDown();
                }
            });
            if (zk.getState().isConnected()) {
                connected.countDown();
            }
            if (!connected.await(Clients.TIMEOUT_S, TimeUnit.SECONDS)) {
                zk.close();
                throw new IOException("zkCli could not connect to " + connectString);
            }
        }

        long sessionId() {
            return zk.getSessionId();
        }

        @SuppressWarnings("unchecked")
        private static Map<String, CliCommand> commands() throws ReflectiveOperationException {
            Field f = ZooKeeperMain.class.getDeclaredField("commandMapCli");
            f.setAccessible(true);
            return (Map<String, CliCommand>) f.get(null);
        }

        /** Runs one command line, capturing what it prints. */
        Out run(String line) throws Exception {
            PrintStream oldOut = System.out;
            PrintStream oldErr = System.err;
            ThreadTee out = new ThreadTee(oldOut);
            ThreadTee err = new ThreadTee(oldErr);
            PrintStream pOut = new PrintStream(out, true, StandardCharsets.UTF_8);
            PrintStream pErr = new PrintStream(err, true, StandardCharsets.UTF_8);
            // the commands are static singletons that captured System.out/err when the class loaded
            List<CliCommand> cmds = new ArrayList<>(commands().values());
            try {
                System.setOut(pOut);
                System.setErr(pErr);
                for (CliCommand c : cmds) {
                    c.setOut(pOut);
                    c.setErr(pErr);
                }
                executeLine(line);
            } finally {
                System.setOut(oldOut);
                System.setErr(oldErr);
                for (CliCommand c : cmds) {
                    c.setOut(oldOut);
                    c.setErr(oldErr);
                }
            }
            pOut.flush();
            pErr.flush();
            return new Out(out.text(), err.text(), exitCode);
        }

        @Override
        public void close() throws InterruptedException {
            zk.close();
        }
    }
}
