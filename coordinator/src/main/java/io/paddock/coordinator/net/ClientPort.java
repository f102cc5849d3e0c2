package io.paddock.coordinator.net;

import java.net.InetSocketAddress;

/** A listening client port. */
public interface ClientPort extends AutoCloseable {
    InetSocketAddress address();

    int openConnections();

    @Override
    void close();
}
