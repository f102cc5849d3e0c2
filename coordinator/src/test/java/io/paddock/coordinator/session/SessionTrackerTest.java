package io.paddock.coordinator.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SessionTrackerTest {
    @Test
    void expiresAtTheBucketBoundaryAfterTheDeadline() {
        SessionTracker t = new SessionTracker(100);
        t.add(1, 1000, 50);      // deadline 1050 -> bucket 1100
        assertEquals(1100, t.roundUp(1050));
        assertEquals(List.of(), t.expire(1099));
        assertEquals(List.of(1L), t.expire(1100));
        assertTrue(t.isClosing(1));
        assertFalse(t.touch(1, 1200), "a closing session cannot be revived");
        assertEquals(List.of(), t.expire(5000), "expired once only");
    }

    @Test
    void touchesPushTheDeadline() {
        SessionTracker t = new SessionTracker(100);
        t.add(1, 1000, 0);
        t.add(2, 1000, 0);
        assertTrue(t.touch(1, 900));
        assertEquals(List.of(2L), t.expire(1100));
        assertEquals(List.of(), t.expire(1999));
        assertEquals(List.of(1L), t.expire(2000));
    }

    @Test
    void reattachWithANewTimeoutRetimesTheSession() {
        SessionTracker t = new SessionTracker(100);
        t.add(1, 1000, 0);
        t.add(1, 5000, 0);
        assertEquals(5000, t.timeoutOf(1));
        assertEquals(List.of(), t.expire(1100));
        assertEquals(List.of(1L), t.expire(5100));
    }

    @Test
    void sessionIdsCarryTheServerIdAndIncrease() {
        SessionIds ids = new SessionIds(3, 1_700_000_000_000L);
        long a = ids.next();
        long b = ids.next();
        assertEquals(3, a >>> 56);
        assertEquals(a + 1, b);
    }
}
