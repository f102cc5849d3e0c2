package io.paddock.coordinator.zab;

/**
 * A candidate in leader election, ordered by (currentEpoch, lastZxid, sid): the highest wins, so the
 * elected leader holds the most complete history among those that voted for it.
 */
public record Vote(long sid, long epoch, long zxid) implements Comparable<Vote> {
    @Override
    public int compareTo(Vote o) {
        if (epoch != o.epoch) {
            return Long.compare(epoch, o.epoch);
        }
        if (zxid != o.zxid) {
            return Long.compare(zxid, o.zxid);
        }
        return Long.compare(sid, o.sid);
    }
}
