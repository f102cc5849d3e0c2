package io.paddock.coordinator.zab;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A peer's term as leader, from election to stepping down: discovery (gather a quorum of learners,
 * choose the epoch), synchronization (DIFF/TRUNC/SNAP, NEWLEADER acks), broadcast (propose, count
 * acks, commit), and the liveness checks that make it step down. A new instance per leadership; it
 * reads and changes its {@link ZabPeer}'s durable state and Ready through package access.
 */
final class LeaderRole {
    private enum Phase { DISCOVERY, EPOCH_ACKS, SYNC, BROADCAST }

    private final ZabPeer p;
    private Phase phase = Phase.DISCOVERY;
    private long epoch = -1;
    private long counter;
    private final long becameLeaderTick;
    private final Map<Long, Learner> learners = new HashMap<>();
    private boolean ownCurrentEpochDurable;

    LeaderRole(ZabPeer p) {
        this.p = p;
        this.becameLeaderTick = p.tick;
        // With one voter our own acceptedEpoch is a quorum already.
        maybeChooseEpoch();
    }

    long epoch() {
        return epoch;
    }

    boolean established() {
        return phase == Phase.BROADCAST;
    }

    /** The zxid the next {@link #propose} will assign, or -1. */
    long nextZxid() {
        return established() ? Zxid.of(epoch, counter + 1) : -1;
    }

    long propose(byte[] payload) {
        if (!established()) {
            return -1;
        }
        long zxid = Zxid.of(epoch, ++counter);
        Entry e = new Entry(zxid, payload);
        p.appendToLog(e);
        for (Map.Entry<Long, Learner> l : learners.entrySet()) {
            Learner learner = l.getValue();
            if (learner.syncSent && !learner.observer) {
                p.send(new Outbound(l.getKey(), new Message.Proposal(epoch, e)));
                if (learner.unackedSinceTick < 0) {
                    learner.unackedSinceTick = p.tick;
                }
            }
        }
        return zxid;
    }

    /** A Ready was advanced; {@code persistedCurrentEpoch} is the currentEpoch it made durable, or -1. */
    void advanced(long persistedCurrentEpoch) {
        // the value this Ready persisted, not the peer's current one: a Ready of an earlier term may
        // complete after this leader set (but has not yet persisted) its own currentEpoch
        if (persistedCurrentEpoch >= 0 && persistedCurrentEpoch == epoch) {
            ownCurrentEpochDurable = true;
            maybeEstablish();
        }
        if (phase == Phase.BROADCAST) {
            maybeCommit();
        }
    }

    void forget(long learner) {
        learners.remove(learner);
    }

    /** Learners the leader has synchronized (zk_synced_followers), voters only. */
    int syncedFollowers() {
        int n = 0;
        for (Learner l : learners.values()) {
            if (l.synced && !l.observer) {
                n++;
            }
        }
        return n;
    }

    int followers() {
        return (int) learners.values().stream().filter(l -> !l.observer).count();
    }



