package io.paddock.hdfs;

import io.paddock.testkit.hdfs.HaCluster;
import io.paddock.testkit.Clients;
import io.paddock.testkit.TcpProxy;
import io.paddock.testkit.Await;
import io.paddock.coordinator.server.PaddockServer;
import io.paddock.coordinator.server.ServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.zookeeper.ZooKeeper;

/**
 * A Paddock server, a real HDFS HA pair and a Paddock controller per NameNode, each controller
 * reaching Paddock through its own TCP proxy so a test can cut one off alone; plus a session of
 * the test's own for looking at (or tampering with) the election znodes.
 */
final class ProxiedControllers implements AutoCloseable {
    static final String ELECTION = "/hadoop-ha/" + HaCluster.NS;
    static final String LOCK = ELECTION + "/ActiveStandbyElectorLock";
    static final String BREADCRUMB = ELECTION + "/ActiveBreadCrumb";

    final PaddockServer paddock;
    final HaCluster ha;
    final TcpProxy[] proxy = new TcpProxy[2];
    final FailoverController[] fc = new FailoverController[2];
    final ZooKeeper zk;

    /** Starts everything but the controllers; {@code tune} as for {@link HaCluster}. */
    ProxiedControllers(Path dir, boolean fencerSucceeds, Consumer<Configuration> tune) throws Exception {
        paddock = PaddockServer.start(ServerConfig.builder().tickTimeMs(200).dataDir(dir.resolve("paddock"))
                .clientPort(0).build());
        ha = new HaCluster(dir.resolve("ha"), paddock.connectString(), fencerSucceeds, tune);
        if (ControllerCommands.formatZk(ha.conf(0)) != 0) {
            throw new IllegalStateException("-formatZK failed");
        }
        for (int i = 0; i < 2; i++) {
            proxy[i] = TcpProxy.start(paddock.connectString());
        }
        zk = Clients.connect(paddock.connectString());
    }

    /** The controller of NameNode {@code i}, connected through its proxy. */
    FailoverController start(int i) throws Exception {
        Configuration c = ha.conf(i);
        c.set(ControllerConfig.ZK_QUORUM, proxy[i].connectString());
        fc[i] = FailoverController.start(c);
        return fc[i];
    }

    /** nn0's controller first, so nn0 is active, then nn1's as standby. */
    void startBoth() throws Exception {
        start(0);
        Await.until(Duration.ofSeconds(60), () -> ha.active() == 0);
        start(1);
        Await.until(Duration.ofSeconds(30), () -> "STANDBY".equals(fc[1].status().electorState()));
    }

    /** The election data a controller of NameNode {@code i} writes into the lock and the breadcrumb. */
    byte[] electionData(int i) throws Exception {
        ControllerConfig config = ControllerConfig.load(ha.conf(i));
        return new ActiveNodeInfoCodec(config).encode(config.local);
    }

    @Override
    public void close() throws Exception {
        for (FailoverController c : fc) {
            if (c != null) {
                c.stop();
            }
        }
        zk.close();
        for (TcpProxy p : proxy) {
            if (p != null) {
                p.close();
            }
        }
        ha.close();
        paddock.close();
    }
}
