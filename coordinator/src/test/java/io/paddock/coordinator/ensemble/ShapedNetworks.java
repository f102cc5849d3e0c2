package io.paddock.coordinator.ensemble;

import io.paddock.coordinator.net.ClientPort;
import io.paddock.coordinator.net.ClientRequestSink;
import io.paddock.coordinator.net.FourLetterWordHandler;
import io.paddock.coordinator.net.Network;
import io.paddock.coordinator.net.OutgoingSnapshot;
import io.paddock.coordinator.net.PeerLinks;
import io.paddock.coordinator.zab.Message;
import io.paddock.testkit.TcpProxy;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The production Netty network for in-JVM ensemble members, reshaped for snapshot tests: peer frames
 * and the send bound far smaller than the trees the tests build (so a snapshot that had to fit one
 * frame could never sync), every peer connection routed through a {@link TcpProxy} of its own (so a
 * test can cut one link), and every snapshot a leader sends observed on its way into the transport:
 * the thread that sent it, the thread that wrote it, its size, and optionally a hold half-way until
 * the test lets it go (a slow stream). Pings sent are counted per link.
 */
final class ShapedNetworks implements AutoCloseable {
    static final int FRAME_BYTES = 64 << 10;
    static final int BACKLOG_BYTES = 256 << 10;
    static final int CHUNK_BYTES = 8 << 10;

    /** A snapshot a leader sent, as the transport wrote it. */
    static final class Sent {
        final long from;
        final long to;
        final long zxid;
        final String senderThread = Thread.currentThread().getName();
        volatile String writerThread;
        final AtomicLong bytes = new AtomicLong();
        final CountDownLatch released = new CountDownLatch(1);
        final long holdAt;
        final CountDownLatch held = new CountDownLatch(1);
        final CountDownLatch letGo = new CountDownLatch(1);

        Sent(long from, long to, long zxid, long holdAt) {
            this.from = from;
            this.to = to;
            this.zxid = zxid;
            this.holdAt = holdAt;
        }

        boolean releasedWithin(long seconds) throws InterruptedException {
            return released.await(seconds, TimeUnit.SECONDS);
        }
    }

    private final Ensemble ensemble;
    private final Map<String, TcpProxy> proxies = new ConcurrentHashMap<>();
    final List<Sent> sent = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> pings = new ConcurrentHashMap<>();
    /** Learner id -> byte offset at which the next snapshot sent to it is held. */
    private final Map<Long, Long> holds = new ConcurrentHashMap<>();

    ShapedNetworks(Ensemble ensemble) {
        this.ensemble = ensemble;
    }

    /** The next snapshot sent to {@code learner} stops after {@code bytes} until {@link Sent#letGo}. */
    void holdNextSnapshotTo(long learner, long bytes) {
        holds.put(learner, bytes);
    }

    int pingsSent(long from, long to) {
        AtomicInteger n = pings.get(from + "-" + to);
        return n == null ? 0 : n.get();
    }

    /** Snapshots sent to {@code learner} so far. */
    List<Sent> sentTo(long learner) {
        return sent.stream().filter(s -> s.to == learner).toList();
    }

    /** Cuts the connection between {@code a} and {@code b}; it stays cut until {@link #restore}. */
    void cut(long a, long b) {
        proxy(Math.max(a, b), Math.min(a, b)).cut();
    }

    void restore(long a, long b) {
        proxy(Math.max(a, b), Math.min(a, b)).restore();
    }

    /** The proxy the larger id dials the smaller one through (the larger id always dials). */
    private TcpProxy proxy(long dialler, long target) {
        return proxies.computeIfAbsent(dialler + "-" + target, k -> {
            try {
                return TcpProxy.start("127.0.0.1:" + ensemble.quorumPort(target));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    Network forServer(long id) {
        Network real = Network.netty();
        return new Network() {
            @Override
            public ClientPort openClientPort(ClientPortSpec spec, ClientRequestSink sink, FourLetterWordHandler words)
                    throws IOException {
                return real.openClientPort(spec, sink, words);
            }

            @Override
            public PeerLinks openPeerLinks(PeerSpec spec, PeerLinks.Listener listener) throws IOException {
                Map<Long, InetSocketAddress> others = new HashMap<>();
                for (Map.Entry<Long, InetSocketAddress> e : spec.others().entrySet()) {
                    long other = e.getKey();
                    if (id > other) {
                        String via = proxy(id, other).connectString();
                        others.put(other, new InetSocketAddress("127.0.0.1", Integer.parseInt(via.split(":")[1])));
                    } else {
                        others.put(other, e.getValue());
                    }
                }
                Network.PeerSettings s = spec.settings();
                Network.PeerSettings small = new Network.PeerSettings(FRAME_BYTES, BACKLOG_BYTES,
                        s.handshakeTimeoutMillis(), s.redialMillis(), CHUNK_BYTES, s.streamStallMillis());
                PeerLinks links = real.openPeerLinks(new PeerSpec(spec.self(), spec.secret(), spec.entropy(),
                        spec.bindAddress(), others, small, spec.spool()), listener);
                return new PeerLinks() {
                    @Override
                    public boolean send(long to, Message message) {
                        return links.send(to, observe(id, to, message));
                    }

                    @Override
                    public InetSocketAddress localAddress() {
                        return links.localAddress();
                    }

                    @Override
                    public void close() {
                        links.close();
                    }
                };
            }
        };
    }

    private Message observe(long from, long to, Message m) {
        if (m instanceof Message.Ping) {
            pings.computeIfAbsent(from + "-" + to, k -> new AtomicInteger()).incrementAndGet();
        }
        if (!(m instanceof Message.Sync sync) || !(sync.snapshot() instanceof OutgoingSnapshot real)) {
            return m;
        }
        Long holdAt = holds.remove(to);
        Sent record = new Sent(from, to, real.zxid(), holdAt == null ? -1 : holdAt);
        sent.add(record);
        OutgoingSnapshot watched = new OutgoingSnapshot() {
            @Override
            public long zxid() {
                return real.zxid();
            }

            @Override
            public void writeTo(OutputStream out) throws IOException {
                record.writerThread = Thread.currentThread().getName();
                real.writeTo(new FilterOutputStream(out) {
                    @Override
                    public void write(int b) throws IOException {
                        write(new byte[] {(byte) b}, 0, 1);
                    }

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        boolean reachesHold = record.holdAt >= 0 && record.bytes.get() + len > record.holdAt;
                        if (reachesHold && record.held.getCount() > 0) {
                            record.held.countDown();
                            try {
                                if (!record.letGo.await(120, TimeUnit.SECONDS)) {
                                    throw new IOException("the test never let the held snapshot go");
                                }
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                throw new java.io.InterruptedIOException();
                            }
                        }
                        out.write(b, off, len);
                        record.bytes.addAndGet(len);
                    }
                });
            }

            @Override
            public void release() {
                real.release();
                record.released.countDown();
            }
        };
        return new Message.Sync(sync.epoch(), sync.kind(), sync.truncateTo(), watched, sync.entries());
    }

    @Override
    public void close() {
        proxies.values().forEach(TcpProxy::close);
    }
}
