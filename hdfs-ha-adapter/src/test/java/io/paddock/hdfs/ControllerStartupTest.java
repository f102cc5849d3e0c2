package io.paddock.hdfs;

import io.paddock.testkit.FreePorts;
import io.paddock.testkit.hdfs.HaCluster;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.coordinator.server.PaddockServer;
import io.paddock.coordinator.server.ServerConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Start-up checks and {@code -formatZK}: every bad configuration names its key and returns the stock
 * exit code; formatting touches only this nameservice's znode. No NameNode is needed for these.
 */
class ControllerStartupTest {
    @TempDir
    Path dir;
    PaddockServer paddock;
    ZooKeeper zk;

    @BeforeEach
    void setUp() throws Exception {
        paddock = PaddockServer.start(ServerConfig.builder().tickTimeMs(200).dataDir(dir).clientPort(0).build());
        zk = io.paddock.testkit.Clients.connect(paddock.connectString());
    }

    @AfterEach
    void tearDown() throws Exception {
        if (zk != null) {
            zk.close();
        }
        if (paddock != null) {
            paddock.close();
        }
    }

    private Configuration conf() throws Exception {
        Configuration c = HaCluster.nameserviceConf(paddock.connectString());
        c.set("dfs.ha.fencing.methods", "shell(true)");
        return c;
    }

    private record Run(int code, String out, String err) {
    }

    private static Run run(Configuration conf, String stdin, String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = FailoverControllerMain.run(conf, args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void badConfigurationNamesTheKeyAndUsesTheStockExitCode() throws Exception {
        Configuration noFencer = conf();
        noFencer.unset("dfs.ha.fencing.methods");
        Run r = run(noFencer, "");
        assertEquals(4, r.code(), r.err());
        assertTrue(r.err().contains("dfs.ha.fencing.methods"), r.err());

        Configuration manual = conf();
        manual.setBoolean("dfs.ha.automatic-failover.enabled", false);
        r = run(manual, "");
        assertEquals(5, r.code(), r.err());
        assertTrue(r.err().contains("dfs.ha.automatic-failover.enabled"), r.err());

        Configuration unknownNn = conf();
        unknownNn.set("dfs.ha.namenode.id", "nn9");
        r = run(unknownNn, "");
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("unknown NameNode id 'nn9'") && r.err().contains("dfs.ha.namenode.id"), r.err());

        Configuration noHa = conf();
        noHa.unset("dfs.ha.namenodes.ns1");
        r = run(noHa, "");
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("HA is not enabled"), r.err());

        Configuration noQuorum = conf();
        noQuorum.unset("ha.zookeeper.quorum");
        r = run(noQuorum, "");
        assertEquals(6, r.code(), r.err());
        assertTrue(r.err().contains("ha.zookeeper.quorum"), r.err());

        Configuration unreachable = conf();
        unreachable.set("ha.zookeeper.quorum", "127.0.0.1:" + FreePorts.one());
        unreachable.setInt("ha.zookeeper.session-timeout.ms", 2000);
        r = run(unreachable, "", "-formatZK", "-force");
        assertEquals(6, r.code(), r.err());
        assertTrue(r.err().contains("cannot reach the coordinator at ha.zookeeper.quorum=127.0.0.1:"), r.err());

        r = run(conf(), "", "-bogus");
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("unknown argument '-bogus'"), r.err());
        r = run(conf(), "", "-force");
        assertEquals(1, r.code(), r.err());
    }

    @Test
    void startWithoutFormatIsRefusedWithCodeThree() throws Exception {
        Run r = run(conf(), "");
        assertEquals(3, r.code(), r.err());
        assertTrue(r.err().contains("/hadoop-ha/ns1 does not exist") && r.err().contains("-formatZK"), r.err());
    }

    @Test
    void formatCreatesAsksBeforeClearingAndTouchesOnlyItsNameservice() throws Exception {
        Run r = run(conf(), "", "-formatZK", "-nonInteractive");
        assertEquals(0, r.code(), r.out() + r.err());
        assertNotNull(zk.exists("/hadoop-ha/ns1", false));
        zk.create("/hadoop-ha/ns1/ActiveBreadCrumb", new byte[] {1}, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create("/hadoop-ha/ns2", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create("/hadoop-ha/ns2/ActiveBreadCrumb", new byte[] {2}, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);

        // exists: denied without -force when non-interactive, and when the operator answers N
        r = run(conf(), "", "-formatZK", "-nonInteractive");
        assertEquals(2, r.code(), r.out());
        r = run(conf(), "N\n", "-formatZK");
        assertEquals(2, r.code(), r.out());
        assertTrue(r.out().contains("Proceed formatting /hadoop-ha/ns1? (Y or N)"), r.out());
        assertNotNull(zk.exists("/hadoop-ha/ns1/ActiveBreadCrumb", false));

        r = run(conf(), "Y\n", "-formatZK");
        assertEquals(0, r.code(), r.out());
        assertNull(zk.exists("/hadoop-ha/ns1/ActiveBreadCrumb", false));
        zk.create("/hadoop-ha/ns1/ActiveBreadCrumb", new byte[] {1}, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        r = run(conf(), "", "-formatZK", "-force", "-nonInteractive");
        assertEquals(0, r.code(), r.out());
        assertNull(zk.exists("/hadoop-ha/ns1/ActiveBreadCrumb", false));
        assertNotNull(zk.exists("/hadoop-ha/ns1", false));
        // another nameservice's election data is never touched
        assertEquals(2, zk.getData("/hadoop-ha/ns2/ActiveBreadCrumb", false, null)[0]);
    }

    @Test
    void formatAppliesTheConfiguredAclAndAuth() throws Exception {
        Configuration c = conf();
        c.set("ha.zookeeper.auth", "digest:hdfs-zkfcs:secret");
        c.set("ha.zookeeper.acl", "digest:hdfs-zkfcs:"
                + org.apache.zookeeper.server.auth.DigestAuthenticationProvider.generateDigest("hdfs-zkfcs:secret")
                        .split(":", 2)[1] + ":rwcda");
        c.set("ha.zookeeper.parent-znode", "/paddock-ha");
        Run r = run(c, "", "-formatZK", "-nonInteractive");
        assertEquals(0, r.code(), r.out() + r.err());
        java.util.List<org.apache.zookeeper.data.ACL> acl;
        try (ZooKeeper authed = io.paddock.testkit.Clients.connect(paddock.connectString())) {
            authed.addAuthInfo("digest", "hdfs-zkfcs:secret".getBytes(StandardCharsets.UTF_8));
            acl = authed.getACL("/paddock-ha/ns1", null);
        }
        assertEquals(1, acl.size());
        assertEquals("digest", acl.get(0).getId().getScheme());
        assertTrue(acl.get(0).getId().getId().startsWith("hdfs-zkfcs:"), acl.toString());
        // without the credentials the election znode cannot be read
        org.apache.zookeeper.KeeperException e = org.junit.jupiter.api.Assertions.assertThrows(
                org.apache.zookeeper.KeeperException.NoAuthException.class,
                () -> zk.getChildren("/paddock-ha/ns1", false));
        assertEquals(org.apache.zookeeper.KeeperException.Code.NOAUTH, e.code());
    }
}
