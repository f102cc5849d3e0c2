package io.paddock.coordinator.sim.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.paddock.coordinator.wire.EventType;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;

/** The simulator's watch and sequence checks report what they must, and only that. */
class SimChecksTest {
    private static Stat stat(long mzxid, long pzxid) {
        Stat s = new Stat();
        s.setMzxid(mzxid);
        s.setPzxid(pzxid);
        return s;
    }

    @Test
    void sequenceNumbersMustGrowWithZxids() {
        SimNodeChecks checks = new SimNodeChecks();
        assertNull(checks.sequentialCreated("/q/n-0000000004", 0x10));
        assertNull(checks.sequentialCreated("/q/n-0000000009", 0x20));
        assertNull(checks.sequentialCreated("/q/n-0000000006", 0x15));
        assertNull(checks.sequentialCreated("/t/n-0000000001", 0x16), "another parent counts on its own");
        assertEquals("sequential node /q/n-0000000009 at zxid 0x30 is out of order with sequence 9 at 0x20",
                checks.sequentialCreated("/q/n-0000000009", 0x30));
        assertEquals("sequential node /q/n-0000000003 at zxid 0x12 is out of order with sequence 4 at 0x10",
                checks.sequentialCreated("/q/n-0000000003", 0x12));
        assertEquals(6, checks.sequentialCreatesChecked);
    }

    @Test
    void aPersistentWatchMustReportEveryChangeInOrder() {
        NavigableMap<Long, Integer> changes = new TreeMap<>();
        changes.put(0x11L, EventType.NODE_CREATED);
        changes.put(0x14L, EventType.NODE_DATA_CHANGED);
        changes.put(0x18L, EventType.NODE_DELETED);
        SimWatches w = new SimWatches();
        w.persistentRegistered("/p", 0x12);
        assertNull(w.replied(0x13, p -> changes), "no change between 0x12 and 0x13");
        assertNull(w.event(EventType.NODE_DATA_CHANGED, "/p", 0x14, changes));
        assertEquals("persistent watch on /p missed the change at 0x18 (last reported 0x14) before a reply at 0x19",
                w.replied(0x19, p -> changes));
        SimWatches skipping = new SimWatches();
        skipping.persistentRegistered("/p", 0x10);
        assertEquals("persistent watch on /p got event 2 at 0x18 but the next change after 0x10 is 1 at 0x11",
                skipping.event(EventType.NODE_DELETED, "/p", 0x18, changes));
    }

    @Test
    void oneShotWatchesFireOnceAndBeforeNewerReads() {
        SimWatches w = new SimWatches();
        w.childRegistered("/q", 0x20);
        assertNull(w.childrenRead("/q", stat(0, 0x20)));
        assertEquals("listed /q at pzxid 0x21 but its child watch registered at 0x20 has not fired",
                w.childrenRead("/q", stat(0, 0x21)));
        w.childRegistered("/q", 0x22);
        assertNull(w.event(EventType.NODE_CHILDREN_CHANGED, "/q", 0x23, null));
        assertEquals("child event on /q without a registered child watch",
                w.event(EventType.NODE_CHILDREN_CHANGED, "/q", 0x24, null));
        w.dataRegistered("/r0", 0x30, true);
        assertEquals("read /r0 at mzxid 0x31 but its watch registered at 0x30 has not fired",
                w.dataRead("/r0", stat(0x31, 0)));
        assertEquals("event 3 on /r0 without a registered watch (a one-shot watch fired twice?)",
                w.event(EventType.NODE_DATA_CHANGED, "/r0", 0x31, null));
    }
}
