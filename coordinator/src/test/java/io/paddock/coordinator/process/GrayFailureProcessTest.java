package io.paddock.coordinator.process;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.testkit.Await;
import io.paddock.testkit.Clients;
import io.paddock.testkit.FourLetterWordClient;
import io.paddock.testkit.ProcessEnsemble;
import io.paddock.testkit.RawClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import io.paddock.testkit.ServerProcess;
import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.apache.zookeeper.proto.CreateRequest;
import org.apache.zookeeper.proto.GetDataRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gray failures with real server JVMs: a follower whose disk stalls (the test-only fault-injection
 * key, since fsfreeze needs root and a loop device) stops serving within syncLimit and rejoins when
 * the disk moves again; a session the leader expired cannot be revived through that follower.
 */
class GrayFailureProcessTest {
    private static final Logger LOG = LoggerFactory.getLogger(GrayFailureProcessTest.class);
    private static final int TICK_MS = 200;
    private static final int SYNC_LIMIT = 5;
    private static final Duration SETTLE = Duration.ofSeconds(90);
    // maxSessionTimeout: a client that knows only the stalled follower must outlive its stall
    // (the default cap, 20 ticks = 4 s, would expire it while the follower rejoins)
    private static final List<String> SETTINGS = List.of("tickTime=" + TICK_MS, "initLimit=10",
            "syncLimit=" + SYNC_LIMIT, "snapCount=2000", "maxSessionTimeout=60000");

    @TempDir
    Path dir;

    private ProcessEnsemble ensembleWithStallFiles() throws IOException {
        ProcessEnsemble e = new ProcessEnsemble(dir, 3, 0, SETTINGS);
        for (int id = 1; id <= 3; id++) {
            e.settingsFor(id, List.of("paddock.faultInjection.fsyncStallFile=" + stallFile(id)));
        }
        return e;
    }

    private Path stallFile(int id) {
        return dir.resolve("stall-" + id);
    }

    private static boolean serving(ProcessEnsemble e, int id) {
        return e.peerState(id).endsWith(" - broadcast");
    }

    @Test
    void aFollowerWhoseDiskStallsStopsServingWithinSyncLimitAndRejoins() throws Exception {
        try (ProcessEnsemble ensemble = ensembleWithStallFiles()) {
            ensemble.startAll();
            int leader = ensemble.awaitServing(SETTLE);
            int follower = leader == 1 ? 2 : 1;
            try (ZooKeeper writer = Clients.connect(ensemble.connectString(leader));
                 ZooKeeper reader = Clients.connect(ensemble.connectString(follower))) {
                writer.create("/k", "v1".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                        CreateMode.PERSISTENT);
                reader.sync("/k", (rc, path, ctx) -> { }, null);
                Await.until(Duration.ofSeconds(30), "the follower to see v1",
                        () -> "v1".equals(read(reader, "/k")));

                Files.createFile(stallFile(follower));
                long stalledAt = System.nanoTime();
                // A write makes the follower's log work (and stall); the others carry on.
                writer.setData("/k", "v2".getBytes(StandardCharsets.UTF_8), -1);
                Await.until(Duration.ofSeconds(30), "the stalled follower to stop serving",
                        () -> !serving(ensemble, follower));
                long stoppedMs = (System.nanoTime() - stalledAt) / 1_000_000;
                LOG.info("the follower stopped serving {} ms after its disk stalled (syncLimit {} ms)", stoppedMs,
                        SYNC_LIMIT * TICK_MS);
                assertTrue(stoppedMs < SYNC_LIMIT * TICK_MS + 3_000L, "took " + stoppedMs + " ms");
                // Its client never read v1 again after that: it was disconnected and cannot reconnect there.
                Await.until(Duration.ofSeconds(30), "the follower's client to be disconnected",
                        () -> reader.getState() != ZooKeeper.States.CONNECTED);
                assertFalse(serving(ensemble, follower));
                // Writes go on without it.
                writer.setData("/k", "v3".getBytes(StandardCharsets.UTF_8), -1);

                Files.delete(stallFile(follower));
                Await.until(SETTLE, "the follower to rejoin", () -> serving(ensemble, follower));
                ensemble.awaitSameDigest(SETTLE);
                Await.until(Duration.ofSeconds(60), "the follower's client to read v3 there",
                        () -> "v3".equals(read(reader, "/k")));
            }
        }
    }

    private static String read(ZooKeeper zk, String path) {
        try {
            return new String(zk.getData(path, false, null), StandardCharsets.UTF_8);
        } catch (KeeperException | InterruptedException e) {
            return null;
        }
    }

