package io.paddock.coordinator.zab;

import java.util.List;

/**
 * What the driver must do, in the order of the package contract: send {@code sendNow}; truncate,
 * append and persist epochs durably; then send {@code sendAfterPersist}; install the snapshot if any
 * and apply {@code commit}; then call {@code advance()}.
 *
 * @param truncateAfter drop log entries with zxid greater than this, or -1 for none
 * @param installSnapshot state to install before applying (a SNAP sync, as the transport received
 *     it), or null
 * @param acceptedEpoch new durable acceptedEpoch, or -1 if unchanged
 * @param currentEpoch new durable currentEpoch, or -1 if unchanged
 * @param attempt the peer's {@link ZabPeer#attempt()} when this Ready was taken: if the peer has
 *        moved on (looked again, follows or leads anew) by the time the persistence completes, the
 *        driver drops {@code sendAfterPersist} instead of sending it. An acknowledgement written for
 *        a follow attempt that was abandoned would otherwise reach the leader in a later attempt,
 *        which would take it for the new one's (seed 16996 of the whole-server simulator: a stale
 *        ACKEPOCH, held behind a stalled disk, made the leader sync the follower twice, the second
 *        time truncating history it had already committed)
 */
public record Ready(List<Outbound> sendNow, long truncateAfter, SnapshotHandle installSnapshot,
                   List<Entry> append, long acceptedEpoch, long currentEpoch, List<Outbound> sendAfterPersist,
                   List<Entry> commit, long attempt) {
    /** The zxid of {@link #installSnapshot()}, or -1. */
    public long snapshotZxid() {
        return installSnapshot == null ? -1 : installSnapshot.zxid();
    }
}
