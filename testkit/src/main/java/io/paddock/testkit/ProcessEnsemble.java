package io.paddock.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

/** An ensemble of Paddock servers, one JVM each, on loopback with probed free ports (public: the adapters kill its leader). */
public final class ProcessEnsemble implements AutoCloseable {
    private final Path root;
    private final int voters;
    private final int size;
    private final List<String> settings;
    private final Map<Integer, Integer> clientPorts = new TreeMap<>();
    private final Map<Integer, String> serverLines = new TreeMap<>();
    private final ServerProcess[] processes;
    private final Map<Integer, List<String>> extra = new TreeMap<>();

    public ProcessEnsemble(Path root, int voters, int observers, List<String> settings) throws IOException {
        this.root = root;
        this.voters = voters;
        this.size = voters + observers;
        this.settings = settings;
        this.processes = new ServerProcess[size + 1];
        int[] ports = FreePorts.distinct(3 * size);
        for (int id = 1; id <= size; id++) {
            int client = ports[3 * (id - 1)];
            clientPorts.put(id, client);
            serverLines.put(id, "server." + id + "=127.0.0.1:" + ports[3 * (id - 1) + 1] + ":" + ports[3 * (id - 1) + 2]
                    + (id > voters ? ":observer" : ":participant") + ";127.0.0.1:" + client);
        }
    }

    public int size() {
        return size;
    }

    public Path dataDir(int id) {
        return root.resolve("server" + id + "/data");
    }

    /** The server's own log (its standard output and error). */
    public Path log(int id) {
        return root.resolve("server" + id + "/server.log");
    }

    /** zoo.cfg lines for server {@code id} only, added to the common settings at its next start. */
    public void settingsFor(int id, List<String> lines) {
        extra.put(id, List.copyOf(lines));
    }

    public ServerProcess start(int id) throws IOException, InterruptedException {
        Path home = root.resolve("server" + id);
        Files.createDirectories(dataDir(id));
        Files.writeString(dataDir(id).resolve("myid"), id + "\n");
        List<String> cfg = new ArrayList<>(settings);
        cfg.addAll(extra.getOrDefault(id, List.of()));
        cfg.add("dataDir=" + dataDir(id));
        cfg.add("4lw.commands.whitelist=*");
        if (id > voters) {
            cfg.add("peerType=observer");
        }
        cfg.addAll(serverLines.values());
        Path file = home.resolve("zoo.cfg");
        Files.writeString(file, String.join("\n", cfg) + "\n");
        ServerProcess p = ServerProcess.start(file, log(id));
        processes[id] = p;
        return p;
    }

    public void startAll() throws IOException, InterruptedException {
        for (int id = 1; id <= size; id++) {
            start(id);
        }
    }

    public ServerProcess process(int id) {
        return processes[id];
    }

    public void kill9(int id) throws InterruptedException {
        processes[id].kill9();
        processes[id] = null;
    }

    public void terminate(int id) throws InterruptedException {
        processes[id].terminate();
        processes[id] = null;
    }

    /** Sends a signal (STOP, CONT) to a server this test started. */
    public void signal(int id, String signal) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("kill", "-" + signal, Long.toString(processes[id].pid())).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IOException("kill -" + signal + " failed");
        }
    }

    public String connectString(int id) {
        return "127.0.0.1:" + clientPorts.get(id);
    }

    public String connectStringAll() {
        List<String> all = new ArrayList<>();
        for (int id = 1; id <= size; id++) {
            all.add(connectString(id));
        }
        return String.join(",", all);
    }

    /** mntr's zk_peer_state of a server, or "down". */
    public String peerState(int id) {
        if (processes[id] == null) {
            return "down";
        }
        try {
            for (String line : FourLetterWordClient.send(connectString(id), "mntr").split("\n")) {
                if (line.startsWith("zk_peer_state\t")) {
                    return line.substring(line.indexOf('\t') + 1);
                }
            }
            return "unknown";
        } catch (IOException e) {
            return "unreachable";
        }
    }

    /** Waits until every running server serves (one leader, the rest broadcasting); returns the leader. */
    public int awaitServing(Duration timeout) throws InterruptedException {
        int[] leader = {-1};
        awaitOrDump(timeout, () -> {
            int found = -1;
            for (int id = 1; id <= size; id++) {
                if (processes[id] == null) {
                    continue;
                }
                String state = peerState(id);
                if (!state.endsWith(" - broadcast")) {
                    return false;
                }
                if (state.startsWith("leader")) {
                    found = id;
                }
            }
            leader[0] = found;
            return found > 0;
        });
        return leader[0];
    }

    /** Waits until every running server reports the same {@code hash} (last zxid and digest); returns it. */
    public String awaitSameDigest(Duration timeout) throws InterruptedException {
        String[] agreed = {null};
        awaitOrDump(timeout, () -> {
            String first = null;
            for (int id = 1; id <= size; id++) {
                if (processes[id] == null) {
                    continue;
                }
                String h;
                try {
                    h = FourLetterWordClient.send(connectString(id), "hash").trim();
                } catch (IOException e) {
                    return false;
                }
                if (first == null) {
                    first = h;
                } else if (!first.equals(h)) {
                    return false;
                }
            }
            agreed[0] = first;
            return first != null;
        });
        return agreed[0];
    }

    /** Like {@link Await#until}, but a timeout reports every server's state and the tail of its log. */
    private void awaitOrDump(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        Await.until(timeout, "ensemble condition", condition, this::describe);
    }

    /** Every server's state, digest and the tail of its log. */
    public String describe() {
        {
            StringBuilder sb = new StringBuilder();
            for (int id = 1; id <= size; id++) {
                sb.append("\n--- server ").append(id).append(": ").append(peerState(id));
                try {
                    for (String h : List.of("hash")) {
                        sb.append(" ").append(processes[id] == null ? "" : FourLetterWordClient.send(connectString(id), h).trim());
                    }
                    List<String> lines = Files.readAllLines(root.resolve("server" + id + "/server.log"));
                    for (String line : lines.subList(Math.max(0, lines.size() - 40), lines.size())) {
                        sb.append("\n  ").append(line);
                    }
                } catch (IOException io) {
                    sb.append(" (").append(io).append(')');
                }
            }
            return sb.toString();
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (int id = 1; id <= size; id++) {
            if (processes[id] != null) {
                processes[id].close();
                processes[id] = null;
            }
        }
    }
}
