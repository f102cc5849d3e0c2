package io.paddock.coordinator.sim.server;

import io.paddock.coordinator.net.ClientPort;
import io.paddock.coordinator.net.ClientRequestSink;
import io.paddock.coordinator.net.FourLetterWordHandler;
import io.paddock.coordinator.net.Network;
import io.paddock.coordinator.net.OutgoingSnapshot;
import io.paddock.coordinator.net.PeerLinks;
import io.paddock.coordinator.net.SnapshotSpool;
import io.paddock.coordinator.net.SyncFrames;
import io.paddock.coordinator.net.SyncReceiver;
import io.paddock.coordinator.zab.Message;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The simulated network between the servers (peer links) and from clients to servers. Links are
 * FIFO like TCP; a link can break (both ends are told, as a closed connection tells them), be slow,
 * or be black-holed: messages silently vanish for a while and the connection then breaks, as a TCP
 * connection whose packets are dropped eventually does. Messages in flight on a broken connection
 * are lost; the link redials by itself once both ends are up and the fault is over.
 *
 * <p>A sync travels as the real transport sends it: the leader's snapshot is written when the sync
 * is sent (point in time, then released), cut into the transport's own frames ({@link SyncFrames},
 * small chunks here), and each frame arrives on its own, taking time, so a break mid-stream loses the
 * rest; the learner's end reassembles them with the real {@link SyncReceiver} into its server's own
 * spool on its simulated disk, and a broken stream is aborted there. Pings overtake a stream in
 * progress, as the real links let them.
 */
final class SimNetwork {
    /** Connections a server closed because their client stopped reading (coverage). */
    long unreadCloses;

    /** Base one-way latency and jitter of every link. */
    static final long LATENCY_NANOS = 100_000;
    static final long JITTER_NANOS = 200_000;
    private static final long REDIAL_NANOS = 20_000_000;
    /** Snapshot bytes per sync frame: small, so a simulated tree takes many frames. */
    static final int SYNC_CHUNK_BYTES = 1024;
    /** Time one sync frame takes on the wire, before jitter and slow hosts. */
    static final long SYNC_FRAME_NANOS = 200_000;

    /** The link between two servers (a < b). */
    private final class Link {
        final long a;
        final long b;
        boolean connected;
        /** Bumped at every (re)connection, so messages of an old connection are dropped. */
        long generation;
        final long[] lastDelivery = new long[2];
        boolean cut;
        long blackholeUntil = -1;
        long extraDelayNanos;
        boolean redialScheduled;
        /** Per end (a, b): a break not yet reported to that end. */
        final boolean[] breakUnreported = new boolean[2];
        /** Per direction (0: a to b): when the last frame of the last sync stream arrives. */
        final long[] streamEnd = new long[2];
        /** Per direction: what a ping sent during a stream must not overtake (sent before the stream). */
        final long[] pingFloor = new long[2];
        /** Per direction: the receiving end's reassembly of the current connection's sync stream. */
        final SyncReceiver[] receivers = new SyncReceiver[2];

        Link(long a, long b) {
            this.a = a;
            this.b = b;
        }
    }

    private final SimLoop loop;
    private final Map<Long, SimHost> hosts;
    private final Map<Long, PeerLinks.Listener> peerListeners = new HashMap<>();
    private final Map<Long, SnapshotSpool> peerSpools = new HashMap<>();
    long syncStreams;
    long snapshotStreams;
    long syncStreamsBroken;
    /** Probability that a sync stream's connection breaks at one of its frames (aimed faults). */
    double cutInStream;
    private final Map<Long, ClientRequestSink> clientSinks = new HashMap<>();
    private final Map<Long, Integer> openConnections = new HashMap<>();
    private final Map<String, Link> links = new HashMap<>();
    /** Extra delay on everything a host sends or receives (a slow host or link). */
    private final Map<Long, Long> slowHosts = new HashMap<>();
    long messagesSent;
    private int connectionsMade;
    /** "from-to" -> simulated time the last Zab message (not a relay) from one reached the other. */
    private final Map<String, Long> lastHeard = new HashMap<>();

