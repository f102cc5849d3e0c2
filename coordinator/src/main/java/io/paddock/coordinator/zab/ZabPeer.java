package io.paddock.coordinator.zab;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One peer of a Zab ensemble as a pure state machine (see the package documentation for the driver
 * contract). It keeps the log entries after {@code logBase} in memory; the driver may drop applied
 * entries with {@link #compact(long)}, after which followers that need them are sent a snapshot.
 */
public final class ZabPeer {
    /**
     * The state the driver can hand out for a SNAP synchronization: its applied state, at the zxid it
     * has applied when asked (on the driver's thread, inside {@link #step} or {@link #tick}). Each
     * call is for one learner; the handle goes into one Sync message, and the transport that sends
     * it (or fails to) releases it.
     */
    public interface SnapshotSource {
        SnapshotHandle take();
    }

    private enum FollowerPhase { DISCOVERY, SYNC, BROADCAST }

    final long myId;
    final ZabConfig config;
    final SnapshotSource snapshots;

    // durable state, as of the last Ready (mirrors what the driver persisted or is persisting)
    long acceptedEpoch;
    /**
     * The peer our acceptedEpoch was promised to (the leader whose NEWEPOCH we acknowledged, or we
     * ourselves as the leader that chose it); -1 when unknown (after a restart). Not durable.
     */
    long acceptedEpochOwner = -1;
    long currentEpoch;
    final ZabLog log;

    long committed;
    private long applied;
    /** Bumped on every role change; see {@link Ready#attempt()}. */
    private long attempt;
    long durableZxid;
    long tick;
    private Role role = Role.LOOKING;

    private final Election election;
    private boolean resyncing;

    // following / observing
    private long leaderId = -1;
    private long leaderEpoch = -1;
    private FollowerPhase followerPhase;
    private long lastHeardFromLeader;
    private long lastFollowerInfoTick;

    // leading
    private LeaderRole leader;

    // outputs of the Ready being assembled
    final ReadyBuilder out = new ReadyBuilder();
    private boolean readyOutstanding;
    private long readyTakenTick;
    private long outstandingLastZxid = -1;
    /** The currentEpoch the outstanding Ready persists, or -1. */
    private long outstandingCurrentEpoch = -1;

    /**
     * A peer restarting from its durable state: epochs, the log entries after {@code logBase} (whose
     * state the driver already has applied up to {@code appliedZxid}).
     */
    public ZabPeer(long myId, ZabConfig config, long acceptedEpoch, long currentEpoch, long logBase,
                   List<Entry> durableLog, long appliedZxid, SnapshotSource snapshots) {
        this(myId, config, acceptedEpoch, currentEpoch, logBase, durableLog, appliedZxid, snapshots, false);
    }

    /**
     * @param resyncing the peer dropped a history it may have acknowledged (a hole found at start-up):
     *     until a leader has synchronized it (and it adopted that leader's currentEpoch) it stands for
     *     no election and its ACKEPOCH does not count toward a discovery quorum, so no leader can be
     *     chosen on the strength of what it forgot
     */
    public ZabPeer(long myId, ZabConfig config, long acceptedEpoch, long currentEpoch, long logBase,
                   List<Entry> durableLog, long appliedZxid, SnapshotSource snapshots, boolean resyncing) {
        this.resyncing = resyncing;
        if (!config.members().contains(myId)) {
            throw new IllegalArgumentException("server " + myId + " is not a member of " + config.members());
        }
        if (acceptedEpoch < currentEpoch) {
            throw new IllegalArgumentException("acceptedEpoch " + acceptedEpoch + " < currentEpoch " + currentEpoch);
        }
        this.myId = myId;
        this.config = config;
        this.snapshots = snapshots;
        this.acceptedEpoch = acceptedEpoch;
        this.currentEpoch = currentEpoch;
        this.log = new ZabLog(logBase, durableLog);
        this.election = new Election(myId, config, new Election.Peer() {
            @Override
            public void send(Outbound o) {
                ZabPeer.this.send(o);
            }

            @Override
            public Vote ownVote() {
                if (!config.voters().contains(myId)) {
                    return null;
                }
                // a resyncing peer's own history counts for nothing: it votes, but never for itself
                return resyncing ? new Vote(myId, -1, -1) : new Vote(myId, ZabPeer.this.currentEpoch, lastZxid());
            }

            @Override
            public void lead() {
                ZabPeer.this.lead();
            }

            @Override
            public void follow(long leader) {
                ZabPeer.this.follow(leader);
            }
        });
        this.applied = appliedZxid;
        this.committed = appliedZxid;
        // Entries of an epoch newer than currentEpoch come from a synchronization that crashed before
        // NEWLEADER made the epoch durable. Nothing acknowledges an epoch-e entry before currentEpoch
        // = e is durable, so they were never acknowledged: drop them, which restores
        // acceptedEpoch >= currentEpoch >= epoch(last logged zxid).
        long keep = logBase;
        for (Entry e : durableLog) {
            if (Zxid.epoch(e.zxid()) <= currentEpoch) {
                keep = e.zxid();
            }
        }
        if (keep < lastZxid()) {
            truncateLog(Math.max(keep, appliedZxid));
        }
        this.durableZxid = lastZxid();
        startElection();
    }

    // ================================================================== inspection

    public long id() {
        return myId;
    }

    public Role role() {
        return role;
    }

    public long leaderId() {
        return role == Role.LEADING ? myId : leaderId;
    }

    /** The epoch this peer leads or follows in, or -1. */
    public long epoch() {
        return role == Role.LEADING ? leader.epoch() : leaderEpoch;
    }

    /** A leader is established once a quorum acknowledged NEWLEADER; only then may it propose. */
    public boolean isEstablishedLeader() {
        return role == Role.LEADING && leader.established();
    }

    /** A follower or observer that finished synchronization with its leader. */
    public boolean isSynced() {
        return (role == Role.FOLLOWING || role == Role.OBSERVING) && followerPhase == FollowerPhase.BROADCAST;
    }

    public long lastZxid() {
        return log.lastZxid();
    }

    public long committedZxid() {
        return committed;
    }

    public long acceptedEpoch() {
        return acceptedEpoch;
    }

    public long currentEpoch() {
        return currentEpoch;
    }

    /**
     * The received snapshot the next Ready will install, or null. A driver that hands the peer a Sync
     * carrying a snapshot compares before and after {@link #step}: a handle that is not (or no longer)
     * pending was dropped by the core (a stale Sync, or a later SNAP replacing it before its Ready was
     * taken), and what the driver holds for it may be freed.
     */
    public SnapshotHandle pendingSnapshot() {
        return out.installSnapshot;
    }

    public List<Entry> logView() {
        return log.view();
    }

    public long logBase() {
        return log.base();
    }

    /** Learners the leader has synchronized (zk_synced_followers), voters only. */
    public int syncedFollowers() {
        return role == Role.LEADING ? leader.syncedFollowers() : 0;
    }

    public int followers() {
        return role == Role.LEADING ? leader.followers() : 0;
    }

    @Override
    public String toString() {
        return "peer " + myId + " " + role + (role == Role.LOOKING ? "" : " leader=" + leaderId()) + " epoch=" + epoch()
                + " round=" + election.round() + " vote=" + (election.vote() == null ? "-" : election.vote().sid()) + " last=" + Zxid.hex(lastZxid()) + " committed="
                + Zxid.hex(committed);
    }

    // ================================================================== inputs

    public void tick() {
        tick++;
        switch (role) {
            case LOOKING -> election.tick(tick);
            case FOLLOWING, OBSERVING -> {
                // Synchronization may take initLimit; afterwards the leader pings every tick.
                int limit = followerPhase == FollowerPhase.BROADCAST ? config.syncLimitTicks() : config.initLimitTicks();
                if (tick - lastHeardFromLeader > limit) {
                    lookAgain();
                } else if (persistenceStalled()) {
                    // Our own log cannot keep up: we would acknowledge nothing and apply nothing
                    // while answering pings, and our clients would read a frozen past. Stop following.
                    lookAgain();
                } else if (leaderEpoch < 0 && tick - lastFollowerInfoTick >= config.resendTicks()) {
                    // The chosen leader may still have been LOOKING when our FOLLOWERINFO arrived
                    // (it decides a little later than we did) and dropped it: say it again.
                    lastFollowerInfoTick = tick;
                    send(new Outbound(leaderId, new Message.FollowerInfo(acceptedEpoch, role == Role.OBSERVING)));
                }
            }
            case LEADING -> leader.tick();
        }
    }

    /** A Ready has been persisting for longer than syncLimit allows a follower to lag. */
    private boolean persistenceStalled() {
        // a learner still synchronizing may take initLimit (a snapshot to write), as for hearing from the leader
        boolean syncing = (role == Role.FOLLOWING || role == Role.OBSERVING) && followerPhase != FollowerPhase.BROADCAST;
        int limit = syncing ? config.initLimitTicks() : config.syncLimitTicks();
        return readyOutstanding && tick - readyTakenTick > limit
                && config.defect() != ZabConfig.Defect.FOLLOWER_IGNORES_STALLED_LOG;
    }

    /** Ticks our current Ready has been persisting, or 0 when none is outstanding. */
    long persistingTicks() {
        return readyOutstanding ? tick - readyTakenTick : 0;
    }

    /**
     * True while a Ready has been outstanding (persisting) for more than syncLimit ticks: whatever
     * the role, this peer's state is behind what it has promised or been told, and its server should
     * not answer clients from it.
     */
    public boolean stalled() {
        return persistenceStalled();
    }

    /** The link to {@code peer} broke (the simulator's or the network's TCP connection closed). */
    public void disconnected(long peer) {
        if ((role == Role.FOLLOWING || role == Role.OBSERVING) && peer == leaderId) {
            lookAgain();
        } else if (role == Role.LEADING) {
            leader.forget(peer);
        }
    }

    /** The zxid the next {@link #propose} will assign (the leader prepares the txn for it), or -1. */
    public long nextZxid() {
        return role == Role.LEADING ? leader.nextZxid() : -1;
    }

    /** Proposes a txn; returns its zxid, or -1 when this peer is not an established leader. */
    public long propose(byte[] payload) {
        return role == Role.LEADING ? leader.propose(payload) : -1;
    }

    /** Drops applied entries up to {@code zxid} from memory (the driver snapshotted that state). */
    public void compact(long zxid) {
        if (zxid > applied) {
            throw new IllegalArgumentException("compact beyond applied " + Zxid.hex(applied));
        }
        log.compact(zxid);
    }

    public void step(long from, Message m) {
        if (!config.members().contains(from) || from == myId || m instanceof Message.Relay) {
            return;
        }
        if (m instanceof Message.Notification n) {
            onNotification(from, n);
            return;
        }
        switch (role) {
            case LEADING -> leader.step(from, m);
            case FOLLOWING, OBSERVING -> {
                if (from == leaderId) {
                    followerStep(m);
                }
            }
            default -> { }
        }
    }

    // ================================================================== Ready handling

    public boolean hasReady() {
        return !readyOutstanding && !out.isEmpty();
    }

    public Ready ready() {
        if (readyOutstanding) {
            throw new IllegalStateException("previous Ready not advanced");
        }
        readyOutstanding = true;
        readyTakenTick = tick;
        outstandingLastZxid = lastZxid();
        outstandingCurrentEpoch = out.persistCurrent;
        return out.take(attempt);
    }

    /** Everything in the last Ready is durable and applied. */
    public void advance() {
        if (!readyOutstanding) {
            throw new IllegalStateException("no Ready outstanding");
        }
        readyOutstanding = false;
        durableZxid = Math.min(outstandingLastZxid, lastZxid());
        if (role == Role.LEADING) {
            leader.advanced(outstandingCurrentEpoch);
        }
    }

    void send(Outbound o) {
        out.send(o);
    }

    // ================================================================== log mutations (recorded for the Ready)

    void appendToLog(Entry e) {
        log.append(e);
        out.append.add(e);
    }

    private void truncateLog(long zxid) {
        if (zxid < committed) {
            throw new IllegalStateException("peer " + myId + " asked to truncate committed history: to "
                    + Zxid.hex(zxid) + " but committed " + Zxid.hex(committed));
        }
        log.removeAfter(zxid);
        out.truncated(zxid);
        durableZxid = Math.min(durableZxid, zxid);
    }

    void setAcceptedEpoch(long e) {
        acceptedEpoch = e;
        out.persistAccepted = e;
    }

    void setCurrentEpoch(long e) {
        currentEpoch = e;
        out.persistCurrent = e;
        resyncing = false;
    }

    void commitUpTo(long zxid) {
        long target = Math.min(zxid, lastZxid());
        if (target <= committed) {
            return;
        }
        committed = target;
        for (int i = log.firstIndexAfter(applied); i < log.size() && log.get(i).zxid() <= committed; i++) {
            Entry e = log.get(i);
            out.commit.add(e);
            applied = e.zxid();
        }
    }

    // ================================================================== election

    /**
     * A new role attempt (looking, following a leader, leading): acknowledgements still waiting for
     * persistence belong to the one abandoned and must never be sent (see {@link Ready#attempt()}).
     */
    private void newAttempt() {
        attempt++;
        out.sendAfterPersist.clear();
    }

    /** Changes whenever the peer looks again, follows or leads; see {@link Ready#attempt()}. */
    public long attempt() {
        return attempt;
    }

    private void startElection() {
        newAttempt();
        role = Role.LOOKING;
        leaderId = -1;
        leaderEpoch = -1;
        followerPhase = null;
        leader = null;
        election.start(tick);
    }

    void lookAgain() {
        startElection();
    }

    private void onNotification(long from, Message.Notification n) {
        if (role == Role.LOOKING) {
            election.onNotification(from, n, tick);
            return;
        }
        if (n.senderRole() == Role.LOOKING && role == Role.LEADING) {
            // It no longer follows us (if it did): its next FOLLOWERINFO starts afresh.
            leader.forget(from);
        }
        if (n.senderRole() == Role.LOOKING) {
            // Tell a late joiner who leads.
            Vote leaderVote = new Vote(leaderId(), epoch(), lastZxid());
            send(new Outbound(from, new Message.Notification(n.round(), leaderVote, role, epoch())));
        }
    }

    // ================================================================== following

    void follow(long leader) {
        newAttempt();
        role = config.observers().contains(myId) ? Role.OBSERVING : Role.FOLLOWING;
        leaderId = leader;
        leaderEpoch = -1;
        followerPhase = FollowerPhase.DISCOVERY;
        lastHeardFromLeader = tick;
        lastFollowerInfoTick = tick;
        send(new Outbound(leader, new Message.FollowerInfo(acceptedEpoch, role == Role.OBSERVING)));
    }

    private void followerStep(Message m) {
        if (m instanceof Message.FollowerInfo || m instanceof Message.AckEpoch || m instanceof Message.AckNewLeader
                || m instanceof Message.Ack || m instanceof Message.PingAck) {
            // Learner-to-leader traffic from the peer we think leads: it follows someone too (two
            // peers can each believe the other leads). It must not count as hearing from a leader,
            // or their FOLLOWERINFO re-sends would keep both waiting forever.
            return;
        }
        lastHeardFromLeader = tick;
        if (m instanceof Message.NewEpoch ne) {
            if (ne.epoch() < acceptedEpoch) {
                lookAgain();
                return;
            }
            // An epoch is promised to one leader only: two leaders that chose the same epoch (one
            // from stale FOLLOWERINFOs) must not both count us toward their discovery quorum. A
            // NEWEPOCH equal to an epoch we accepted from someone else (or cannot remember from whom,
            // after a restart) gets an ack the leader does not count, as ZooKeeper's -1 ack.
            boolean counted = (ne.epoch() > acceptedEpoch || acceptedEpochOwner == leaderId) && !resyncing;
            if (ne.epoch() > acceptedEpoch) {
                setAcceptedEpoch(ne.epoch());
                acceptedEpochOwner = leaderId;
            }
            leaderEpoch = ne.epoch();
            followerPhase = FollowerPhase.SYNC;
            Outbound ackEpoch = new Outbound(leaderId,
                    new Message.AckEpoch(counted ? currentEpoch : Message.AckEpoch.UNCOUNTED, lastZxid()));
            if (config.defect() == ZabConfig.Defect.ACK_EPOCH_BEFORE_DURABLE) {
                out.sendNow.add(ackEpoch);
            } else {
                out.sendAfterPersist.add(ackEpoch);
            }
            return;
        }
        if (leaderEpoch < 0) {
            return;
        }
        if (m instanceof Message.Sync s && s.epoch() == leaderEpoch) {
            switch (s.kind()) {
                case SNAP -> {
                    if (s.snapshot() == null) {
                        return;
                    }
                    truncateLog(Math.min(committed, lastZxid()));
                    log.resetTo(s.snapshotZxid());
                    out.snapshot(s.snapshot());
                    committed = s.snapshotZxid();
                    applied = s.snapshotZxid();
                    durableZxid = Math.min(durableZxid, log.base());
                }
                case TRUNC -> truncateLog(s.truncateTo());
                case DIFF -> { }
            }
            for (Entry e : s.entries()) {
                if (e.zxid() > lastZxid()) {
                    appendToLog(e);
                }
            }
        } else if (m instanceof Message.NewLeader nl && nl.epoch() == leaderEpoch) {
            setCurrentEpoch(nl.epoch());
            Outbound ack = new Outbound(leaderId, new Message.AckNewLeader(nl.epoch()));
            if (config.defect() == ZabConfig.Defect.ACK_NEWLEADER_BEFORE_DURABLE) {
                out.sendNow.add(ack);
            } else {
                out.sendAfterPersist.add(ack);
            }
        } else if (m instanceof Message.UpToDate u && u.epoch() == leaderEpoch) {
            followerPhase = FollowerPhase.BROADCAST;
            commitUpTo(u.committed());
        } else if (m instanceof Message.Proposal p && p.epoch() == leaderEpoch) {
            if (!continues(p.entry().zxid())) {
                return;
            }
            appendToLog(p.entry());
            out.sendAfterPersist.add(new Outbound(leaderId, new Message.Ack(leaderEpoch, p.entry().zxid())));
        } else if (m instanceof Message.Commit c && c.epoch() == leaderEpoch) {
            commitUpTo(c.zxid());
        } else if (m instanceof Message.Inform i && i.epoch() == leaderEpoch) {
            if (i.entry().zxid() > lastZxid()) {
                if (!continues(i.entry().zxid())) {
                    return;
                }
                appendToLog(i.entry());
            }
            commitUpTo(i.entry().zxid());
        } else if (m instanceof Message.Ping p && p.epoch() == leaderEpoch) {
            send(new Outbound(leaderId, new Message.PingAck(leaderEpoch)));
        }
    }

    // ================================================================== leading (LeaderRole)

    void lead() {
        newAttempt();
        role = Role.LEADING;
        leader = new LeaderRole(this);
    }

    /**
     * True when {@code zxid} directly follows our log (the next counter, or the first txn of a later
     * epoch). Otherwise a message was lost on a link that did not report the loss as a break: our
     * history would get a hole, so look for the leader again and let synchronization fill it.
     */
    private boolean continues(long zxid) {
        long last = lastZxid();
        if (zxid == last + 1 || Zxid.epoch(zxid) > Zxid.epoch(last) && Zxid.counter(zxid) == 1) {
            return true;
        }
        lookAgain();
        return false;
    }
}
