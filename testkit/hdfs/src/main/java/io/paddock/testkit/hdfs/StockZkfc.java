package io.paddock.testkit.hdfs;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.tools.DFSZKFailoverController;

/** Hadoop's own {@code DFSZKFailoverController}, running in a thread of the test JVM until closed. */
public final class StockZkfc implements AutoCloseable {
    // the keys an operator sets (Hadoop's, and the Paddock controller's status address)
    private static final String NAMENODE_ID = "dfs.ha.namenode.id";

    private final Thread thread;
    private volatile Throwable failure;

    public StockZkfc(Configuration conf) {
        DFSZKFailoverController zkfc = DFSZKFailoverController.create(conf);
        thread = new Thread(() -> {
            try {
                zkfc.run(new String[0]);
            } catch (Throwable t) {
                failure = t;
            }
        }, "stock-zkfc-" + conf.get(NAMENODE_ID));
        thread.setDaemon(true);
        thread.start();
    }

    public static int formatZk(Configuration conf) throws Exception {
        return DFSZKFailoverController.create(conf).run(new String[] {"-formatZK", "-nonInteractive"});
    }

    public boolean running() {
        return thread.isAlive();
    }

    public Throwable failure() {
        return failure;
    }

    /** Interrupting its main loop makes it leave the election and close its session. */
    @Override
    public void close() throws InterruptedException {
        thread.interrupt();
        thread.join(60_000);
    }
}