    void step(long from, Message m) {
        Learner l = learners.get(from);
        if (l != null) {
            l.lastHeardTick = p.tick;
        }
        if (m instanceof Message.FollowerInfo fi) {
            if (l != null) {
                // A re-send: the learner has not looked again since (that would have reached us as a
                // LOOKING notification first, on the same ordered link) nor disconnected.
                return;
            }
            if (phase != Phase.DISCOVERY && fi.acceptedEpoch() > epoch) {
                // It accepted a later epoch (in a round that never established) and can never follow
                // ours: left alone it would be shut p.out until the next election. Step down so that
                // the next leader's epoch counts it (found by the simulator with aimed crashes).
                p.lookAgain();
                return;
            }
            l = new Learner(fi.observer() || p.config.observers().contains(from), fi.acceptedEpoch(), p.tick);
            learners.put(from, l);
            if (phase == Phase.DISCOVERY) {
                maybeChooseEpoch();
            } else {
                p.send(new Outbound(from, new Message.NewEpoch(epoch)));
            }
        } else if (l == null) {
            return;
        } else if (m instanceof Message.AckEpoch ae) {
            if (l.ackedEpoch || l.uncountedAck) {
                // one ACKEPOCH per FOLLOWERINFO: a second would sync the learner again from a stale
                // position, although it may have committed past it since
                return;
            }
            l.historyZxid = ae.lastZxid();
            if (ae.currentEpoch() == Message.AckEpoch.UNCOUNTED) {
                // synchronized like any learner, but not part of the discovery quorum
                l.uncountedAck = true;
                if (phase == Phase.SYNC || phase == Phase.BROADCAST) {
                    syncLearner(from, l);
                }
                return;
            }
            l.ackedEpoch = true;
            l.historyEpoch = ae.currentEpoch();
            if (!l.observer && compareHistory(ae.currentEpoch(), ae.lastZxid()) > 0) {
                // Someone has a longer history: this peer must not lead (Zab's discovery check).
                p.lookAgain();
                return;
            }
            if (phase == Phase.EPOCH_ACKS) {
                maybeStartSync();
            } else if (phase == Phase.SYNC || phase == Phase.BROADCAST) {
                syncLearner(from, l);
            }
        } else if (m instanceof Message.AckNewLeader anl && anl.epoch() == epoch) {
            l.synced = true;
            l.ackedZxid = Math.max(l.ackedZxid, l.historyZxid);
            l.unackedSinceTick = l.ackedZxid >= p.lastZxid() ? -1 : p.tick;
            if (phase == Phase.SYNC) {
                maybeEstablish();
            } else if (phase == Phase.BROADCAST) {
                p.send(new Outbound(from, new Message.UpToDate(epoch, p.committed)));
            }
        } else if (m instanceof Message.Ack a && a.epoch() == epoch) {
            if (l.synced) {
                l.ackedZxid = Math.max(l.ackedZxid, a.zxid());
                // Acks arrive in proposal order: the oldest unacknowledged one is now younger (or none).
                l.unackedSinceTick = l.ackedZxid >= p.lastZxid() ? -1 : p.tick;
                if (phase == Phase.BROADCAST) {
                    maybeCommit();
                }
            }
        }
    }

    private int compareHistory(long otherEpoch, long otherZxid) {
        if (otherEpoch != p.currentEpoch) {
            return Long.compare(otherEpoch, p.currentEpoch);
        }
        return Long.compare(otherZxid, p.lastZxid());
    }

    void maybeChooseEpoch() {
        Set<Long> known = new HashSet<>(learners.keySet());
        known.add(p.myId);
        if (!p.config.isQuorum(known)) {
            return;
        }
        long max = p.acceptedEpoch;
        for (Learner l : learners.values()) {
            max = Math.max(max, l.acceptedEpoch);
        }
        epoch = max + 1;
        p.setAcceptedEpoch(epoch);
        p.acceptedEpochOwner = p.myId;
        phase = Phase.EPOCH_ACKS;
        for (long peer : learners.keySet()) {
            p.out.sendAfterPersist.add(new Outbound(peer, new Message.NewEpoch(epoch)));
        }
        maybeStartSync();
    }

    private void maybeStartSync() {
        Set<Long> acked = new HashSet<>();
        acked.add(p.myId);
        for (Map.Entry<Long, Learner> e : learners.entrySet()) {
            if (e.getValue().ackedEpoch) {
                acked.add(e.getKey());
            }
        }
        if (!p.config.isQuorum(acked)) {
            return;
        }
        // A quorum's histories are no longer than ours: adopt the new epoch as our own history's epoch.
        p.setCurrentEpoch(epoch);
        phase = Phase.SYNC;
        for (Map.Entry<Long, Learner> e : learners.entrySet()) {
            if (e.getValue().ackedEpoch || e.getValue().uncountedAck) {
                syncLearner(e.getKey(), e.getValue());
            }
        }
    }

    /** Brings a learner to our history ({@link SyncPlan}); NEWLEADER follows on the same ordered link. */
    private void syncLearner(long id, Learner l) {
        Message.Sync sync = SyncPlan.plan(p.log, epoch, l.historyZxid, p.snapshots, p.config.defect());
        l.syncSent = true;
        // After this sync the learner's history is ours; its NEWLEADER ack vouches for all of it.
        l.historyZxid = p.lastZxid();
        // Messages to a learner leave in order: the sync, NEWLEADER, then every later proposal.
        p.out.sendAfterPersist.add(new Outbound(id, sync));
        p.out.sendAfterPersist.add(new Outbound(id, new Message.NewLeader(epoch)));
    }