    /** When {@code to} last received a Zab message from {@code from}, or Long.MIN_VALUE / 2. */
    long lastHeard(long from, long to) {
        return lastHeard.getOrDefault(from + "-" + to, Long.MIN_VALUE / 2);
    }

    SimNetwork(SimLoop loop, Map<Long, SimHost> hosts) {
        this.loop = loop;
        this.hosts = hosts;
    }

    private Link link(long x, long y) {
        long a = Math.min(x, y);
        long b = Math.max(x, y);
        return links.computeIfAbsent(a + "-" + b, k -> new Link(a, b));
    }

    long latency(long from, long to) {
        return LATENCY_NANOS + loop.random.nextLong(JITTER_NANOS) + slowHosts.getOrDefault(from, 0L)
                + slowHosts.getOrDefault(to, 0L);
    }

    // ------------------------------------------------------------------ faults

    void cut(long x, long y) {
        Link l = link(x, y);
        l.cut = true;
        breakLink(l);
    }

    void heal(long x, long y) {
        Link l = link(x, y);
        l.cut = false;
        if (l.blackholeUntil >= 0) {
            l.blackholeUntil = -1;
            breakLink(l);
        }
        redial(l);
    }

    /** Messages between x and y vanish until {@code until}; then the connection breaks and redials. */
    void blackhole(long x, long y, long until) {
        Link l = link(x, y);
        l.blackholeUntil = until;
        loop.at(until, () -> {
            if (l.blackholeUntil == until) {
                l.blackholeUntil = -1;
                breakLink(l);
                redial(l);
            }
        });
    }

    boolean healthy(long x, long y) {
        Link l = link(x, y);
        return l.connected && !l.cut && l.blackholeUntil < 0;
    }

    /** Extra latency on everything {@code host} sends or receives; 0 ends it. */
    void slow(long host, long extraNanos) {
        if (extraNanos <= 0) {
            slowHosts.remove(host);
        } else {
            slowHosts.put(host, extraNanos);
        }
    }

    void healAll() {
        for (Link l : links.values()) {
            l.cut = false;
            if (l.blackholeUntil >= 0) {
                l.blackholeUntil = -1;
                breakLink(l);
            }
            redial(l);
        }
        slowHosts.clear();
    }

    // ------------------------------------------------------------------ peer links

    /** The host's process stopped: every link to it breaks, its listeners are gone. */
    void hostDown(long id) {
        peerListeners.remove(id);
        peerSpools.remove(id);
        clientSinks.remove(id);
        for (Link l : links.values()) {
            if (l.a == id || l.b == id) {
                breakLink(l);
            }
        }
    }

    private void breakLink(Link l) {
        if (!l.connected) {
            return;
        }
        l.connected = false;
        l.generation++;
        l.breakUnreported[0] = true;
        l.breakUnreported[1] = true;
        for (int dir = 0; dir < 2; dir++) {
            SyncReceiver r = l.receivers[dir];
            l.receivers[dir] = null;
            // a live process's transport deletes a half-received snapshot; a dead one's is found at start-up
            if (r != null && r.inProgress() && peerListeners.containsKey(dir == 0 ? l.b : l.a)) {
                syncStreamsBroken++;
                r.abort();
            }
        }
        for (int end = 0; end < 2; end++) {
            int e = end;
            loop.after(latency(e == 0 ? l.b : l.a, e == 0 ? l.a : l.b), () -> reportBreak(l, e));
        }
    }

    /** Tells one end its connection broke, once; a reconnection always comes after this report. */
    private void reportBreak(Link l, int end) {
        if (!l.breakUnreported[end]) {
            return;
        }
        l.breakUnreported[end] = false;
        long self = end == 0 ? l.a : l.b;
        long other = end == 0 ? l.b : l.a;
        PeerLinks.Listener listener = peerListeners.get(self);
        if (listener != null) {
            listener.disconnected(other);
        }
    }

