package io.paddock.coordinator.zab;

import java.util.List;

/**
 * How a leader brings a learner to its history: DIFF when the learner's last zxid is in the
 * leader's log, TRUNC to the leader's last earlier zxid when the learner has entries the leader
 * lacks, SNAP (the applied state) when the log no longer reaches back far enough.
 */
final class SyncPlan {
    private SyncPlan() {
    }

    static Message.Sync plan(ZabLog log, long epoch, long theirs, ZabPeer.SnapshotSource snapshots,
                             ZabConfig.Defect defect) {
        long ours = log.lastZxid();
        long base = log.base();
        if (theirs == ours) {
            return new Message.Sync(epoch, Message.Sync.Kind.DIFF, -1, null, List.of());
        }
        if (theirs > base && theirs < ours && log.contains(theirs)) {
            return new Message.Sync(epoch, Message.Sync.Kind.DIFF, -1, null, log.entriesAfter(theirs));
        }
        if (theirs > ours || theirs > base && !log.contains(theirs)) {
            long truncateTo = log.lastBelow(theirs);
            if (truncateTo < 0) {
                return snapshot(log, epoch, snapshots);
            }
            if (defect == ZabConfig.Defect.SKIP_TRUNC) {
                return new Message.Sync(epoch, Message.Sync.Kind.DIFF, -1, null, log.entriesAfter(truncateTo));
            }
            return new Message.Sync(epoch, Message.Sync.Kind.TRUNC, truncateTo, null, log.entriesAfter(truncateTo));
        }
        if (theirs == base) {
            return new Message.Sync(epoch, Message.Sync.Kind.DIFF, -1, null, log.entriesAfter(theirs));
        }
        return snapshot(log, epoch, snapshots);
    }

    private static Message.Sync snapshot(ZabLog log, long epoch, ZabPeer.SnapshotSource snapshots) {
        SnapshotHandle s = snapshots.take();
        if (s.zxid() < log.base()) {
            throw new IllegalStateException("snapshot at " + Zxid.hex(s.zxid()) + " is older than the log base "
                    + Zxid.hex(log.base()));
        }
        return new Message.Sync(epoch, Message.Sync.Kind.SNAP, -1, s, log.entriesAfter(s.zxid()));
    }
}
