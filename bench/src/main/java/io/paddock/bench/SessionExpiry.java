package io.paddock.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

/**
 * How long after a client's JVM is SIGKILLed its ephemeral node disappears for a watcher, against
 * the session timeout the server negotiated.
 */
final class SessionExpiry {
    record Sample(long negotiatedMs, long vanishedAfterMs) {}

    private SessionExpiry() {}

    /** The child JVM: connects, creates the ephemeral, prints READY and the timeout, waits to be killed. */
    public static void main(String[] args) throws Exception {
        ZooKeeper zk = LoadRun.connect(args[0], Integer.parseInt(args[2]));
        zk.create(args[1], null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        System.out.println("READY " + zk.getSessionTimeout());
        System.out.flush();
        Thread.sleep(TimeUnit.MINUTES.toMillis(10));
        zk.close();
    }

    static List<Sample> measure(String connect, int requestedTimeoutMs, int repetitions) throws Exception {
        List<Sample> out = new ArrayList<>();
        ZooKeeper watcher = LoadRun.connect(connect, 30_000);
        try {
            for (int i = 0; i < repetitions; i++) {
                String path = "/bench/owner-" + i + "-" + System.nanoTime();
                Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx128m", "-cp", System.getProperty("java.class.path"), SessionExpiry.class.getName(), connect,
                        path, Integer.toString(requestedTimeoutMs)).redirectErrorStream(true).start();
                long negotiated;
                try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    negotiated = -1;
                    while ((line = r.readLine()) != null) {
                        if (line.startsWith("READY ")) {
                            negotiated = Long.parseLong(line.substring(6).trim());
                            break;
                        }
                    }
                    if (negotiated < 0) {
                        throw new IllegalStateException("the ephemeral owner did not start");
                    }
                    CompletableFuture<Long> gone = new CompletableFuture<>();
                    if (watcher.exists(path, e -> {
                        if (e.getType() == Watcher.Event.EventType.NodeDeleted) {
                            gone.complete(System.nanoTime());
                        }
                    }) == null) {
                        throw new IllegalStateException(path + " missing");
                    }
                    long killedAt = System.nanoTime();
                    child.destroyForcibly();
                    long vanished = gone.get(5, TimeUnit.MINUTES);
                    out.add(new Sample(negotiated, TimeUnit.NANOSECONDS.toMillis(vanished - killedAt)));
                } finally {
                    child.destroyForcibly();
                    child.waitFor(30, TimeUnit.SECONDS);
                }
            }
        } finally {
            watcher.close();
        }
        return out;
    }
}
