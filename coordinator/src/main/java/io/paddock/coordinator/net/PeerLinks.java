package io.paddock.coordinator.net;

import io.paddock.coordinator.zab.Message;

/**
 * Ordered message links to the other ensemble members. Production is {@link PeerTransport} (TCP);
 * the simulator supplies links that can be slow, break, or silently drop everything.
 */
public interface PeerLinks extends AutoCloseable {
    /** Where inbound traffic goes; called on network threads (or the simulator's). */
    interface Listener {
        void received(long from, Message message);

        void connected(long peer);

        void disconnected(long peer);
    }

    /**
     * Sends if connected, in order with earlier sends to {@code to}; false when there is no link
     * (the message is dropped: Zab re-sends what matters after a reconnect). A SNAP sync's
     * {@link OutgoingSnapshot} is owned by the links from this call on, sent or not: they release it.
     * A learner receives a Sync whose snapshot was spooled ({@link SnapshotSpool}) and owns that.
     */
    boolean send(long to, Message message);

    /** The bound listening address, where there is one. */
    default java.net.InetSocketAddress localAddress() {
        return null;
    }

    @Override
    void close();
}
