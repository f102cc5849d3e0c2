package io.paddock.coordinator.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.coordinator.wire.EventType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WatchRegistryTest {
    private static final class Sink implements WatchSink {
        final List<String> events = new ArrayList<>();

        @Override
        public void deliverEvent(int type, String path, long zxid) {
            events.add(type + " " + path + " @" + zxid);
        }
    }

    private final WatchRegistry r = new WatchRegistry();

    @Test
    void oneShotWatchesFireOnceAndDeleteDedupsAcrossKinds() {
        Sink s = new Sink();
        r.add(s, "/a", WatchKind.DATA);
        r.add(s, "/a", WatchKind.CHILD);
        r.add(s, "/a", WatchKind.PERSISTENT);
        r.trigger("/a", EventType.NODE_DELETED, 9);
        assertEquals(List.of(EventType.NODE_DELETED + " /a @9"), s.events);
        r.trigger("/a", EventType.NODE_CREATED, 10);
        assertEquals(2, s.events.size(), "only the persistent watch remains");
        assertFalse(r.has(s, "/a", WatchKind.DATA));
        assertTrue(r.has(s, "/a", WatchKind.PERSISTENT));
    }

    @Test
    void recursiveWatchesSeeDescendantsButNoChildEvents() {
        Sink s = new Sink();
        r.add(s, "/r", WatchKind.PERSISTENT_RECURSIVE);
        r.trigger("/r/x/y", EventType.NODE_CREATED, 1);
        r.trigger("/r/x", EventType.NODE_CHILDREN_CHANGED, 1);
        r.trigger("/rr", EventType.NODE_CREATED, 2);
        r.trigger("/r", EventType.NODE_DATA_CHANGED, 3);
        assertEquals(List.of(EventType.NODE_CREATED + " /r/x/y @1", EventType.NODE_DATA_CHANGED + " /r @3"), s.events);
    }

    @Test
    void removeAllForgetsAConnection() {
        Sink s = new Sink();
        r.add(s, "/a", WatchKind.DATA);
        r.add(s, "/b", WatchKind.CHILD);
        assertEquals(2, r.watchCount());
        r.removeAll(s);
        assertEquals(0, r.watchCount());
        r.trigger("/a", EventType.NODE_DATA_CHANGED, 1);
        assertTrue(s.events.isEmpty());
    }
}
