package io.paddock.coordinator.request;

import io.paddock.coordinator.acl.AuthInfo;
import io.paddock.coordinator.net.ClientConnection;
import io.paddock.coordinator.wire.ClientRequest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Request-thread state of one client connection: its session, credentials and the requests not
 * yet answered, in arrival order. Replies leave strictly in that order (the client checks xids).
 */
final class ConnectionState {
    final ClientConnection conn;
    final long connectedAtMs;
    long sessionId;
    int timeoutMs;
    AuthInfo auth;
    boolean closing;
    /**
     * Until the session is established here (its createSession applied, or a re-attach confirmed by
     * the leader), requests wait in this list, as ZooKeeper stops reading; null once established.
     */
    List<ClientRequest> parked;
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

    boolean established() {
        return sessionId != 0 && parked == null;
    }

    void park() {
        if (parked == null) {
            parked = new ArrayList<>();
        }
    }

    /** A request waiting for its turn: a read behind earlier writes, or a write awaiting its txn. */
    static final class InFlight {
        final ClientRequest request;
        final long receivedMs;
        /** Set for requests answered through a txn or a sync; reads are answered when they reach the head. */
        boolean awaitsCompletion;
        boolean done;
        Runnable reply;

        InFlight(ClientRequest request, long receivedMs) {
            this.request = request;
            this.receivedMs = receivedMs;
        }

        int xid() {
            return request.xid();
        }

        int op() {
            return request.op();
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
