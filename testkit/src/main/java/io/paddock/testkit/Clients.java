package io.paddock.testkit;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;

/** Stock-client helpers: connect and wait for SyncConnected. */
public final class Clients {
    public static final int TIMEOUT_S = 30;

    private Clients() {}

    public static ZooKeeper connect(String connectString) throws IOException, InterruptedException {
        return connect(connectString, 30_000, null);
    }

    public static ZooKeeper connect(String connectString, int sessionTimeoutMs, Watcher also)
            throws IOException, InterruptedException {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(connectString, sessionTimeoutMs, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
            if (also != null) {
                also.process(e);
            }
        });
        if (!connected.await(TIMEOUT_S, TimeUnit.SECONDS)) {
            zk.close();
            throw new IOException("could not connect to " + connectString);
        }
        return zk;
    }
}
