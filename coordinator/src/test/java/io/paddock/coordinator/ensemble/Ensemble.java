package io.paddock.coordinator.ensemble;

import io.paddock.testkit.Await;
import io.paddock.testkit.FreePorts;
import io.paddock.coordinator.server.MyIdFile;
import io.paddock.coordinator.net.Network;
import io.paddock.coordinator.server.PaddockServer;
import io.paddock.coordinator.server.QuorumConfig;
import io.paddock.coordinator.server.ServerConfig;
import io.paddock.coordinator.server.ServerConfigBuilder;
import io.paddock.coordinator.server.ServerEnvironment;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

/**
 * N Paddock servers in this JVM on loopback, each with its own data directory. Ports are probed free
 * (bound to 0, then released) because every member must know the others' ports up front.
 */
final class Ensemble implements AutoCloseable {
    static final int TICK_MS = 100;

    private final Path root;
    private final Map<Long, String> serverLines = new TreeMap<>();
    private final Map<Long, Integer> clientPorts = new TreeMap<>();
    private final Map<Long, Integer> quorumPorts = new TreeMap<>();
    private final PaddockServer[] servers;
    private final int observers;
    private Path quorumSecretFile;
    private int snapCount = 1000;
    private java.util.function.LongFunction<Network> networks;

    Ensemble(Path root, int voters, int observers) throws IOException {
        this.root = root;
        this.observers = observers;
        int n = voters + observers;
        this.servers = new PaddockServer[n + 1];
        int[] ports = FreePorts.distinct(3 * n);
        for (long id = 1; id <= n; id++) {
            int quorumPort = ports[(int) (3 * (id - 1))];
            int electionPort = ports[(int) (3 * (id - 1) + 1)];
            int clientPort = ports[(int) (3 * (id - 1) + 2)];
            clientPorts.put(id, clientPort);
            quorumPorts.put(id, quorumPort);
            serverLines.put(id, "127.0.0.1:" + quorumPort + ":" + electionPort
                    + (id > voters ? ":observer" : ":participant") + ";127.0.0.1:" + clientPort);
        }
    }


    /** Every member started from now on proves the cluster secret in {@code file}. */
    Ensemble quorumSecretFile(Path file) {
        this.quorumSecretFile = file;
        return this;
    }

    /** Txns between snapshots from now on (a leader keeps about two snapshots' worth of log for DIFF syncs). */
    Ensemble snapCount(int n) {
        this.snapCount = n;
        return this;
    }

    /** Members started from now on reach clients and peers through {@code networks.apply(id)}. */
    Ensemble networks(java.util.function.LongFunction<Network> networks) {
        this.networks = networks;
        return this;
    }

    int quorumPort(long id) {
        return quorumPorts.get(id);
    }

    int size() {
        return servers.length - 1;
    }

    Path dataDir(long id) {
        return root.resolve("server" + id);
    }

    ServerConfig config(long id) {
        ServerConfigBuilder b = ServerConfig.builder().tickTimeMs(TICK_MS).dataDir(dataDir(id))
                .initLimitTicks(20).syncLimitTicks(10).snapCount(snapCount).preAllocSizeBytes(1 << 20)
                .minSessionTimeoutMs(2 * TICK_MS).maxSessionTimeoutMs(60_000).clusterId("test-ensemble").fourLetterWords(List.of("*"));
        serverLines.forEach(b::server);
        b.quorumSecretFile(quorumSecretFile);
        if (id > size() - observers) {
            b.peerType("observer");
        }
        return b.build();
    }

    PaddockServer start(long id) throws IOException {
        Files.createDirectories(dataDir(id));
        if (MyIdFile.read(dataDir(id)).isEmpty()) {
            MyIdFile.write(dataDir(id), id);
        }
        ServerConfig config = config(id);
        PaddockServer s;
        if (networks == null) {
            s = PaddockServer.start(config);
        } else {
            ServerEnvironment p = ServerEnvironment.production(config);
            s = PaddockServer.start(config, QuorumConfig.load(config), new ServerEnvironment(p.clock(), p.entropy(),
                    p.scheduler(), p.disk(), networks.apply(id), p.observer(), p.defect(), p.zabDefect()));
        }
        servers[(int) id] = s;
        return s;
    }

    void startAll() throws IOException {
        for (long id = 1; id <= size(); id++) {
            start(id);
        }
    }

    PaddockServer server(long id) {
        return servers[(int) id];
    }

    void stop(long id) {
        PaddockServer s = servers[(int) id];
        if (s != null) {
            s.close();
            servers[(int) id] = null;
        }
    }

    String connectString(long id) {
        return "127.0.0.1:" + clientPorts.get(id);
    }

    String connectStringAll() {
        List<String> all = new ArrayList<>();
        for (long id = 1; id <= size(); id++) {
            all.add(connectString(id));
        }
        return String.join(",", all);
    }

    /** The id of the running server that leads once every running server is serving, waiting up to {@code timeout}. */
    long awaitLeader(Duration timeout) throws InterruptedException {
        long[] leader = {-1};
        Await.until(timeout, "a leader with every running server serving", () -> {
            long found = -1;
            for (long id = 1; id <= size(); id++) {
                PaddockServer s = servers[(int) id];
                if (s == null) {
                    continue;
                }
                String mode = s.mode();
                if (mode.equals("looking") || !s.serving()) {
                    return false;
                }
                if (mode.equals("leader")) {
                    found = id;
                }
            }
            leader[0] = found;
            return found > 0;
        });
        return leader[0];
    }


    @Override
    public void close() {
        for (long id = 1; id <= size(); id++) {
            stop(id);
        }
    }
}
