package io.paddock.coordinator.sim.server;

import io.paddock.coordinator.net.ClientConnection;
import io.paddock.coordinator.net.ClientRequestSink;
import io.paddock.coordinator.wire.ClientRequest;
import io.paddock.coordinator.wire.MultiCodec;
import java.util.List;
import org.apache.jute.Record;
import org.apache.zookeeper.proto.ConnectRequest;
import org.apache.zookeeper.proto.ConnectResponse;
import org.apache.zookeeper.proto.ReplyHeader;

/**
 * One simulated TCP connection from a {@link SimClient} to a server: FIFO both ways with network
 * latency; the server side is the {@link ClientConnection} the request path answers through.
 * Messages are the decoded records, as the real codec would produce them.
 */
final class SimConnection implements ClientConnection {
    private final SimLoop loop;
    private final SimNetwork network;
    private final SimClient client;
    final long serverId;
    private final ClientRequestSink sink;
    /** Servers keep connections in hash maps: an identity hash would make iteration order, and so a run, vary. */
    private final int hash;
    private long lastToServer;
    private long lastToClient;
    private boolean closed;
    /** Replies the client has not read yet (it stopped reading), oldest first, and their size. */
    private final java.util.ArrayDeque<Runnable> unread = new java.util.ArrayDeque<>();
    private long unreadBytes;
    private long readingResumesAt;

    /** The simulated bound on replies a server holds for a client that does not read. */
    static final long MAX_UNREAD_BYTES = 4_096;

    SimConnection(SimLoop loop, SimNetwork network, SimClient client, long serverId, ClientRequestSink sink,
                  int hash) {
        this.hash = hash;
        this.loop = loop;
        this.network = network;
        this.client = client;
        this.serverId = serverId;
        this.sink = sink;
    }

    boolean closed() {
        return closed;
    }

    // ------------------------------------------------------------------ client -> server

    private void toServer(Runnable r) {
        if (closed) {
            return;
        }
        long at = Math.max(loop.now() + network.latency(0, serverId), lastToServer + 1);
        lastToServer = at;
        loop.at(at, () -> {
            if (!closed && network.listening(serverId, sink)) {
                r.run();
            }
        });
    }

    void sendConnect(ConnectRequest request) {
        toServer(() -> sink.connect(this, request));
    }

    void send(ClientRequest request) {
        toServer(() -> sink.request(this, request));
    }

    /** The client closes the socket. */
    void closeByClient() {
        if (closed) {
            return;
        }
        toServer(() -> { });
        closed = true;
        network.connectionClosed(serverId);
        loop.after(network.latency(0, serverId), () -> {
            if (network.listening(serverId, sink)) {
                sink.closed(this);
            }
        });
    }

    /** The server process died: the client sees the connection reset. */
    void reset() {
        if (closed) {
            return;
        }
        closed = true;
        network.connectionClosed(serverId);
        loop.after(network.latency(serverId, 0), () -> client.connectionLost(this, "connection reset"));
    }

    // ------------------------------------------------------------------ server -> client

    private void toClient(Runnable r) {
        toClient(r, 32);
    }

    private void toClient(Runnable r, int bytes) {
        if (closed) {
            return;
        }
        long at = Math.max(loop.effectiveNow() + network.latency(serverId, 0), lastToClient + 1);
        lastToClient = at;
        loop.at(at, () -> arrive(r, bytes));
    }

    /**
     * A reply reaches the client's socket: read at once, or left in the buffers while the client
     * does not read. Past {@link #MAX_UNREAD_BYTES} the server gives up on the connection with a
     * hard close, as the real transport does past {@code paddock.client.maxPendingReplyBytes}.
     */
    private void arrive(Runnable r, int bytes) {
        if (loop.now() >= readingResumesAt && unread.isEmpty()) {
            r.run();
            return;
        }
        if (closed) {
            return;
        }
        unread.addLast(r);
        unreadBytes += bytes;
        if (unreadBytes > MAX_UNREAD_BYTES) {
            unread.clear();
            network.unreadCloses++;
            close("client not reading: " + unreadBytes + " bytes of replies pending");
        }
    }

    /** The client stops reading its socket for {@code nanos} (a stalled application thread). */
    void stopReading(long nanos) {
        readingResumesAt = Math.max(readingResumesAt, loop.now() + nanos);
        loop.at(readingResumesAt, this::resumeReading);
    }

    private void resumeReading() {
        if (loop.now() < readingResumesAt) {
            return;
        }
        while (!closed && !unread.isEmpty()) {
            unread.pollFirst().run();
        }
        unreadBytes = 0;
    }

    private static int sizeOf(Record body) {
        if (body == null) {
            return 16;
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try {
            body.serialize(org.apache.jute.BinaryOutputArchive.getArchive(bytes), "body");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return 16 + bytes.size();
    }

    @Override
    public void sendConnectResponse(ConnectResponse response, boolean closeAfter) {
        long sentAt = loop.effectiveNow();
        toClient(() -> client.connectResponse(this, response, sentAt));
        if (closeAfter) {
            close("connect refused");
        }
    }

    @Override
    public void sendReply(ReplyHeader header, Record body) {
        long sentAt = loop.effectiveNow();
        toClient(() -> client.reply(this, header, body, null, sentAt), sizeOf(body));
    }

    @Override
    public void sendMultiReply(ReplyHeader header, List<MultiCodec.Result> results) {
        long sentAt = loop.effectiveNow();
        toClient(() -> client.reply(this, header, null, results, sentAt), 16 + 64 * results.size());
    }

    @Override
    public void deliverEvent(int eventType, String path, long zxid) {
        toClient(() -> client.event(this, eventType, path, zxid), 32 + path.length());
    }

    @Override
    public void close(String reason) {
        if (closed) {
            return;
        }
        // the end of the stream arrives after what was sent before it (replies a non-reading client
        // never read are lost with the connection)
        long at = Math.max(loop.effectiveNow() + network.latency(serverId, 0), lastToClient + 1);
        lastToClient = at;
        loop.at(at, () -> client.connectionLost(this, reason));
        closed = true;
        network.connectionClosed(serverId);
        loop.after(network.latency(serverId, 0), () -> {
            if (network.listening(serverId, sink)) {
                sink.closed(this);
            }
        });
    }

    @Override
    public String remoteIp() {
        return "127.0.0.1";
    }

    @Override
    public String remoteAddress() {
        return "127.0.0.1:" + (30_000 + client.id);
    }

    @Override
    public void setReading(boolean reading) {
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public String toString() {
        return "c" + client.id + "->s" + serverId;
    }
}
