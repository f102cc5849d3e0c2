package io.paddock.bench;

import io.paddock.testkit.Await;
import io.paddock.testkit.FourLetterWordClient;
import io.paddock.testkit.FreePorts;
import java.time.Duration;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * N servers of one kind (Paddock or Apache ZooKeeper), one JVM each, on loopback, started from the
 * same zoo.cfg settings and JVM flags, data under one folder. Standalone when N is 1. Public: the
 * HDFS failover benchmark (bench/hdfs) starts its coordinators with it.
 */
public final class ServerCluster implements AutoCloseable {
    public enum Kind {
        PADDOCK("io.paddock.coordinator.server.Main"),
        ZOOKEEPER("org.apache.zookeeper.server.quorum.QuorumPeerMain");

        final String mainClass;

        Kind(String mainClass) {
            this.mainClass = mainClass;
        }

        String label() {
            return this == PADDOCK ? "paddock" : "zookeeper";
        }
    }

    private final Kind kind;
    private final Path root;
    private final int size;
    private final String heap;
    private final List<String> jvmExtra;
    private final int[] clientPorts;
    private final Process[] processes;
    private final List<String> cfgLines;

    public ServerCluster(Kind kind, Path root, int size, Map<String, String> settings, String heap, List<String> jvmExtra)
            throws IOException {
        this.kind = kind;
        this.root = root;
        this.size = size;
        this.heap = heap;
        this.jvmExtra = jvmExtra;
        this.clientPorts = new int[size + 1];
        this.processes = new Process[size + 1];
        this.cfgLines = new ArrayList<>();
        settings.forEach((k, v) -> cfgLines.add(k + "=" + v));
        cfgLines.add("4lw.commands.whitelist=*");
        cfgLines.add("admin.enableServer=false");
        cfgLines.add("maxClientCnxns=0");
        int[] ports = FreePorts.distinct(3 * size);
        for (int id = 1; id <= size; id++) {
            clientPorts[id] = ports[3 * (id - 1)];
            if (size > 1) {
                cfgLines.add("server." + id + "=127.0.0.1:" + ports[3 * (id - 1) + 1] + ":" + ports[3 * (id - 1) + 2]
                        + ";127.0.0.1:" + clientPorts[id]);
            }
        }
    }

    Kind kind() {
        return kind;
    }

    int size() {
        return size;
    }

    Path dataDir(int id) {
        return root.resolve(kind.label() + id);
    }

    public void startAll() throws IOException, InterruptedException {
        for (int id = 1; id <= size; id++) {
            start(id);
        }
        awaitServing(120_000);
    }

    void start(int id) throws IOException {
        Path dir = dataDir(id);
        Files.createDirectories(dir);
        List<String> cfg = new ArrayList<>(cfgLines);
        cfg.add("dataDir=" + dir);
        if (size == 1) {
            cfg.add("clientPort=" + clientPorts[id]);
            cfg.add("clientPortAddress=127.0.0.1");
        } else {
            Files.writeString(dir.resolve("myid"), id + "\n");
        }
        Path file = dir.resolve("zoo.cfg");
        Files.writeString(file, String.join("\n", cfg) + "\n");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xms" + heap);
        cmd.add("-Xmx" + heap);
        cmd.addAll(jvmExtra);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(kind.mainClass);
        cmd.add(file.toString());
        processes[id] = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("server.log").toFile()).start();
    }

    long pid(int id) {
        return processes[id].pid();
    }

    boolean running(int id) {
        return processes[id] != null && processes[id].isAlive();
    }

    void kill9(int id) throws InterruptedException {
        processes[id].destroyForcibly();
        processes[id].waitFor(60, TimeUnit.SECONDS);
        processes[id] = null;
    }

    String connectString(int id) {
        return "127.0.0.1:" + clientPorts[id];
    }

    public String connectString() {
        List<String> all = new ArrayList<>();
        for (int id = 1; id <= size; id++) {
            all.add(connectString(id));
        }
        return String.join(",", all);
    }

    /** "leader", "follower", "standalone", ... or "" when not serving. */
    String mode(int id) {
        if (!running(id)) {
            return "";
        }
        try {
            for (String line : FourLetterWordClient.send(connectString(id), "srvr").split("\n")) {
                if (line.startsWith("Mode: ")) {
                    return line.substring(6).trim();
                }
            }
        } catch (IOException e) {
            return "";
        }
        return "";
    }

    /** Waits (bounded) until every running server serves with one leader (or standalone); returns the leader id. */
    int awaitServing(long timeoutMs) throws InterruptedException {
        int[] leader = {-1};
        Await.until(Duration.ofMillis(timeoutMs), kind.label() + " serving (logs in " + root + ")", () -> {
            int found = -1;
            for (int id = 1; id <= size; id++) {
                if (!running(id)) {
                    continue;
                }
                String m = mode(id);
                if (m.equals("leader") || m.equals("standalone")) {
                    found = id;
                } else if (!m.equals("follower") && !m.equals("observer")) {
                    return false;
                }
            }
            leader[0] = found;
            return found > 0;
        });
        return leader[0];
    }

    @Override
    public void close() throws InterruptedException {
        for (int id = 1; id <= size; id++) {
            if (processes[id] != null) {
                processes[id].destroy();
                if (!processes[id].waitFor(30, TimeUnit.SECONDS)) {
                    processes[id].destroyForcibly();
                    processes[id].waitFor(30, TimeUnit.SECONDS);
                }
                processes[id] = null;
            }
        }
    }
}
