package io.paddock.coordinator.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;

/**
 * How a server reaches clients and peers. Production is {@link #netty()}; the whole-server
 * simulator supplies its own, so the request path and the Zab driver run unchanged over a
 * simulated network.
 */
public interface Network {
    /**
     * @param maxClientCnxns concurrent connections per client IP, 0 for no limit
     * @param maxCnxns concurrent connections of all clients together, 0 for no limit
     * @param maxFrameBytes largest request frame; larger closes the connection
     * @param maxBuffer jute.maxbuffer for decoding records
     * @param maxPendingReplyBytes replies a connection may leave unread before it is closed at once
     */
    record ClientPortSpec(InetSocketAddress bindAddress, int maxClientCnxns, int maxCnxns, int maxFrameBytes,
                          int maxBuffer, long maxPendingReplyBytes) {}

    /**
     * @param others the other members by id and quorum address
     * @param maxFrameBytes largest peer frame
     * @param redialMillis pause between attempts to reach a member
     */
    record PeerSpec(PeerHandshake self, InetSocketAddress bindAddress, Map<Long, InetSocketAddress> others,
                    int maxFrameBytes, long redialMillis) {}

    ClientPort openClientPort(ClientPortSpec spec, ClientRequestSink sink, FourLetterWordHandler words)
            throws IOException;

    /** The peer links, listening on {@code spec.bindAddress()} and dialling the others. */
    PeerLinks openPeerLinks(PeerSpec spec, PeerLinks.Listener listener) throws IOException;

    /** Netty over TCP (epoll on Linux). */
    static Network netty() {
        return NettyNetwork.INSTANCE;
    }
}
