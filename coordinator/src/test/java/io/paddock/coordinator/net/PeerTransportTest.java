package io.paddock.coordinator.net;

import io.paddock.testkit.Await;
import java.time.Duration;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.coordinator.zab.Message;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PeerTransportTest {
    private static final String MEMBERS = "v1:1,2,3";
    private final List<PeerTransport> open = new ArrayList<>();

    private static final class Recorder implements PeerTransport.Listener {
        final LinkedBlockingQueue<String> events = new LinkedBlockingQueue<>();
        final LinkedBlockingQueue<Message> received = new LinkedBlockingQueue<>();

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

        void expect(String event) throws InterruptedException {
            String e = events.poll(30, TimeUnit.SECONDS);
            assertEquals(event, e);
        }
    }

    private PeerTransport transport(long id, String cluster, Recorder r) {
        PeerTransport t = new PeerTransport(new PeerHandshake(PeerHandshake.PROTOCOL_VERSION, id, cluster, MEMBERS), r,
                1 << 20, 50);
        open.add(t);
        return t;
    }

    private static InetSocketAddress loopback(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }


    @AfterEach
    void closeAll() {
        open.forEach(PeerTransport::close);
    }

    @Test
    void membersConnectPairwiseDeliverInOrderAndReconnect() throws Exception {
        Recorder[] rec = {null, new Recorder(), new Recorder(), new Recorder()};
        PeerTransport[] t = new PeerTransport[4];
        Map<Long, InetSocketAddress> addresses = new HashMap<>();
        for (int i = 1; i <= 3; i++) {
            t[i] = transport(i, "east", rec[i]);
            addresses.put((long) i, t[i].bind(loopback(0)));
        }
        for (int i = 1; i <= 3; i++) {
            t[i].start(addresses);
        }
        Await.until(Duration.ofSeconds(30), "all links", () -> t[1].isConnected(2) && t[1].isConnected(3) && t[2].isConnected(3)
                && t[2].isConnected(1) && t[3].isConnected(1) && t[3].isConnected(2));
        for (int i = 0; i < 1000; i++) {
            assertTrue(t[3].send(1, new Message.Ack(7, i)));
        }
        for (int i = 0; i < 1000; i++) {
            Message m = rec[1].received.poll(30, TimeUnit.SECONDS);
            assertNotNull(m);
            assertEquals(new Message.Ack(7, i), m, "in order");
        }
        // Server 3 goes away: 1 and 2 notice once; a new 3 on the same port dials them again.
        rec[1].events.clear();
        rec[2].events.clear();
        t[3].close();
        rec[1].expect("down 3");
        rec[2].expect("down 3");
        Recorder again = new Recorder();
        PeerTransport t3 = transport(3, "east", again);
        t3.bind(addresses.get(3L));
        t3.start(addresses);
        Await.until(Duration.ofSeconds(30), "reconnection", () -> t3.isConnected(1) && t3.isConnected(2));
        rec[1].expect("up 3");
        assertTrue(t3.send(2, new Message.Ping(1, 2)));
        assertEquals(new Message.Ping(1, 2), rec[2].received.poll(30, TimeUnit.SECONDS));
    }

    @Test
    void aServerOfAnotherClusterIsRefused() throws Exception {
        Recorder r1 = new Recorder();
        PeerTransport one = transport(1, "east", r1);
        InetSocketAddress a1 = one.bind(loopback(0));
        Recorder r3 = new Recorder();
        PeerTransport stranger = transport(3, "west", r3);
        InetSocketAddress a3 = stranger.bind(loopback(0));
        one.start(Map.of(1L, a1, 3L, a3));
        stranger.start(Map.of(1L, a1, 3L, a3));
        Await.until(Duration.ofSeconds(30), "a refusal", () -> one.refusedCount() > 0);
        assertFalse(one.isConnected(3));
        assertFalse(r1.events.contains("up 3"));
        assertFalse(one.send(3, new Message.Ping(1, 1)));
    }
}
