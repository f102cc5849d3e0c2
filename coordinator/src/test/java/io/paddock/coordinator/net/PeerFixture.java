package io.paddock.coordinator.net;

import io.paddock.coordinator.env.Entropy;
import io.paddock.testkit.Await;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Peer transports on loopback for the peer-link tests; {@link #close} closes every one it made. */
final class PeerFixture implements AutoCloseable {
    static final String CLUSTER = "east";
    static final String MEMBERS = "v1:1,2,3";
    static final Network.PeerSettings SETTINGS = new Network.PeerSettings(1 << 20, 256 << 10, 10_000, 50);
    static final byte[] SECRET = "correct horse battery staple".getBytes(StandardCharsets.UTF_8);
    static final byte[] OTHER_SECRET = "correct horse battery stapler".getBytes(StandardCharsets.UTF_8);

    private final List<PeerTransport> open = new ArrayList<>();

    static InetSocketAddress loopback(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    static PeerHandshake identity(long id, String cluster) {
        return new PeerHandshake(PeerHandshake.PROTOCOL_VERSION, id, cluster, MEMBERS);
    }

    /** A member of {@link #CLUSTER}, bound to a free loopback port, not yet started. */
    PeerTransport member(long id, byte[] secret, PeerRecorder listener) throws InterruptedException {
        return member(identity(id, CLUSTER), secret, SETTINGS, listener);
    }

    PeerTransport member(PeerHandshake self, byte[] secret, Network.PeerSettings settings, PeerRecorder listener)
            throws InterruptedException {
        PeerTransport t = unbound(self, secret, settings, listener);
        t.bind(loopback(0));
        return t;
    }

    /** A transport the test binds itself (to reuse an address). */
    PeerTransport unbound(PeerHandshake self, byte[] secret, Network.PeerSettings settings, PeerRecorder listener) {
        PeerTransport t = new PeerTransport(self, Optional.ofNullable(secret).map(PeerSecret::new), Entropy.secure(),
                settings, listener.spool(), listener);
        open.add(t);
        return t;
    }

    /** Starts every given transport with all of their addresses (by server id, as given). */
    static void startAll(Map<Long, PeerTransport> members) {
        Map<Long, InetSocketAddress> addresses = new java.util.HashMap<>();
        members.forEach((id, t) -> addresses.put(id, t.localAddress()));
        members.values().forEach(t -> t.start(addresses));
    }

    static void awaitLinked(PeerTransport a, long aId, PeerTransport b, long bId) throws InterruptedException {
        Await.until(Duration.ofSeconds(30), "link " + aId + "-" + bId, () -> a.isConnected(bId) && b.isConnected(aId));
    }

    @Override
    public void close() {
        open.forEach(PeerTransport::close);
    }
}
