package io.paddock.coordinator.net;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.coordinator.zab.Message;
import io.paddock.testkit.Await;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PeerTransportTest {
    private final PeerFixture fixture = new PeerFixture();

    @AfterEach
    void closeAll() {
        fixture.close();
    }

    @Test
    void membersConnectPairwiseDeliverInOrderAndReconnect() throws Exception {
        PeerRecorder[] rec = {null, new PeerRecorder(), new PeerRecorder(), new PeerRecorder()};
        PeerTransport[] t = new PeerTransport[4];
        Map<Long, PeerTransport> members = new HashMap<>();
        for (int i = 1; i <= 3; i++) {
            t[i] = fixture.member(i, null, rec[i]);
            members.put((long) i, t[i]);
        }
        PeerFixture.startAll(members);
        Await.until(Duration.ofSeconds(30), "all links", () -> t[1].isConnected(2) && t[1].isConnected(3) && t[2].isConnected(3)
                && t[2].isConnected(1) && t[3].isConnected(1) && t[3].isConnected(2));
        for (int i = 0; i < 1000; i++) {
            assertTrue(t[3].send(1, new Message.Ack(7, i)));
        }
        for (int i = 0; i < 1000; i++) {
            rec[1].expectMessage(new Message.Ack(7, i));
        }
        // Server 3 goes away: 1 and 2 notice once; a new 3 on the same port dials them again.
        Map<Long, InetSocketAddress> addresses = new HashMap<>();
        members.forEach((id, m) -> addresses.put(id, m.localAddress()));
        rec[1].events.clear();
        rec[2].events.clear();
        t[3].close();
        rec[1].expect("down 3");
        rec[2].expect("down 3");
        PeerRecorder again = new PeerRecorder();
        PeerTransport t3 = fixture.unbound(PeerFixture.identity(3, PeerFixture.CLUSTER), null, PeerFixture.SETTINGS,
                again);
        t3.bind(addresses.get(3L));
        t3.start(addresses);
        Await.until(Duration.ofSeconds(30), "reconnection", () -> t3.isConnected(1) && t3.isConnected(2));
        rec[1].expect("up 3");
        assertTrue(t3.send(2, new Message.Ping(1, 2)));
        rec[2].expectMessage(new Message.Ping(1, 2));
    }

    @Test
    void aServerOfAnotherClusterIsRefused() throws Exception {
        PeerRecorder r1 = new PeerRecorder();
        PeerTransport one = fixture.member(1, null, r1);
        PeerTransport stranger = fixture.member(PeerFixture.identity(3, "west"), null, PeerFixture.SETTINGS,
                new PeerRecorder());
        PeerFixture.startAll(Map.of(1L, one, 3L, stranger));
        Await.until(Duration.ofSeconds(30), "a refusal", () -> one.refusedCount() > 0);
        assertFalse(one.isConnected(3));
        assertFalse(r1.events.contains("up 3"));
        assertFalse(one.send(3, new Message.Ping(1, 1)));
    }
}
