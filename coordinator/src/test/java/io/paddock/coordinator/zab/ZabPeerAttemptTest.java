package io.paddock.coordinator.zab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Acknowledgements belong to the role attempt that produced them (whole-server simulator seed
 * 16996: an ACKEPOCH held behind a stalled disk reached the leader after the follower had looked
 * again and followed anew; the leader synced it twice and the second SYNC truncated committed history).
 */
class ZabPeerAttemptTest {
    private static final ZabConfig CONFIG = ZabConfig.of(Set.of(1L, 2L, 3L), Set.of(), 10, 5);

    private static ZabPeer peer(long id) {
        return new ZabPeer(id, CONFIG, 0, 0, 0, List.of(), 0, () -> {
            throw new AssertionError("no snapshot expected");
        });
    }

    /** Takes the Ready, completes its persistence and returns everything it sends, in order. */
    private static List<Outbound> persist(ZabPeer p) {
        List<Outbound> sent = new ArrayList<>();
        if (!p.hasReady()) {
            return sent;
        }
        Ready r = p.ready();
        sent.addAll(r.sendNow());
        assertEquals(p.attempt(), r.attempt());
        sent.addAll(r.sendAfterPersist());
        p.advance();
        return sent;
    }

    @Test
    void anAckEpochWaitingForPersistenceIsVoidOnceTheFollowerLooksAgain() {
        ZabPeer follower = peer(2);
        follower.follow(1);
        persist(follower);
        follower.step(1, new Message.NewEpoch(1));
        Ready stalled = follower.ready(); // its persistence does not complete (a stalled disk)
        assertTrue(stalled.sendAfterPersist().stream().anyMatch(o -> o.message() instanceof Message.AckEpoch),
                stalled.toString());
        long before = follower.attempt();

        follower.lookAgain();
        follower.follow(1);

        assertNotEquals(before, follower.attempt());
        assertEquals(before, stalled.attempt(), "the driver compares these and drops the stale ACKEPOCH");
    }

    @Test
    void theLeaderAnswersOneAckEpochPerFollowerInfo() {
        ZabPeer leader = peer(1);
        leader.lead();
        leader.step(2, new Message.FollowerInfo(0, false));
        leader.step(3, new Message.FollowerInfo(0, false));
        List<Outbound> sent = persist(leader);
        assertTrue(sent.stream().anyMatch(o -> o.to() == 2 && o.message() instanceof Message.NewEpoch), sent.toString());
        leader.step(2, new Message.AckEpoch(0, 0));
        leader.step(3, new Message.AckEpoch(0, 0));
        sent = persist(leader);
        assertEquals(1, sent.stream().filter(o -> o.to() == 2 && o.message() instanceof Message.Sync).count(),
                sent.toString());

        leader.step(2, new Message.AckEpoch(0, 0));

        assertTrue(persist(leader).stream().noneMatch(o -> o.message() instanceof Message.Sync),
                "a repeated ACKEPOCH must not start a second synchronization");
    }
}
