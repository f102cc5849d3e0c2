package io.paddock.coordinator.admin;

import io.paddock.coordinator.tree.DataTree;
import io.paddock.coordinator.watch.WatchRegistry;
import io.paddock.coordinator.watch.WatchSink;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A consistent copy of server state taken on the request thread, for admin commands. */
public record ServerView(long lastZxid, int nodeCount, long approximateDataSize, int ephemeralCount, int sessionCount,
                         int outstandingRequests, int watchCount, WatchRegistry.Summary dataWatches,
                         Map<WatchSink, List<String>> watchesByConnection, List<Connection> connections,
                         Map<Long, Set<String>> ephemeralsBySession, Map<Long, DataTree.SessionRecord> sessions,
                         java.util.SortedMap<Long, List<Long>> expiryBuckets, Stats stats, long treeDigest,
                         Quorum quorum) {

    /** Ensemble state (null when standalone); {@code mode} is leader, follower, observer or looking. */
    public record Quorum(String mode, boolean serving, long leaderId, long epoch, long acceptedEpoch, long currentEpoch,
                         long lastLoggedZxid, long committedZxid, int followers, int syncedFollowers,
                         int pendingSyncs) {}

    /** Server-wide request counters since start (or the last srst). */
    public record Stats(long packetsReceived, long packetsSent, long minLatencyMs, double avgLatencyMs,
                        long maxLatencyMs, long txnsApplied, long sessionsExpired) {}

    /** One client connection as cons shows it. */
    public record Connection(String remoteAddress, long sessionId, int timeoutMs, int queued, long received, long sent,
                             long lastZxid, long lastLatencyMs, long minLatencyMs, long avgLatencyMs,
                             long maxLatencyMs, long connectedAtMs, WatchSink sink, boolean fourLetterWord,
                             String lastOp, int lastCxid, long lastResponseMs) {}
}
