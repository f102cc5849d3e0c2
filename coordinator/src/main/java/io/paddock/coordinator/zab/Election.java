package io.paddock.coordinator.zab;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Leader election of one LOOKING peer: logical rounds, votes ordered by (currentEpoch, lastZxid,
 * sid), the finalize window after a quorum agrees, and a late joiner learning an established
 * leader from the replies. It decides; the peer then leads or follows.
 */
final class Election {
    /** What the election needs from its peer. */
    interface Peer {
        void send(Outbound o);

        /** Our own candidacy, or null for an observer (it never stands). */
        Vote ownVote();

        void lead();

        void follow(long leader);
    }

    private final long myId;
    private final ZabConfig config;
    private final Peer peer;
    private long round;
    private Vote vote;
    private final Map<Long, Vote> votes = new HashMap<>();
    private final Map<Long, Vote> establishedReports = new HashMap<>();
    private final Map<Long, Long> establishedEpochs = new HashMap<>();
    private int finalizeIn = -1;
    private long lastResendTick;

    Election(long myId, ZabConfig config, Peer peer) {
        this.myId = myId;
        this.config = config;
        this.peer = peer;
    }

    long round() {
        return round;
    }

    Vote vote() {
        return vote;
    }

    /** A new round: vote for ourselves (a one-voter ensemble decides at once). */
    void start(long tick) {
        round++;
        vote = peer.ownVote();
        votes.clear();
        establishedReports.clear();
        establishedEpochs.clear();
        if (vote != null) {
            votes.put(myId, vote);
        }
        finalizeIn = -1;
        broadcast(tick);
        if (vote != null && config.isQuorum(Set.of(myId))) {
            // A one-voter ensemble (a standalone server): no better vote can ever arrive.
            decide();
        }
    }

    private void broadcast(long tick) {
        lastResendTick = tick;
        for (long p : config.members()) {
            if (p != myId) {
                peer.send(new Outbound(p, new Message.Notification(round, vote, Role.LOOKING, -1)));
            }
        }
    }

    void tick(long tick) {
        if (finalizeIn > 0 && --finalizeIn == 0) {
            decide();
            return;
        }
        if (tick - lastResendTick >= config.resendTicks()) {
            broadcast(tick);
        }
    }

    /** A notification while we are LOOKING. */
    void onNotification(long from, Message.Notification n, long tick) {
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
            vote = peer.ownVote();
            votes.put(myId, vote);
            finalizeIn = -1;
            changed = true;
        } else if (n.round() < round) {
            peer.send(new Outbound(from, new Message.Notification(round, vote, Role.LOOKING, -1)));
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
            broadcast(tick);
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
                peer.follow(leader);
                return;
            }
        }
    }

    private void decide() {
        finalizeIn = -1;
        if (vote.sid() == myId) {
            peer.lead();
        } else {
            peer.follow(vote.sid());
        }
    }
}
