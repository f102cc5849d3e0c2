package io.paddock.hdfs;

import java.io.EOFException;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.ha.HAServiceProtocol;
import org.apache.hadoop.ha.HAServiceProtocol.RequestSource;
import org.apache.hadoop.ha.HAServiceProtocol.StateChangeRequestInfo;
import org.apache.hadoop.ha.HAServiceProtocolHelper;
import org.apache.hadoop.ipc.RPC;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The NameNode state changes a controller sends, as Hadoop's ZKFC sends them. */
final class NameNodeRpc {
    private static final Logger LOG = LoggerFactory.getLogger(NameNodeRpc.class);

    private NameNodeRpc() {
    }

    /**
     * Sends a NameNode transition (idempotent on the NameNode). Hadoop's IPC client caches
     * connections for {@code ipc.client.connection.maxidletime}; one cached to a NameNode process
     * that has since restarted fails the next call with EOF before any reply, so that one failure is
     * answered by sending again on a fresh connection.
     */
    static void transition(HAServiceProtocol proxy, boolean toActive) throws IOException {
        try {
            send(proxy, toActive);
        } catch (EOFException staleConnection) {
            LOG.info("NameNode connection was stale ({}); sending the transition again", staleConnection.toString());
            send(proxy, toActive);
        }
    }

    /** One attempt, no resend. */
    static void send(HAServiceProtocol proxy, boolean toActive) throws IOException {
        StateChangeRequestInfo info = new StateChangeRequestInfo(RequestSource.REQUEST_BY_ZKFC);
        if (toActive) {
            HAServiceProtocolHelper.transitionToActive(proxy, info);
        } else {
            HAServiceProtocolHelper.transitionToStandby(proxy, info);
        }
    }

    static void stopProxy(Object proxy) {
        if (proxy != null) {
            RPC.stopProxy(proxy);
        }
    }

    static long millisSince(long t0) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }
}
