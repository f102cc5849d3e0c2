package io.paddock.coordinator.request;

import io.paddock.coordinator.acl.AuthInfo;
import io.paddock.coordinator.env.Clock;
import io.paddock.coordinator.net.ClientConnection;
import io.paddock.coordinator.watch.WatchRegistry;
import io.paddock.coordinator.wire.MultiCodec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.jute.Record;
import org.apache.zookeeper.proto.ReplyHeader;

/**
 * The client connections of one server and their per-session FIFO: every request is queued in
 * arrival order and answered strictly in that order, a read when it reaches the head (so it sees
 * the same session's earlier writes), a write or sync once it completed. Also the global
 * outstanding-request throttle. Request thread only.
 */
final class Connections {
    /** Answers a read that reached the head of its connection's queue. */
    interface Reader {
        void answer(ConnectionState st, ConnectionState.InFlight read);
    }

    private final Map<ClientConnection, ConnectionState> byConnection = new HashMap<>();
    private final Map<Long, ConnectionState> bySession = new HashMap<>();
    private final Set<ConnectionState> throttled = new HashSet<>();
    private final WatchRegistry watches;
    private final ServerStats stats;
    private final Clock clock;
    private final int globalOutstandingLimit;
    private Reader reader;
    private int outstanding;

    Connections(WatchRegistry watches, ServerStats stats, Clock clock, int globalOutstandingLimit) {
        this.watches = watches;
        this.stats = stats;
        this.clock = clock;
        this.globalOutstandingLimit = globalOutstandingLimit;
    }

    void answerReadsWith(Reader r) {
        this.reader = r;
    }

    void opened(ClientConnection conn, AuthInfo auth) {
        byConnection.put(conn, new ConnectionState(conn, clock.wallMillis(), auth));
    }

    ConnectionState get(ClientConnection conn) {
        return byConnection.get(conn);
    }

    /** The connection that currently holds {@code sessionId} here, or null. */
    ConnectionState owner(long sessionId) {
        return bySession.get(sessionId);
    }

    void bind(ConnectionState st, long sessionId) {
        st.sessionId = sessionId;
        bySession.put(sessionId, st);
    }

    /** Forgets the session's connection (it stays open); returns it, or null. */
    ConnectionState unbind(long sessionId) {
        return bySession.remove(sessionId);
    }

    Collection<ConnectionState> all() {
        return byConnection.values();
    }

    int outstanding() {
        return outstanding;
    }

    void closed(ClientConnection conn) {
        ConnectionState st = byConnection.remove(conn);
        if (st == null) {
            return;
        }
        watches.removeAll(conn);
        throttled.remove(st);
        outstanding -= st.inflight.size();
        st.inflight.clear();
        st.closing = true;
        if (st.sessionId != 0 && bySession.get(st.sessionId) == st) {
            bySession.remove(st.sessionId);
        }
    }

    /** Closes one connection (the client reconnects elsewhere or learns its session's fate). */
    void drop(ConnectionState st, String why) {
        st.closing = true;
        st.conn.close(why);
    }

    /** Closes every connection that asked for a session (established or still waiting for one). */
    void dropAllSessions(String why) {
        for (ConnectionState st : new ArrayList<>(byConnection.values())) {
            if ((st.sessionId != 0 || st.parked != null) && !st.closing) {
                drop(st, why);
            }
        }
    }

    /** Queues a request behind the connection's earlier ones. */
    ConnectionState.InFlight enqueue(ConnectionState st, io.paddock.coordinator.wire.ClientRequest request,
                                     boolean awaitsCompletion) {
        ConnectionState.InFlight f = new ConnectionState.InFlight(request, clock.monotonicMillis());
        f.awaitsCompletion = awaitsCompletion;
        st.inflight.add(f);
        outstanding++;
        if (outstanding > globalOutstandingLimit && throttled.add(st)) {
            st.conn.setReading(false);
        }
        return f;
    }

    /** A write or sync is answered: {@code reply} runs when the request reaches the head. */
    void complete(ConnectionState st, ConnectionState.InFlight f, Runnable reply) {
        f.done = true;
        f.reply = reply;
        drain(st);
    }

    /** Answers, in order, every request at the head of the connection's queue that can be answered. */
    void drain(ConnectionState st) {
        while (!st.inflight.isEmpty() && !st.closing) {
            ConnectionState.InFlight head = st.inflight.peekFirst();
            if (head.awaitsCompletion) {
                if (!head.done) {
                    return;
                }
                st.inflight.pollFirst();
                outstanding--;
                head.reply.run();
            } else {
                st.inflight.pollFirst();
                outstanding--;
                reader.answer(st, head);
            }
            st.lastOp = LastOp.of(head.op());
            if (head.xid() >= 0) {
                st.lastCxid = head.xid();
            }
            long latency = clock.monotonicMillis() - head.receivedMs;
            st.recordLatency(latency);
            stats.recordLatency(latency);
        }
        if (!throttled.isEmpty() && outstanding <= globalOutstandingLimit / 2) {
            for (ConnectionState t : throttled) {
                t.conn.setReading(true);
            }
            throttled.clear();
        }
    }

    void send(ConnectionState st, ReplyHeader header, Record body) {
        sent(st, header);
        st.conn.sendReply(header, body);
    }

    void sendMulti(ConnectionState st, ReplyHeader header, List<MultiCodec.Result> results) {
        sent(st, header);
        st.conn.sendMultiReply(header, results);
    }

    private void sent(ConnectionState st, ReplyHeader header) {
        st.lastResponseMs = clock.wallMillis();
        st.packetsSent++;
        st.lastZxidSent = header.getZxid();
        stats.packetsSent++;
    }
}