    void maybeEstablish() {
        if (phase != Phase.SYNC || !ownCurrentEpochDurable) {
            return;
        }
        Set<Long> acked = new HashSet<>();
        acked.add(p.myId);
        for (Map.Entry<Long, Learner> e : learners.entrySet()) {
            if (e.getValue().synced) {
                acked.add(e.getKey());
            }
        }
        if (!p.config.isQuorum(acked)) {
            return;
        }
        phase = Phase.BROADCAST;
        // Our whole history is now durable on a quorum: it is p.committed.
        p.commitUpTo(p.lastZxid());
        for (Map.Entry<Long, Learner> e : learners.entrySet()) {
            if (e.getValue().synced) {
                p.send(new Outbound(e.getKey(), new Message.UpToDate(epoch, p.committed)));
            }
        }
    }

    void maybeCommit() {
        List<Long> acks = new ArrayList<>();
        acks.add(p.durableZxid);
        for (Map.Entry<Long, Learner> e : learners.entrySet()) {
            Learner l = e.getValue();
            if (l.synced && !l.observer && p.config.voters().contains(e.getKey())) {
                acks.add(l.ackedZxid);
            }
        }
        acks.sort(null);
        int needed = p.config.quorumSize();
        if (p.config.defect() == ZabConfig.Defect.COMMIT_ONE_ACK_SHORT) {
            needed = Math.max(1, needed - 1);
        }
        if (acks.size() < needed) {
            return;
        }
        long quorumAcked = acks.get(acks.size() - needed);
        if (quorumAcked <= p.committed) {
            return;
        }
        long before = p.committed;
        p.commitUpTo(quorumAcked);
        for (Map.Entry<Long, Learner> e : learners.entrySet()) {
            Learner l = e.getValue();
            if (!l.syncSent) {
                continue;
            }
            if (l.observer) {
                for (int i = p.log.firstIndexAfter(before); i < p.log.size() && p.log.get(i).zxid() <= p.committed; i++) {
                    p.send(new Outbound(e.getKey(), new Message.Inform(epoch, p.log.get(i))));
                }
            } else {
                p.send(new Outbound(e.getKey(), new Message.Commit(epoch, p.committed)));
            }
        }
    }

    /**
     * A learner that answers pings but has not acknowledged a proposal for syncLimit ticks (its disk
     * stalls, or it is far too slow) is no longer in sync: forget it, as ZooKeeper's leader does. It
     * gets no more pings, times p.out and synchronizes afresh; meanwhile it does not count toward the
     * quorum this leader needs to stay leader.
     */
    private void dropSilentLearners() {
        if (p.config.defect() == ZabConfig.Defect.LEADER_KEEPS_SILENT_FOLLOWER) {
            return;
        }
        if (p.persistingTicks() > p.config.syncLimitTicks() / 2) {
            // our own disk is the slow one: proposals wait to be sent behind our Ready, so the
            // learners' silence says nothing about them
            return;
        }
        learners.entrySet().removeIf(e -> {
            Learner l = e.getValue();
            return l.synced && !l.observer && l.unackedSinceTick >= 0
                    && p.tick - l.unackedSinceTick > p.config.syncLimitTicks();
        });
    }

    void tick() {
        if (phase != Phase.BROADCAST) {
            if (p.tick - becameLeaderTick > p.config.initLimitTicks()) {
                p.lookAgain();
                return;
            }
            for (Map.Entry<Long, Learner> e : learners.entrySet()) {
                if (e.getValue().syncSent) {
                    p.send(new Outbound(e.getKey(), new Message.Ping(epoch, p.committed)));
                }
            }
            return;
        }
        dropSilentLearners();
        Set<Long> heard = new HashSet<>();
        heard.add(p.myId);
        for (Map.Entry<Long, Learner> e : learners.entrySet()) {
            Learner l = e.getValue();
            boolean recent = p.tick - l.lastHeardTick <= p.config.syncLimitTicks()
                    || p.config.defect() == ZabConfig.Defect.LEADER_KEEPS_SILENT_FOLLOWER;
            if (l.synced && recent) {
                heard.add(e.getKey());
            }
        }
        if (!p.config.isQuorum(heard)) {
            // Decide before pinging: a last round of pings from a leader that has just lost its
            // quorum would keep its learners serving for another syncLimit (found by the
            // whole-server simulator, seed 139).
            p.lookAgain();
            return;
        }
        for (Map.Entry<Long, Learner> e : learners.entrySet()) {
            if (e.getValue().syncSent) {
                p.send(new Outbound(e.getKey(), new Message.Ping(epoch, p.committed)));
            }
        }
    }
}