    private void redial(Link l) {
        if (l.connected || l.redialScheduled) {
            return;
        }
        l.redialScheduled = true;
        loop.after(REDIAL_NANOS + loop.random.nextLong(REDIAL_NANOS), () -> {
            l.redialScheduled = false;
            tryConnect(l);
        });
    }

    private void tryConnect(Link l) {
        if (l.connected || l.cut || l.blackholeUntil >= 0) {
            return;
        }
        PeerLinks.Listener la = peerListeners.get(l.a);
        PeerLinks.Listener lb = peerListeners.get(l.b);
        if (la == null || lb == null) {
            return;
        }
        // as the real transport does: a new connection replacing an old one reports the old one lost
        reportBreak(l, 0);
        reportBreak(l, 1);
        l.connected = true;
        l.generation++;
        la.connected(l.b);
        lb.connected(l.a);
    }

    private boolean sendPeer(long from, long to, Message m) {
        Link l = link(from, to);
        if (m instanceof Message.Sync sync) {
            return sendSync(from, to, l, sync);
        }
        if (!l.connected) {
            return false;
        }
        messagesSent++;
        if (l.blackholeUntil >= 0) {
            return true;
        }
        int dir = from < to ? 0 : 1;
        long at;
        if (m instanceof Message.Ping && loop.effectiveNow() < l.streamEnd[dir]) {
            // between the chunks of a stream, behind what was sent before the stream only
            at = Math.max(loop.effectiveNow() + latency(from, to), l.pingFloor[dir] + 1);
            l.pingFloor[dir] = at;
            l.lastDelivery[dir] = Math.max(l.lastDelivery[dir], at);
        } else {
            at = Math.max(loop.effectiveNow() + latency(from, to), l.lastDelivery[dir] + 1);
            l.lastDelivery[dir] = at;
        }
        long gen = l.generation;
        loop.at(at, () -> {
            PeerLinks.Listener listener = peerListeners.get(to);
            if (listener != null && l.generation == gen && l.connected) {
                if (!(m instanceof Message.Relay)) {
                    // A paused process reads what arrived meanwhile when it resumes: only then has it
                    // "heard" it (no process can tell a message that waited in its socket buffer
                    // from a fresh one; a follower may serve for syncLimit after a pause ends).
                    SimHost h = hosts.get(to);
                    lastHeard.put(from + "-" + to, Math.max(loop.now(), h.pausedUntil()));
                }
                listener.received(from, m);
            }
        });
        return true;
    }

