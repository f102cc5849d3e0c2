package io.paddock.coordinator.request;

import io.paddock.coordinator.admin.ServerView;
import io.paddock.coordinator.tree.DataTree;
import io.paddock.coordinator.watch.WatchRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;

/** Builds the admin commands' {@link ServerView} from request-thread state. */
final class ServerViews {
    private ServerViews() {
    }

    static ServerView of(DataTree tree, Connections connections, WatchRegistry watches, ServerStats stats,
                         SortedMap<Long, List<Long>> expiryBuckets, ServerView.Quorum quorum) {
        List<ServerView.Connection> conns = new ArrayList<>();
        for (ConnectionState st : connections.all()) {
            conns.add(new ServerView.Connection(st.conn.remoteAddress(), st.sessionId, st.timeoutMs,
                    st.inflight.size(), st.packetsReceived, st.packetsSent, st.lastZxidSent, st.lastLatencyMs,
                    st.completed == 0 ? 0 : st.minLatencyMs, st.completed == 0 ? 0 : st.totalLatencyMs / st.completed,
                    st.maxLatencyMs, st.connectedAtMs, st.conn, st.fourLetterWord, st.lastOp, st.lastCxid,
                    st.lastResponseMs));
        }
        Map<Long, Set<String>> ephemerals = new HashMap<>();
        for (long sessionId : tree.sessions().keySet()) {
            Set<String> paths = tree.ephemeralsOf(sessionId);
            if (!paths.isEmpty()) {
                ephemerals.put(sessionId, Set.copyOf(paths));
            }
        }
        return new ServerView(tree.lastZxid(), tree.nodeCount(), tree.approximateDataSize(), tree.ephemeralCount(),
                tree.sessions().size(), connections.outstanding(), watches.watchCount(), watches.dataWatchSummary(),
                watches.dataPathsBySink(), conns, ephemerals, Map.copyOf(tree.sessions()), expiryBuckets,
                new ServerView.Stats(stats.packetsReceived, stats.packetsSent,
                        stats.completed == 0 ? 0 : stats.minLatencyMs,
                        stats.completed == 0 ? 0.0 : (double) stats.totalLatencyMs / stats.completed,
                        stats.maxLatencyMs, stats.txnsApplied, stats.sessionsExpired), tree.digest(), quorum);
    }
}
