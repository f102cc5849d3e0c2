package io.paddock.coordinator.zab;

import java.util.List;

/** Everything peers say to each other. Messages on one link arrive in order or not at all (TCP). */
public sealed interface Message {
    /** Election notification: the sender's vote in {@code round}, and its own state. */
    record Notification(long round, Vote vote, Role senderRole, long leaderEpoch) implements Message {}

    /** Discovery: a follower's (or observer's) accepted epoch. */
    record FollowerInfo(long acceptedEpoch, boolean observer) implements Message {}

    /** Discovery: the epoch the leader proposes. */
    record NewEpoch(long epoch) implements Message {}

    /** Discovery: sent after the new accepted epoch is durable; carries the follower's history head. */
    /**
     * {@code currentEpoch} is {@link #UNCOUNTED} when the follower had already promised this epoch
     * to another leader (or cannot tell): the leader synchronizes it but does not count it.
     */
    record AckEpoch(long currentEpoch, long lastZxid) implements Message {
        public static final long UNCOUNTED = -1;
    }

    /**
     * Synchronization. DIFF: {@code entries} follow the follower's last zxid. TRUNC: drop entries
     * after {@code truncateTo} first. SNAP: replace the state with {@code snapshot} (an opaque handle:
     * the transport streams its bytes and hands the learner a handle to what it received), drop the
     * whole log, then append {@code entries}.
     */
    record Sync(long epoch, Kind kind, long truncateTo, SnapshotHandle snapshot, List<Entry> entries)
            implements Message {
        public enum Kind { DIFF, TRUNC, SNAP }

        /** The zxid of the snapshot, or -1 without one. */
        public long snapshotZxid() {
            return snapshot == null ? -1 : snapshot.zxid();
        }
    }

    /** End of synchronization; the follower adopts {@code epoch} as its current epoch (durably). */
    record NewLeader(long epoch) implements Message {}

    /** Sent after the synchronized history and the current epoch are durable. */
    record AckNewLeader(long epoch) implements Message {}

    /** The leader is established; everything up to {@code committed} is committed. */
    record UpToDate(long epoch, long committed) implements Message {}

    record Proposal(long epoch, Entry entry) implements Message {}

    /** A follower has logged (fsynced) everything up to {@code zxid}. */
    record Ack(long epoch, long zxid) implements Message {}

    record Commit(long epoch, long zxid) implements Message {}

    /** To observers: a committed entry. */
    record Inform(long epoch, Entry entry) implements Message {}

    record Ping(long epoch, long committed) implements Message {}

    record PingAck(long epoch) implements Message {}

    /**
     * Not Zab: the driver's own traffic between servers (forwarded client requests, session
     * touches), carried on the same ordered link so it stays in order with proposals and commits.
     * {@link ZabPeer#step} ignores it.
     */
    record Relay(byte[] payload) implements Message {}
}
