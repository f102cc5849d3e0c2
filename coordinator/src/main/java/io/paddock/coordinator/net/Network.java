package io.paddock.coordinator.net;

import io.paddock.coordinator.env.Entropy;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;

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
     * How peer links are bounded and timed.
     *
     * @param maxFrameBytes largest peer frame once a link's handshake has completed (before that,
     *     a few KiB); must hold a chunk, and the largest log entry in a proposal
     * @param sendBacklogBytes what may wait to be sent on one link beyond one largest frame; a peer
     *     that lets more pile up is not reading, and its link is closed
     * @param handshakeTimeoutMillis how long a connection may take to complete its handshake
     * @param redialMillis pause between attempts to reach a member
     * @param streamChunkBytes snapshot bytes per frame of a sync stream (and the size entries are
     *     batched to)
     * @param streamStallMillis how long a sync stream may wait for the peer to read a frame before the
     *     link is closed
     */
    record PeerSettings(int maxFrameBytes, int sendBacklogBytes, long handshakeTimeoutMillis, long redialMillis,
                        int streamChunkBytes, long streamStallMillis) {
        /**
         * Far more than a healthy member ever lets wait (it reads as fast as the network carries),
         * small enough that a few stalled members cannot fill the heap.
         */
        public static final int DEFAULT_SEND_BACKLOG_BYTES = 64 << 20;
        /** Large enough that per-frame costs vanish, small enough that a frame never stalls a link. */
        public static final int DEFAULT_STREAM_CHUNK_BYTES = 256 << 10;

        public PeerSettings {
            // a chunk, or a batch of entries up to a chunk, must fit a frame with its headers
            if (streamChunkBytes < 1 || SyncFrames.maxFrameBody(streamChunkBytes, 0) > maxFrameBytes) {
                throw new IllegalArgumentException("sync stream chunks of " + streamChunkBytes
                        + " bytes do not fit frames of " + maxFrameBytes);
            }
        }

        /** Default chunks (or a quarter of a frame, if smaller); a stall is the handshake timeout. */
        public PeerSettings(int maxFrameBytes, int sendBacklogBytes, long handshakeTimeoutMillis, long redialMillis) {
            this(maxFrameBytes, sendBacklogBytes, handshakeTimeoutMillis, redialMillis,
                    Math.min(DEFAULT_STREAM_CHUNK_BYTES, Math.max(1, maxFrameBytes / 4)), handshakeTimeoutMillis);
        }
    }

    /**
     * @param self who this member says it is
     * @param secret the shared cluster secret every link must prove, if one is configured
     * @param entropy where handshake nonces come from
     * @param others the other members by id and quorum address
     * @param spool where snapshots a leader streams to this member are received
     */
    record PeerSpec(PeerHandshake self, Optional<PeerSecret> secret, Entropy entropy, InetSocketAddress bindAddress,
                    Map<Long, InetSocketAddress> others, PeerSettings settings, SnapshotSpool spool) {}

    ClientPort openClientPort(ClientPortSpec spec, ClientRequestSink sink, FourLetterWordHandler words)
            throws IOException;

    /** The peer links, listening on {@code spec.bindAddress()} and dialling the others. */
    PeerLinks openPeerLinks(PeerSpec spec, PeerLinks.Listener listener) throws IOException;

    /** Netty over TCP (epoll on Linux). */
    static Network netty() {
        return NettyNetwork.INSTANCE;
    }
}
