package io.paddock.coordinator.compat;

import io.paddock.testkit.Clients;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;

/** A watcher that records node events ("NodeCreated /a") for exact sequence assertions. */
public final class EventLog implements Watcher {
    private final LinkedBlockingQueue<String> events = new LinkedBlockingQueue<>();

    @Override
    public void process(WatchedEvent event) {
        if (event.getType() != Event.EventType.None) {
            events.add(event.getType() + " " + event.getPath());
        }
    }

    /** Waits for the next event and checks it. */
    public void expect(String expected) throws InterruptedException {
        String e = events.poll(Clients.TIMEOUT_S, TimeUnit.SECONDS);
        assertNotNull(e, "no event arrived; expected " + expected);
        assertEquals(expected, e);
    }

    /** Takes exactly {@code n} events (waiting for each). */
    public List<String> take(int n) throws InterruptedException {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String e = events.poll(Clients.TIMEOUT_S, TimeUnit.SECONDS);
            assertNotNull(e, "only " + out + " arrived; expected " + n + " events");
            out.add(e);
        }
        return out;
    }

    /** Events already delivered and not yet taken. Call after a round trip that follows them. */
    public List<String> drainNow() {
        List<String> out = new ArrayList<>();
        events.drainTo(out);
        return out;
    }
}
