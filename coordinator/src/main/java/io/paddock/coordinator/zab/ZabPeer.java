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
    /** The state the driver can hand out for a SNAP synchronization: its applied state at {@code zxid}. */
    public interface SnapshotSource {
        Snapshot take();
    }

    public record Snapshot(long zxid, byte[] bytes) {}

    /** What the leader tracks of one learner. */
    private static final class Learner {
        final boolean observer;
        long acceptedEpoch;
        boolean ackedEpoch;
        /** Acknowledged our epoch without promising it (it had promised it before): synced, not counted. */
        boolean uncountedAck;
        long historyEpoch;
        long historyZxid;
        boolean syncSent;
        boolean synced;
        long ackedZxid;
        long lastHeardTick;
        /** Tick at which the oldest proposal this learner has not acknowledged was sent, or -1. */
        long unackedSinceTick = -1;

        Learner(boolean observer, long acceptedEpoch, long tick) {
            this.observer = observer;
            this.acceptedEpoch = acceptedEpoch;
            this.lastHeardTick = tick;
        }
    }

    private enum LeaderPhase { DISCOVERY, EPOCH_ACKS, SYNC, BROADCAST }

    private enum FollowerPhase { DISCOVERY, SYNC, BROADCAST }

    private final long myId;
    private final ZabConfig config;
    private final SnapshotSource snapshots;

    // durable state, as of the last Ready (mirrors what the driver persisted or is persisting)
    private long acceptedEpoch;
    /**
     * The peer our acceptedEpoch was promised to (the leader whose NEWEPOCH we acknowledged, or we
     * ourselves as the leader that chose it); -1 when unknown (after a restart). Not durable.
     */
    private long acceptedEpochOwner = -1;
    private long currentEpoch;
    private final ArrayList<Entry> log = new ArrayList<>();
    private long logBase;

    private long committed;
    private long applied;
    private long durableZxid;
    private long tick;
    private Role role = Role.LOOKING;

    // election
    private long round;
    private Vote vote;
    private final Map<Long, Vote> votes = new HashMap<>();
    private final Map<Long, Vote> establishedReports = new HashMap<>();
    private final Map<Long, Long> establishedEpochs = new HashMap<>();
    private int finalizeIn = -1;
    private long lastResendTick;

    // following / observing
    private long leaderId = -1;
    private long leaderEpoch = -1;
    private FollowerPhase followerPhase;
    private long lastHeardFromLeader;

    // leading
    private LeaderPhase leaderPhase;
    private long epoch;
    private long counter;
    private long becameLeaderTick;
    private final Map<Long, Learner> learners = new HashMap<>();
    private boolean ownCurrentEpochDurable;

    // outputs of the Ready being assembled
    private List<Outbound> sendNow = new ArrayList<>();
    private List<Outbound> sendAfterPersist = new ArrayList<>();
    private long truncateAfter = -1;
    private byte[] installSnapshot;
    private long installSnapshotZxid = -1;
    private List<Entry> append = new ArrayList<>();
    private long persistAccepted = -1;
    private long persistCurrent = -1;
    private List<Entry> commitOut = new ArrayList<>();
    private boolean readyOutstanding;
    private long readyTakenTick;
    private long outstandingLastZxid = -1;
    private boolean outstandingCurrentEpoch;

    /**
     * A peer restarting from its durable state: epochs, the log entries after {@code logBase} (whose
     * state the driver already has applied up to {@code appliedZxid}).
     */
    public ZabPeer(long myId, ZabConfig config, long acceptedEpoch, long currentEpoch, long logBase,
                   List<Entry> durableLog, long appliedZxid, SnapshotSource snapshots) {
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
        this.logBase = logBase;
        this.log.addAll(durableLog);
        this.applied = appliedZxid;
        this.committed = appliedZxid;
        // Entries of an epoch newer than currentEpoch come from a synchronization that crashed before
        // NEWLEADER made the epoch durable. Nothing acknowledges an epoch-e entry before currentEpoch
        // = e is durable, so they were never acknowledged: drop them, which restores
        // acceptedEpoch >= currentEpoch >= epoch(last logged zxid).
        long keep = logBase;
        for (Entry e : log) {
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
        return role == Role.LEADING ? epoch : leaderEpoch;
    }

    /** A leader is established once a quorum acknowledged NEWLEADER; only then may it propose. */
    public boolean isEstablishedLeader() {
        return role == Role.LEADING && leaderPhase == LeaderPhase.BROADCAST;
    }

    /** A follower or observer that finished synchronization with its leader. */
    public boolean isSynced() {
        return (role == Role.FOLLOWING || role == Role.OBSERVING) && followerPhase == FollowerPhase.BROADCAST;
    }

    public long lastZxid() {
        return log.isEmpty() ? logBase : log.get(log.size() - 1).zxid();
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

    public List<Entry> logView() {
        return List.copyOf(log);
    }

    public long logBase() {
        return logBase;
    }

    /** Learners the leader has synchronized (zk_synced_followers), voters only. */
    public int syncedFollowers() {
        int n = 0;
        for (Learner l : learners.values()) {
            if (l.synced && !l.observer) {
                n++;
            }
        }
        return n;
    }

    public int followers() {
        return (int) learners.values().stream().filter(l -> !l.observer).count();
    }

    @Override
    public String toString() {
        return "peer " + myId + " " + role + (role == Role.LOOKING ? "" : " leader=" + leaderId()) + " epoch=" + epoch()
                + " round=" + round + " vote=" + (vote == null ? "-" : vote.sid()) + " last=" + Zxid.hex(lastZxid()) + " committed="
                + Zxid.hex(committed);
    }

    // ================================================================== inputs

    public void tick() {
        tick++;
        switch (role) {
            case LOOKING -> lookingTick();
            case FOLLOWING, OBSERVING -> {
                // Synchronization may take initLimit; afterwards the leader pings every tick.
                int limit = followerPhase == FollowerPhase.BROADCAST ? config.syncLimitTicks() : config.initLimitTicks();
                if (tick - lastHeardFromLeader > limit) {
                    lookAgain();
                } else if (persistenceStalled()) {
                    // Our own log cannot keep up: we would acknowledge nothing and apply nothing
                    // while answering pings, and our clients would read a frozen past. Stop following.
                    lookAgain();
                } else if (leaderEpoch < 0 && tick - lastResendTick >= config.resendTicks()) {
                    // The chosen leader may still have been LOOKING when our FOLLOWERINFO arrived
                    // (it decides a little later than we did) and dropped it: say it again.
                    lastResendTick = tick;
                    send(new Outbound(leaderId, new Message.FollowerInfo(acceptedEpoch, role == Role.OBSERVING)));
                }
            }
            case LEADING -> leaderTick();
        }
    }

    /** A Ready has been persisting for longer than syncLimit allows a follower to lag. */
    private boolean persistenceStalled() {
        return readyOutstanding && tick - readyTakenTick > config.syncLimitTicks()
                && config.defect() != ZabConfig.Defect.FOLLOWER_IGNORES_STALLED_LOG;
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
            learners.remove(peer);
        }
    }

    /** The zxid the next {@link #propose} will assign (the leader prepares the txn for it), or -1. */
    public long nextZxid() {
        return isEstablishedLeader() ? Zxid.of(epoch, counter + 1) : -1;
    }

    /** Proposes a txn; returns its zxid, or -1 when this peer is not an established leader. */
    public long propose(byte[] payload) {
        if (!isEstablishedLeader()) {
            return -1;
        }
        long zxid = Zxid.of(epoch, ++counter);
        Entry e = new Entry(zxid, payload);
        appendToLog(e);
        for (Map.Entry<Long, Learner> l : learners.entrySet()) {
            Learner learner = l.getValue();
            if (learner.syncSent && !learner.observer) {
                send(new Outbound(l.getKey(), new Message.Proposal(epoch, e)));
                if (learner.unackedSinceTick < 0) {
                    learner.unackedSinceTick = tick;
                }
            }
        }
        return zxid;
    }

    /** Drops applied entries up to {@code zxid} from memory (the driver snapshotted that state). */
    public void compact(long zxid) {
        if (zxid > applied) {
            throw new IllegalArgumentException("compact beyond applied " + Zxid.hex(applied));
        }
        int n = 0;
        while (n < log.size() && log.get(n).zxid() <= zxid) {
            n++;
        }
        if (n > 0) {
            logBase = log.get(n - 1).zxid();
            log.subList(0, n).clear();
        }
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
            case LEADING -> leaderStep(from, m);
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
        return !readyOutstanding && (!sendNow.isEmpty() || !sendAfterPersist.isEmpty() || truncateAfter >= 0
                || installSnapshot != null || !append.isEmpty() || persistAccepted >= 0 || persistCurrent >= 0
                || !commitOut.isEmpty());
    }

    public Ready ready() {
        if (readyOutstanding) {
            throw new IllegalStateException("previous Ready not advanced");
        }
        Ready r = new Ready(sendNow, truncateAfter, installSnapshot, installSnapshotZxid, append, persistAccepted,
                persistCurrent, sendAfterPersist, commitOut);
        readyOutstanding = true;
        readyTakenTick = tick;
        outstandingLastZxid = lastZxid();
        outstandingCurrentEpoch = persistCurrent >= 0;
        sendNow = new ArrayList<>();
        sendAfterPersist = new ArrayList<>();
        truncateAfter = -1;
        installSnapshot = null;
        installSnapshotZxid = -1;
        append = new ArrayList<>();
        persistAccepted = -1;
        persistCurrent = -1;
        commitOut = new ArrayList<>();
        return r;
    }

    /** Everything in the last Ready is durable and applied. */
    public void advance() {
        if (!readyOutstanding) {
            throw new IllegalStateException("no Ready outstanding");
        }
        readyOutstanding = false;
        durableZxid = Math.min(outstandingLastZxid, lastZxid());
        if (role == Role.LEADING) {
            if (outstandingCurrentEpoch && currentEpoch == epoch) {
                ownCurrentEpochDurable = true;
                maybeEstablish();
            }
            if (leaderPhase == LeaderPhase.BROADCAST) {
                maybeCommit();
            }
        }
    }

    /**
     * Queues a message that needs no persistence. If something for the same peer already waits for
     * persistence in this Ready, it waits too: messages to one peer must leave in the order they were
     * produced (a proposal must not overtake the SYNC and NEWLEADER it follows).
     */
    private void send(Outbound o) {
        for (Outbound waiting : sendAfterPersist) {
            if (waiting.to() == o.to()) {
                sendAfterPersist.add(o);
                return;
            }
        }
        sendNow.add(o);
    }

    // ================================================================== log mutations (recorded for the Ready)

    private void appendToLog(Entry e) {
        if (e.zxid() <= lastZxid()) {
            throw new IllegalStateException("append " + e + " after " + Zxid.hex(lastZxid()));
        }
        log.add(e);
        append.add(e);
    }

    private void truncateLog(long zxid) {
        if (zxid < committed) {
            throw new IllegalStateException("peer " + myId + " asked to truncate committed history: to "
                    + Zxid.hex(zxid) + " but committed " + Zxid.hex(committed));
        }
        while (!log.isEmpty() && log.get(log.size() - 1).zxid() > zxid) {
            log.remove(log.size() - 1);
        }
        append.removeIf(e -> e.zxid() > zxid);
        truncateAfter = truncateAfter < 0 ? zxid : Math.min(truncateAfter, zxid);
        durableZxid = Math.min(durableZxid, zxid);
    }

    private void setAcceptedEpoch(long e) {
        acceptedEpoch = e;
        persistAccepted = e;
    }

    private void setCurrentEpoch(long e) {
        currentEpoch = e;
        persistCurrent = e;
    }

    private void commitUpTo(long zxid) {
        long target = Math.min(zxid, lastZxid());
        if (target <= committed) {
            return;
        }
        committed = target;
        for (int i = firstIndexAfter(applied); i < log.size() && log.get(i).zxid() <= committed; i++) {
            Entry e = log.get(i);
            commitOut.add(e);
            applied = e.zxid();
        }
    }

    /**
     * Index of the first in-memory entry with a zxid above {@code zxid} (log.size() if none). The
     * log holds up to two snapshots' worth of entries, so scanning it per commit would make every
     * commit cost O(log): search instead.
     */
    private int firstIndexAfter(long zxid) {
        int lo = 0;
        int hi = log.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (log.get(mid).zxid() <= zxid) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    // ================================================================== election

    private void startElection() {
        role = Role.LOOKING;
        leaderId = -1;
        leaderEpoch = -1;
        followerPhase = null;
        leaderPhase = null;
        learners.clear();
        round++;
        vote = initialVote();
        votes.clear();
        establishedReports.clear();
        establishedEpochs.clear();
        if (vote != null) {
            votes.put(myId, vote);
        }
        finalizeIn = -1;
        broadcastVote();
        if (vote != null && config.isQuorum(Set.of(myId))) {
            // A one-voter ensemble (a standalone server): no better vote can ever arrive.
            decide();
        }
    }

    /** Observers never stand for election; they learn the leader from established peers. */
    private Vote initialVote() {
        return config.voters().contains(myId) ? new Vote(myId, currentEpoch, lastZxid()) : null;
    }

    private void lookAgain() {
        startElection();
    }

    private void broadcastVote() {
        lastResendTick = tick;
        for (long peer : config.members()) {
            if (peer != myId) {
                send(new Outbound(peer, new Message.Notification(round, vote, Role.LOOKING, -1)));
            }
        }
    }

    private void lookingTick() {
        if (finalizeIn > 0 && --finalizeIn == 0) {
            decide();
            return;
        }
        if (tick - lastResendTick >= config.resendTicks()) {
            broadcastVote();
        }
    }

    private void onNotification(long from, Message.Notification n) {
        if (role != Role.LOOKING) {
            if (n.senderRole() == Role.LOOKING && role == Role.LEADING) {
                // It no longer follows us (if it did): its next FOLLOWERINFO starts afresh.
                learners.remove(from);
            }
            if (n.senderRole() == Role.LOOKING) {
                // Tell a late joiner who leads.
                Vote leaderVote = new Vote(leaderId(), epoch(), lastZxid());
                send(new Outbound(from, new Message.Notification(n.round(), leaderVote, role, epoch())));
            }
            return;
        }
        if (n.senderRole() != Role.LOOKING) {
            if (n.vote() != null && n.leaderEpoch() >= 0) {
                establishedReports.put(from, n.vote());
                establishedEpochs.put(from, n.leaderEpoch());
                checkEstablished();
            }
            return;
        }
        if (!config.voters().contains(myId)) {
            return;
        }
        boolean changed = false;
        if (n.round() > round) {
            round = n.round();
            votes.clear();
            vote = initialVote();
            votes.put(myId, vote);
            finalizeIn = -1;
            changed = true;
        } else if (n.round() < round) {
            send(new Outbound(from, new Message.Notification(round, vote, Role.LOOKING, -1)));
            return;
        }
        if (n.vote() != null && config.voters().contains(from)) {
            votes.put(from, n.vote());
            if (n.vote().compareTo(vote) > 0) {
                vote = n.vote();
                votes.put(myId, vote);
                finalizeIn = -1;
                changed = true;
            }
        }
        if (changed) {
            broadcastVote();
        }
        Set<Long> agreeing = new HashSet<>();
        for (Map.Entry<Long, Vote> v : votes.entrySet()) {
            if (v.getValue().equals(vote)) {
                agreeing.add(v.getKey());
            }
        }
        if (config.isQuorum(agreeing) && finalizeIn < 0) {
            finalizeIn = config.finalizeTicks();
            if (finalizeIn == 0) {
                decide();
            }
        }
    }

    /** A late joiner follows a leader that a quorum reports as established (the leader included). */
    private void checkEstablished() {
        for (Map.Entry<Long, Vote> report : establishedReports.entrySet()) {
            long leader = report.getValue().sid();
            long ep = establishedEpochs.get(report.getKey());
            if (!establishedReports.containsKey(leader) && leader != myId) {
                continue;
            }
            Set<Long> agreeing = new HashSet<>();
            agreeing.add(myId);
            for (Map.Entry<Long, Vote> r : establishedReports.entrySet()) {
                if (r.getValue().sid() == leader && establishedEpochs.get(r.getKey()) == ep) {
                    agreeing.add(r.getKey());
                }
            }
            if (config.isQuorum(agreeing) || !config.voters().contains(myId) && agreeing.size() > 1) {
                follow(leader);
                return;
            }
        }
    }

    private void decide() {
        finalizeIn = -1;
        if (vote.sid() == myId) {
            lead();
        } else {
            follow(vote.sid());
        }
    }

    // ================================================================== following

    private void follow(long leader) {
        role = config.observers().contains(myId) ? Role.OBSERVING : Role.FOLLOWING;
        leaderId = leader;
        leaderEpoch = -1;
        followerPhase = FollowerPhase.DISCOVERY;
        lastHeardFromLeader = tick;
        lastResendTick = tick;
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
            boolean counted = ne.epoch() > acceptedEpoch || acceptedEpochOwner == leaderId;
            if (ne.epoch() > acceptedEpoch) {
                setAcceptedEpoch(ne.epoch());
                acceptedEpochOwner = leaderId;
            }
            leaderEpoch = ne.epoch();
            followerPhase = FollowerPhase.SYNC;
            Outbound ackEpoch = new Outbound(leaderId,
                    new Message.AckEpoch(counted ? currentEpoch : Message.AckEpoch.UNCOUNTED, lastZxid()));
            if (config.defect() == ZabConfig.Defect.ACK_EPOCH_BEFORE_DURABLE) {
                sendNow.add(ackEpoch);
            } else {
                sendAfterPersist.add(ackEpoch);
            }
            return;
        }
        if (leaderEpoch < 0) {
            return;
        }
        if (m instanceof Message.Sync s && s.epoch() == leaderEpoch) {
            switch (s.kind()) {
                case SNAP -> {
                    truncateLog(Math.min(committed, lastZxid()));
                    log.clear();
                    append.clear();
                    truncateAfter = -1;
                    installSnapshot = s.snapshot();
                    installSnapshotZxid = s.snapshotZxid();
                    logBase = s.snapshotZxid();
                    committed = s.snapshotZxid();
                    applied = s.snapshotZxid();
                    commitOut.clear();
                    durableZxid = Math.min(durableZxid, logBase);
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
                sendNow.add(ack);
            } else {
                sendAfterPersist.add(ack);
            }
        } else if (m instanceof Message.UpToDate u && u.epoch() == leaderEpoch) {
            followerPhase = FollowerPhase.BROADCAST;
            commitUpTo(u.committed());
        } else if (m instanceof Message.Proposal p && p.epoch() == leaderEpoch) {
            appendToLog(p.entry());
            sendAfterPersist.add(new Outbound(leaderId, new Message.Ack(leaderEpoch, p.entry().zxid())));
        } else if (m instanceof Message.Commit c && c.epoch() == leaderEpoch) {
            commitUpTo(c.zxid());
        } else if (m instanceof Message.Inform i && i.epoch() == leaderEpoch) {
            if (i.entry().zxid() > lastZxid()) {
                appendToLog(i.entry());
            }
            commitUpTo(i.entry().zxid());
        } else if (m instanceof Message.Ping p && p.epoch() == leaderEpoch) {
            send(new Outbound(leaderId, new Message.PingAck(leaderEpoch)));
        }
    }

    // ================================================================== leading

    private void lead() {
        role = Role.LEADING;
        leaderPhase = LeaderPhase.DISCOVERY;
        learners.clear();
        becameLeaderTick = tick;
        epoch = -1;
        counter = 0;
        ownCurrentEpochDurable = false;
        // With one voter our own acceptedEpoch is a quorum already.
        maybeChooseEpoch();
    }

    private void leaderStep(long from, Message m) {
        Learner l = learners.get(from);
        if (l != null) {
            l.lastHeardTick = tick;
        }
        if (m instanceof Message.FollowerInfo fi) {
            if (l != null) {
                // A re-send: the learner has not looked again since (that would have reached us as a
                // LOOKING notification first, on the same ordered link) nor disconnected.
                return;
            }
            if (leaderPhase != LeaderPhase.DISCOVERY && fi.acceptedEpoch() > epoch) {
                // It accepted a later epoch (in a round that never established) and can never follow
                // ours: left alone it would be shut out until the next election. Step down so that
                // the next leader's epoch counts it (found by the simulator with aimed crashes).
                lookAgain();
                return;
            }
            l = new Learner(fi.observer() || config.observers().contains(from), fi.acceptedEpoch(), tick);
            learners.put(from, l);
            if (leaderPhase == LeaderPhase.DISCOVERY) {
                maybeChooseEpoch();
            } else {
                send(new Outbound(from, new Message.NewEpoch(epoch)));
            }
        } else if (l == null) {
            return;
        } else if (m instanceof Message.AckEpoch ae) {
            l.historyZxid = ae.lastZxid();
            if (ae.currentEpoch() == Message.AckEpoch.UNCOUNTED) {
                // synchronized like any learner, but not part of the discovery quorum
                l.uncountedAck = true;
                if (leaderPhase == LeaderPhase.SYNC || leaderPhase == LeaderPhase.BROADCAST) {
                    syncLearner(from, l);
                }
                return;
            }
            l.ackedEpoch = true;
            l.historyEpoch = ae.currentEpoch();
            if (!l.observer && compareHistory(ae.currentEpoch(), ae.lastZxid()) > 0) {
                // Someone has a longer history: this peer must not lead (Zab's discovery check).
                lookAgain();
                return;
            }
            if (leaderPhase == LeaderPhase.EPOCH_ACKS) {
                maybeStartSync();
            } else if (leaderPhase == LeaderPhase.SYNC || leaderPhase == LeaderPhase.BROADCAST) {
                syncLearner(from, l);
            }
        } else if (m instanceof Message.AckNewLeader anl && anl.epoch() == epoch) {
            l.synced = true;
            l.ackedZxid = Math.max(l.ackedZxid, l.historyZxid);
            l.unackedSinceTick = l.ackedZxid >= lastZxid() ? -1 : tick;
            if (leaderPhase == LeaderPhase.SYNC) {
                maybeEstablish();
            } else if (leaderPhase == LeaderPhase.BROADCAST) {
                send(new Outbound(from, new Message.UpToDate(epoch, committed)));
            }
        } else if (m instanceof Message.Ack a && a.epoch() == epoch) {
            if (l.synced) {
                l.ackedZxid = Math.max(l.ackedZxid, a.zxid());
                // Acks arrive in proposal order: the oldest unacknowledged one is now younger (or none).
                l.unackedSinceTick = l.ackedZxid >= lastZxid() ? -1 : tick;
                if (leaderPhase == LeaderPhase.BROADCAST) {
                    maybeCommit();
                }
            }
        }
    }

    private int compareHistory(long otherEpoch, long otherZxid) {
        if (otherEpoch != currentEpoch) {
            return Long.compare(otherEpoch, currentEpoch);
        }
        return Long.compare(otherZxid, lastZxid());
    }

    private void maybeChooseEpoch() {
        Set<Long> known = new HashSet<>(learners.keySet());
        known.add(myId);
        if (!config.isQuorum(known)) {
            return;
        }
        long max = acceptedEpoch;
        for (Learner l : learners.values()) {
            max = Math.max(max, l.acceptedEpoch);
        }
        epoch = max + 1;
        setAcceptedEpoch(epoch);
        acceptedEpochOwner = myId;
        leaderPhase = LeaderPhase.EPOCH_ACKS;
        for (long peer : learners.keySet()) {
            sendAfterPersist.add(new Outbound(peer, new Message.NewEpoch(epoch)));
        }
        maybeStartSync();
    }

    private void maybeStartSync() {
        Set<Long> acked = new HashSet<>();
        acked.add(myId);
        for (Map.Entry<Long, Learner> e : learners.entrySet()) {
            if (e.getValue().ackedEpoch) {
                acked.add(e.getKey());
            }
        }
        if (!config.isQuorum(acked)) {
            return;
        }
        // A quorum's histories are no longer than ours: adopt the new epoch as our own history's epoch.
        setCurrentEpoch(epoch);
        leaderPhase = LeaderPhase.SYNC;
        for (Map.Entry<Long, Learner> e : learners.entrySet()) {
            if (e.getValue().ackedEpoch || e.getValue().uncountedAck) {
                syncLearner(e.getKey(), e.getValue());
            }
        }
    }

    /** DIFF when the learner's last zxid is in our log, TRUNC to our last earlier zxid, else SNAP. */
    private void syncLearner(long id, Learner l) {
        long theirs = l.historyZxid;
        long ours = lastZxid();
        Message.Sync sync;
        if (theirs == ours) {
            sync = new Message.Sync(epoch, Message.Sync.Kind.DIFF, -1, -1, null, List.of());
        } else if (theirs > logBase && theirs < ours && indexOf(theirs) >= 0) {
            sync = new Message.Sync(epoch, Message.Sync.Kind.DIFF, -1, -1, null, entriesAfter(theirs));
        } else if (theirs > ours || theirs > logBase && indexOf(theirs) < 0) {
            long truncateTo = lastBelow(theirs);
            if (truncateTo < 0) {
                sync = snapshotSync();
            } else if (config.defect() == ZabConfig.Defect.SKIP_TRUNC) {
                sync = new Message.Sync(epoch, Message.Sync.Kind.DIFF, -1, -1, null, entriesAfter(truncateTo));
            } else {
                sync = new Message.Sync(epoch, Message.Sync.Kind.TRUNC, truncateTo, -1, null, entriesAfter(truncateTo));
            }
        } else if (theirs == logBase) {
            sync = new Message.Sync(epoch, Message.Sync.Kind.DIFF, -1, -1, null, entriesAfter(theirs));
        } else {
            sync = snapshotSync();
        }
        l.syncSent = true;
        // After this sync the learner's history is ours; its NEWLEADER ack vouches for all of it.
        l.historyZxid = ours;
        // Messages to a learner leave in order: the sync, NEWLEADER, then every later proposal.
        sendAfterPersist.add(new Outbound(id, sync));
        sendAfterPersist.add(new Outbound(id, new Message.NewLeader(epoch)));
    }

    private Message.Sync snapshotSync() {
        Snapshot s = snapshots.take();
        if (s.zxid() < logBase) {
            throw new IllegalStateException("snapshot at " + Zxid.hex(s.zxid()) + " is older than the log base "
                    + Zxid.hex(logBase));
        }
        return new Message.Sync(epoch, Message.Sync.Kind.SNAP, -1, s.zxid(), s.bytes(), entriesAfter(s.zxid()));
    }

    private int indexOf(long zxid) {
        int lo = 0;
        int hi = log.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long z = log.get(mid).zxid();
            if (z == zxid) {
                return mid;
            } else if (z < zxid) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return -1;
    }

    /** Our largest zxid below {@code zxid} that we still hold (or the log base), or -1 if unknown. */
    private long lastBelow(long zxid) {
        long best = -1;
        if (logBase < zxid) {
            best = logBase;
        }
        for (Entry e : log) {
            if (e.zxid() < zxid) {
                best = e.zxid();
            } else {
                break;
            }
        }
        // Only safe when our log covers that point: at the log base we cannot tell what follows for them.
        return best == logBase && logBase > 0 && !log.isEmpty() && log.get(0).zxid() > zxid ? -1 : best;
    }

    private List<Entry> entriesAfter(long zxid) {
        return new ArrayList<>(log.subList(firstIndexAfter(zxid), log.size()));
    }

    private void maybeEstablish() {
        if (leaderPhase != LeaderPhase.SYNC || !ownCurrentEpochDurable) {
            return;
        }
        Set<Long> acked = new HashSet<>();
        acked.add(myId);
        for (Map.Entry<Long, Learner> e : learners.entrySet()) {
            if (e.getValue().synced) {
                acked.add(e.getKey());
            }
        }
        if (!config.isQuorum(acked)) {
            return;
        }
        leaderPhase = LeaderPhase.BROADCAST;
        // Our whole history is now durable on a quorum: it is committed.
        commitUpTo(lastZxid());
        for (Map.Entry<Long, Learner> e : learners.entrySet()) {
            if (e.getValue().synced) {
                send(new Outbound(e.getKey(), new Message.UpToDate(epoch, committed)));
            }
        }
    }

    private void maybeCommit() {
        List<Long> acks = new ArrayList<>();
        acks.add(durableZxid);
        for (Map.Entry<Long, Learner> e : learners.entrySet()) {
            Learner l = e.getValue();
            if (l.synced && !l.observer && config.voters().contains(e.getKey())) {
                acks.add(l.ackedZxid);
            }
        }
        acks.sort(null);
        int needed = config.quorumSize();
        if (config.defect() == ZabConfig.Defect.COMMIT_ONE_ACK_SHORT) {
            needed = Math.max(1, needed - 1);
        }
        if (acks.size() < needed) {
            return;
        }
        long quorumAcked = acks.get(acks.size() - needed);
        if (quorumAcked <= committed) {
            return;
        }
        long before = committed;
        commitUpTo(quorumAcked);
        for (Map.Entry<Long, Learner> e : learners.entrySet()) {
            Learner l = e.getValue();
            if (!l.syncSent) {
                continue;
            }
            if (l.observer) {
                for (int i = firstIndexAfter(before); i < log.size() && log.get(i).zxid() <= committed; i++) {
                    send(new Outbound(e.getKey(), new Message.Inform(epoch, log.get(i))));
                }
            } else {
                send(new Outbound(e.getKey(), new Message.Commit(epoch, committed)));
            }
        }
    }

    /**
     * A learner that answers pings but has not acknowledged a proposal for syncLimit ticks (its disk
     * stalls, or it is far too slow) is no longer in sync: forget it, as ZooKeeper's leader does. It
     * gets no more pings, times out and synchronizes afresh; meanwhile it does not count toward the
     * quorum this leader needs to stay leader.
     */
    private void dropSilentLearners() {
        if (config.defect() == ZabConfig.Defect.LEADER_KEEPS_SILENT_FOLLOWER) {
            return;
        }
        learners.entrySet().removeIf(e -> {
            Learner l = e.getValue();
            return l.synced && !l.observer && l.unackedSinceTick >= 0
                    && tick - l.unackedSinceTick > config.syncLimitTicks();
        });
    }

    private void leaderTick() {
        if (leaderPhase != LeaderPhase.BROADCAST) {
            if (tick - becameLeaderTick > config.initLimitTicks()) {
                lookAgain();
                return;
            }
            for (Map.Entry<Long, Learner> e : learners.entrySet()) {
                if (e.getValue().syncSent) {
                    send(new Outbound(e.getKey(), new Message.Ping(epoch, committed)));
                }
            }
            return;
        }
        dropSilentLearners();
        Set<Long> heard = new HashSet<>();
        heard.add(myId);
        for (Map.Entry<Long, Learner> e : learners.entrySet()) {
            Learner l = e.getValue();
            boolean recent = tick - l.lastHeardTick <= config.syncLimitTicks()
                    || config.defect() == ZabConfig.Defect.LEADER_KEEPS_SILENT_FOLLOWER;
            if (l.synced && recent) {
                heard.add(e.getKey());
            }
        }
        if (!config.isQuorum(heard)) {
            // Decide before pinging: a last round of pings from a leader that has just lost its
            // quorum would keep its learners serving for another syncLimit (found by the
            // whole-server simulator, seed 139).
            lookAgain();
            return;
        }
        for (Map.Entry<Long, Learner> e : learners.entrySet()) {
            if (e.getValue().syncSent) {
                send(new Outbound(e.getKey(), new Message.Ping(epoch, committed)));
            }
        }
    }
}
