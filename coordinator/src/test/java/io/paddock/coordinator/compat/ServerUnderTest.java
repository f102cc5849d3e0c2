package io.paddock.coordinator.compat;

import io.paddock.coordinator.server.ConfigLoader;
import io.paddock.coordinator.server.PaddockServer;
import java.io.File;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.zookeeper.server.ContainerManager;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;

/**
 * A server a compatibility scenario runs against: Paddock, or Apache ZooKeeper's own standalone
 * server as the reference. Both take the same zoo.cfg-style settings.
 */
public interface ServerUnderTest extends AutoCloseable {
    String connectString();

    String name();

    /** Stops and starts again on the same data (and port), as a server restart. */
    void restart() throws Exception;

    @Override
    void close();

    enum Kind {
        PADDOCK, ZOOKEEPER;

        public ServerUnderTest start(Path dir, Map<String, String> settings) throws Exception {
            return this == PADDOCK ? new Paddock(dir, settings) : new Reference(dir, settings);
        }
    }

    /** Settings every scenario uses unless it overrides them: fast ticks so expiry tests are quick. */
    static Map<String, String> defaults(Map<String, String> overrides) {
        Map<String, String> m = new HashMap<>();
        m.put("tickTime", "200");
        m.put("clientPort", "0");
        m.put("preAllocSize", "256");
        m.put("4lw.commands.whitelist", "*");
        m.put("extendedTypesEnabled", "true");
        m.put("znode.container.checkIntervalMs", "100");
        m.putAll(overrides);
        return m;
    }

    final class Paddock implements ServerUnderTest {
        private final Map<String, String> settings;
        private PaddockServer server;

        Paddock(Path dir, Map<String, String> settings) throws Exception {
            this.settings = new HashMap<>(settings);
            this.settings.put("dataDir", dir.resolve("paddock").toString());
            server = PaddockServer.start(ConfigLoader.fromProperties(this.settings));
        }

        public PaddockServer server() {
            return server;
        }

        @Override
        public String connectString() {
            return server.connectString();
        }

        @Override
        public String name() {
            return "paddock";
        }

        @Override
        public void restart() throws Exception {
            int port = server.clientAddress().getPort();
            server.close();
            Map<String, String> again = new HashMap<>(settings);
            again.put("clientPort", Integer.toString(port));
            server = PaddockServer.start(ConfigLoader.fromProperties(again));
        }

        @Override
        public void close() {
            server.close();
        }
    }

    /** Exposes the first request processor, which the container manager submits to. */
    final class RefServer extends ZooKeeperServer {
        RefServer(File dir, int tick) throws java.io.IOException {
            super(dir, dir, tick);
        }

        org.apache.zookeeper.server.RequestProcessor first() {
            return firstProcessor;
        }
    }

    /** Apache ZooKeeper 3.9 standalone, the behaviour Paddock must match. */
    final class Reference implements ServerUnderTest {
        private final File dir;
        private final Map<String, String> settings;
        private ZooKeeperServer zks;
        private ServerCnxnFactory factory;
        private ContainerManager containers;
        private int port;

        Reference(Path dir, Map<String, String> settings) throws Exception {
            this.dir = dir.resolve("zookeeper").toFile();
            this.settings = settings;
            // The reference server reads these from system properties; tests run it one at a time.
            System.setProperty("zookeeper.extendedTypesEnabled", settings.getOrDefault("extendedTypesEnabled", "false"));
            System.setProperty("zookeeper.4lw.commands.whitelist", settings.getOrDefault("4lw.commands.whitelist", "srvr"));
            System.setProperty("zookeeper.admin.enableServer", "false");
            if (settings.containsKey("paddock.superDigest")) {
                System.setProperty("zookeeper.DigestAuthenticationProvider.superDigest", settings.get("paddock.superDigest"));
            } else {
                System.clearProperty("zookeeper.DigestAuthenticationProvider.superDigest");
            }
            start(0);
        }

        private void start(int bindPort) throws Exception {
            Files.createDirectories(dir.toPath());
            int tick = Integer.parseInt(settings.getOrDefault("tickTime", "2000"));
            RefServer ref = new RefServer(dir, tick);
            zks = ref;
            if (settings.containsKey("minSessionTimeout")) {
                zks.setMinSessionTimeout(Integer.parseInt(settings.get("minSessionTimeout")));
            }
            if (settings.containsKey("maxSessionTimeout")) {
                zks.setMaxSessionTimeout(Integer.parseInt(settings.get("maxSessionTimeout")));
            }
            int maxCnxns = Integer.parseInt(settings.getOrDefault("maxClientCnxns", "60"));
            factory = ServerCnxnFactory.createFactory(new InetSocketAddress("127.0.0.1", bindPort), maxCnxns);
            factory.startup(zks);
            port = factory.getLocalPort();
            int interval = Integer.parseInt(settings.getOrDefault("znode.container.checkIntervalMs", "60000"));
            containers = new ContainerManager(zks.getZKDatabase(), ref.first(), interval, 10000, 0);
            containers.start();
        }

        @Override
        public String connectString() {
            return "127.0.0.1:" + port;
        }

        @Override
        public String name() {
            return "zookeeper";
        }

        @Override
        public void restart() throws Exception {
            stop();
            start(port);
        }

        private void stop() {
            containers.stop();
            factory.shutdown();
            zks.shutdown();
        }

        @Override
        public void close() {
            stop();
        }
    }
}