    /**
     * A sync: the snapshot is written now (the leader's view at this moment; the view is released
     * right after, as the real transport does when its stream ends), then each frame is delivered as
     * an event of its own.
     */
    private boolean sendSync(long from, long to, Link l, Message.Sync sync) {
        List<byte[]> frames = new ArrayList<>();
        try {
            if (l.connected) {
                SyncFrames.write(sync, SYNC_CHUNK_BYTES, frames::add);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (sync.snapshot() instanceof OutgoingSnapshot o) {
                o.release();
            }
        }
        if (!l.connected) {
            return false;
        }
        messagesSent++;
        syncStreams++;
        if (sync.snapshot() != null) {
            snapshotStreams++;
        }
        if (l.blackholeUntil >= 0) {
            return true;
        }
        int dir = from < to ? 0 : 1;
        long gen = l.generation;
        l.pingFloor[dir] = l.lastDelivery[dir];
        long at = Math.max(loop.effectiveNow() + latency(from, to), l.lastDelivery[dir] + 1);
        int cutAt = cutInStream > 0 && loop.random.nextDouble() < cutInStream ? loop.random.nextInt(frames.size()) : -1;
        for (int i = 0; i < frames.size(); i++) {
            byte[] frame = frames.get(i);
            if (i == cutAt) {
                // the connection breaks just before this frame arrives
                loop.at(at, () -> {
                    if (l.generation == gen) {
                        breakLink(l);
                        redial(l);
                    }
                });
            }
            loop.at(at, () -> deliverSyncFrame(l, dir, from, to, gen, frame));
            l.lastDelivery[dir] = at;
            at += SYNC_FRAME_NANOS + loop.random.nextLong(SYNC_FRAME_NANOS) + (slowHosts.getOrDefault(from, 0L)
                    + slowHosts.getOrDefault(to, 0L)) / 8;
        }
        l.streamEnd[dir] = l.lastDelivery[dir];
        return true;
    }

    private void deliverSyncFrame(Link l, int dir, long from, long to, long gen, byte[] frame) {
        PeerLinks.Listener listener = peerListeners.get(to);
        if (listener == null || l.generation != gen || !l.connected) {
            return;
        }
        SyncReceiver receiver = l.receivers[dir];
        if (receiver == null) {
            receiver = new SyncReceiver(peerSpools.get(to), from);
            l.receivers[dir] = receiver;
        }
        Message.Sync sync;
        try {
            sync = receiver.accept(frame);
        } catch (IOException e) {
            // the spool could not take it (a full disk): the real link closes on such an error
            breakLink(l);
            redial(l);
            return;
        }
        if (sync != null) {
            SimHost h = hosts.get(to);
            lastHeard.put(from + "-" + to, Math.max(loop.now(), h.pausedUntil()));
            listener.received(from, sync);
        }
    }

    // ------------------------------------------------------------------ client connections

    /** A client connects to server {@code id}; null when nothing listens there (refused). */
    SimConnection connect(SimClient client, long id) {
        ClientRequestSink sink = clientSinks.get(id);
        if (sink == null) {
            return null;
        }
        SimConnection c = new SimConnection(loop, this, client, id, sink, ++connectionsMade);
        openConnections.merge(id, 1, Integer::sum);
        loop.after(latency(0, id), () -> {
            if (clientSinks.get(id) == sink) {
                sink.opened(c);
            }
        });
        return c;
    }

    void connectionClosed(long id) {
        openConnections.merge(id, -1, Integer::sum);
    }

    /** Whether the server process that owned {@code sink} still listens. */
    boolean listening(long id, ClientRequestSink sink) {
        return clientSinks.get(id) == sink;
    }

    // ------------------------------------------------------------------ per-server Network

    Network endpoint(long id) {
        return new Network() {
            @Override
            public ClientPort openClientPort(ClientPortSpec spec, ClientRequestSink sink, FourLetterWordHandler words) {
                clientSinks.put(id, sink);
                InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 20_000 + (int) id);
                return new ClientPort() {
                    @Override
                    public InetSocketAddress address() {
                        return address;
                    }

                    @Override
                    public int openConnections() {
                        return openConnections.getOrDefault(id, 0);
                    }

                    @Override
                    public void close() {
                        if (clientSinks.get(id) == sink) {
                            clientSinks.remove(id);
                        }
                    }
                };
            }

            @Override
            public PeerLinks openPeerLinks(PeerSpec spec, PeerLinks.Listener listener) {
                peerListeners.put(id, listener);
                peerSpools.put(id, spec.spool());
                for (long other : spec.others().keySet()) {
                    redial(link(id, other));
                }
                return new PeerLinks() {
                    @Override
                    public boolean send(long to, Message message) {
                        if (peerListeners.get(id) == listener) {
                            return sendPeer(id, to, message);
                        }
                        if (message instanceof Message.Sync sync && sync.snapshot() instanceof OutgoingSnapshot o) {
                            o.release();
                        }
                        return false;
                    }

                    @Override
                    public void close() {
                        if (peerListeners.get(id) == listener) {
                            hostDown(id);
                        }
                    }
                };
            }
        };
    }
}
