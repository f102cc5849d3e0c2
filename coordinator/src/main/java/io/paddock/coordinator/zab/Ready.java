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
 */
public record Ready(List<Outbound> sendNow, long truncateAfter, SnapshotHandle installSnapshot,
                   List<Entry> append, long acceptedEpoch, long currentEpoch, List<Outbound> sendAfterPersist,
                   List<Entry> commit) {
    /** The zxid of {@link #installSnapshot()}, or -1. */
    public long snapshotZxid() {
        return installSnapshot == null ? -1 : installSnapshot.zxid();
    }
}
