package io.paddock.coordinator.zab;

import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Membership and timing of one ensemble, in ticks.
 *
 * @param voters participants (they vote and count for quorums)
 * @param observers non-voting members that receive committed entries
 * @param initLimitTicks how long a new leader may take to gather and synchronize a quorum
 * @param syncLimitTicks how long a follower may go without hearing from its leader (and a leader
 *     without hearing from a quorum) before looking for a new one
 * @param finalizeTicks how long an election waits, after a quorum agrees, for a better vote
 * @param resendTicks how often a LOOKING peer re-sends its vote
 * @param defect a deliberately broken variant, for proving the simulator catches it; NONE in production
 */
public record ZabConfig(SortedSet<Long> voters, SortedSet<Long> observers, int initLimitTicks, int syncLimitTicks,
                        int finalizeTicks, int resendTicks, Defect defect) {

    /** Protocol violations the simulator must be able to detect (tests only). */
    public enum Defect {
        NONE,
        /** Commit with one acknowledgement fewer than a quorum. */
        COMMIT_ONE_ACK_SHORT,
        /** Acknowledge NEWLEADER before the synchronized history is durable. */
        ACK_NEWLEADER_BEFORE_DURABLE,
        /** Never send TRUNC: a follower keeps entries of an abandoned epoch. */
        SKIP_TRUNC,
        /** A follower sends ACKEPOCH before its new acceptedEpoch is durable. */
        ACK_EPOCH_BEFORE_DURABLE,
        /**
         * The leader keeps a learner that stopped acknowledging (or answering at all) and goes on
         * counting it toward its quorum, so it never steps down for want of one.
         */
        LEADER_KEEPS_SILENT_FOLLOWER,
        /** A follower whose own log cannot persist keeps following (and its server keeps serving reads). */
        FOLLOWER_IGNORES_STALLED_LOG
    }

    public ZabConfig {
        voters = new TreeSet<>(voters);
        observers = new TreeSet<>(observers);
        if (voters.isEmpty()) {
            throw new IllegalArgumentException("an ensemble needs at least one voter");
        }
        for (long o : observers) {
            if (voters.contains(o)) {
                throw new IllegalArgumentException("server " + o + " is both voter and observer");
            }
        }
        if (initLimitTicks < 1 || syncLimitTicks < 1 || finalizeTicks < 0 || resendTicks < 1) {
            throw new IllegalArgumentException("tick limits must be positive");
        }
    }

    public static ZabConfig of(Set<Long> voters, Set<Long> observers, int initLimitTicks, int syncLimitTicks) {
        return new ZabConfig(new TreeSet<>(voters), new TreeSet<>(observers), initLimitTicks, syncLimitTicks, 1, 1,
                Defect.NONE);
    }

    public ZabConfig withDefect(Defect d) {
        return new ZabConfig(voters, observers, initLimitTicks, syncLimitTicks, finalizeTicks, resendTicks, d);
    }

    public boolean isQuorum(Set<Long> ids) {
        int n = 0;
        for (long id : ids) {
            if (voters.contains(id)) {
                n++;
            }
        }
        return n > voters.size() / 2;
    }

    public int quorumSize() {
        return voters.size() / 2 + 1;
    }

    public Set<Long> members() {
        Set<Long> all = new TreeSet<>(voters);
        all.addAll(observers);
        return all;
    }
}
