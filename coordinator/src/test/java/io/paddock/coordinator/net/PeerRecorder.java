package io.paddock.coordinator.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.paddock.coordinator.zab.Message;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A {@link PeerLinks.Listener} that keeps what it is told, in order, for the peer-link tests. */
final class PeerRecorder implements PeerLinks.Listener {
    final LinkedBlockingQueue<String> events = new LinkedBlockingQueue<>();
    final LinkedBlockingQueue<Message> received = new LinkedBlockingQueue<>();
    /** Where this member's transport receives snapshots. */
    final MemorySpool spool = new MemorySpool();

    SnapshotSpool spool() {
        return spool;
    }

    @Override
    public void received(long from, Message message) {
        received.add(message);
    }

    @Override
    public void connected(long peer) {
        events.add("up " + peer);
    }

    @Override
    public void disconnected(long peer) {
        events.add("down " + peer);
    }

    /** The next event is {@code event} (waiting up to 30 s for it). */
    void expect(String event) throws InterruptedException {
        assertEquals(event, events.poll(30, TimeUnit.SECONDS));
    }

    /** The next message is {@code message} (waiting up to 30 s for it). */
    void expectMessage(Message message) throws InterruptedException {
        assertEquals(message, received.poll(30, TimeUnit.SECONDS));
    }
}
