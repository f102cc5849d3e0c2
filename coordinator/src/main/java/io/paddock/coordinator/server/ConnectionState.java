package io.paddock.coordinator.server;

import io.paddock.coordinator.acl.AuthInfo;
import java.util.ArrayDeque;

/**
 * Pipeline-thread state of one client connection: its session, credentials and the requests not
 * yet answered, in arrival order. Replies leave strictly in that order (the client checks xids).
 */
final class ConnectionState {
    final ClientConnection conn;
    final long connectedAtMs;
    long sessionId;
    int timeoutMs;
    AuthInfo auth;
    boolean closing;
    /** Until its createSession txn applies, a new session's requests wait here (ZooKeeper stops reading). */
    java.util.List<Runnable> parkedUntilSession;
    boolean fourLetterWord;
    String lastOp = "NA";
    int lastCxid = -1;
    long lastResponseMs;
    final ArrayDeque<InFlight> inflight = new ArrayDeque<>();
    /** Writes forwarded to the leader, in order, until their txns apply here. */
    final ArrayDeque<InFlight> forwarded = new ArrayDeque<>();
    long packetsReceived;
    long packetsSent;
    long lastZxidSent;
    long lastLatencyMs;
    long minLatencyMs = Long.MAX_VALUE;
    long maxLatencyMs;
    long totalLatencyMs;
    long completed;

    ConnectionState(ClientConnection conn, long nowMs, AuthInfo auth) {
        this.conn = conn;
        this.connectedAtMs = nowMs;
        this.auth = auth;
    }

    /** A request waiting for its turn: a read behind earlier writes, or a write awaiting its txn. */
    static final class InFlight {
        final int xid;
        final int op;
        final Object request;
        final long receivedMs;
        long zxid = -1;
        boolean done;
        Runnable reply;

        InFlight(int xid, int op, Object request, long receivedMs) {
            this.xid = xid;
            this.op = op;
            this.request = request;
            this.receivedMs = receivedMs;
        }
    }

    void recordLatency(long ms) {
        lastLatencyMs = ms;
        minLatencyMs = Math.min(minLatencyMs, ms);
        maxLatencyMs = Math.max(maxLatencyMs, ms);
        totalLatencyMs += ms;
        completed++;
    }
}