    /**
     * The two-owner scenario: a client holding an ephemeral lock goes silent, the leader
     * expires its session, a second client takes the lock; the first client's re-attach through a
     * follower whose disk is frozen must not be accepted, and through the leader it is refused.
     */
    @Test
    void aLaggingFollowerCannotReviveAnExpiredSession() throws Exception {
        try (ProcessEnsemble ensemble = ensembleWithStallFiles()) {
            ensemble.startAll();
            int leader = ensemble.awaitServing(SETTLE);
            int follower = leader == 1 ? 2 : 1;
            long sessionId;
            byte[] password;
            int timeoutMs = 4_000;
            try (RawClient owner = RawClient.open(ensemble.connectString(leader))) {
                RawClient.Connected c = owner.connect(0, timeoutMs, 0, new byte[16], false);
                sessionId = c.sessionId();
                password = c.passwd();
                RawClient.Reply created = owner.call(1, 1, new CreateRequest("/lock", new byte[0],
                        ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL.toFlag()));
                assertEquals(0, created.err());
                // the owner now goes silent: no pings
            }
            Files.createFile(stallFile(follower));
            try (ZooKeeper other = Clients.connect(ensemble.connectString(leader))) {
                Await.until(Duration.ofSeconds(60), "the leader to expire the silent session",
                        () -> exists(other, "/lock") == Boolean.FALSE);
                other.create("/lock", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);

                try (RawClient revive = RawClient.open(ensemble.connectString(follower))) {
                    RawClient.Connected c = tryConnect(revive, sessionId, password, timeoutMs);
                    assertFalse(c != null && c.sessionId() == sessionId && c.timeOut() > 0,
                            "the stalled follower accepted an expired session");
                }
                try (RawClient revive = RawClient.open(ensemble.connectString(leader))) {
                    RawClient.Connected c = tryConnect(revive, sessionId, password, timeoutMs);
                    assertNotEquals(null, c, "the leader answers a re-attach");
                    assertEquals(0, c.sessionId(), "expired: session id 0");
                    assertEquals(0, c.timeOut(), "expired: timeout 0");
                    assertArrayEquals(new byte[16], c.passwd());
                }
                assertEquals(Boolean.TRUE, exists(other, "/lock"), "the second owner keeps the lock");
            } finally {
                Files.deleteIfExists(stallFile(follower));
            }
            ensemble.awaitSameDigest(SETTLE);
        }
    }

    private static Boolean exists(ZooKeeper zk, String path) {
        try {
            return zk.exists(path, false) != null;
        } catch (KeeperException | InterruptedException e) {
            return null;
        }
    }

    /** The server's answer to a re-attach, or null when it closes without one. */
    private static RawClient.Connected tryConnect(RawClient c, long sessionId, byte[] password, int timeoutMs) {
        try {
            return c.connect(0, timeoutMs, sessionId, password, false);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * A client that pipelines reads of a 1 MB node and never reads the replies: the server closes
     * it once its unsent replies pass the bound, at once (a graceful close would wait behind the
     * very bytes the client does not read), and keeps serving everyone else.
     */
    @Test
    void aClientThatNeverReadsIsClosedAndOthersAreUnaffected() throws Exception {
        Path cfg = dir.resolve("zoo.cfg");
        Files.writeString(cfg, "tickTime=500\ndataDir=" + dir.resolve("data") + "\nclientPort=0\n"
                + "clientPortAddress=127.0.0.1\n4lw.commands.whitelist=*\n"
                + "paddock.client.maxPendingReplyBytes=1048576\n");
        try (ServerProcess server = ServerProcess.start(cfg, dir.resolve("server.log"));
             ZooKeeper zk = Clients.connect(server.connectString())) {
            zk.create("/big", new byte[1_000_000], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            String[] hp = server.connectString().split(":");
            try (Socket slow = new Socket()) {
                slow.setReceiveBufferSize(4096);
                slow.connect(new InetSocketAddress(hp[0], Integer.parseInt(hp[1])), 10_000);
                slow.setSoTimeout(30_000);
                OutputStream out = slow.getOutputStream();
                out.write(RawClient.frame(RawClient.connectRequest(0, 30_000, 0, new byte[16], false)));
                DataInputStream in = new DataInputStream(slow.getInputStream());
                in.readFully(new byte[in.readInt()]);
                long sent = System.nanoTime();
                for (int xid = 1; xid <= 300; xid++) {
                    out.write(RawClient.frame(RawClient.request(xid, 4, new GetDataRequest("/big", false))));
                }
                out.flush();
                String marker = ":" + slow.getLocalPort() + "[";
                Await.until(Duration.ofSeconds(60), "the server to close the client that does not read",
                        () -> !cons(server).contains(marker));
                LOG.info("the server closed the non-reading client {} ms after its requests",
                        (System.nanoTime() - sent) / 1_000_000);
            }
            assertEquals(1_000_000, zk.getData("/big", false, null).length);
            zk.create("/after", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            assertTrue(FourLetterWordClient.send(server.connectString(), "ruok").equals("imok"));
        }
    }

    private static String cons(ServerProcess server) {
        try {
            return FourLetterWordClient.send(server.connectString(), "cons");
        } catch (IOException e) {
            return "";
        }
    }
}
