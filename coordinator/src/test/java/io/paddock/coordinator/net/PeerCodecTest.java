package io.paddock.coordinator.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.coordinator.zab.Entry;
import io.paddock.coordinator.zab.Message;
import io.paddock.coordinator.zab.Role;
import io.paddock.coordinator.zab.Vote;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PeerCodecTest {
    private static final Entry E1 = new Entry(0x100000001L, new byte[] {1, 2, 3});
    private static final Entry E2 = new Entry(0x100000002L, new byte[0]);

    static List<Message> samples() {
        return List.of(
                new Message.Notification(7, new Vote(3, 2, 0x200000005L), Role.LOOKING, -1),
                new Message.Notification(8, null, Role.FOLLOWING, 4),
                new Message.FollowerInfo(5, true),
                new Message.NewEpoch(6),
                new Message.AckEpoch(5, 0x500000009L),
                new Message.NewLeader(6),
                new Message.AckNewLeader(6),
                new Message.UpToDate(6, 0x600000000L),
                new Message.Proposal(6, E1),
                new Message.Ack(6, 0x600000001L),
                new Message.Commit(6, 0x600000001L),
                new Message.Inform(6, E2),
                new Message.Ping(6, 0x600000001L),
                new Message.PingAck(6),
                new Message.Relay(new byte[] {4, 5, 6}));
    }

    @Test
    void everyMessageRoundTrips() throws IOException {
        for (Message m : samples()) {
            byte[] bytes = PeerCodec.encode(m);
            Message back = PeerCodec.decode(bytes);
            assertEquals(m.getClass(), back.getClass());
            // records holding arrays compare by reference: compare the re-encoding instead
            assertArrayEquals(bytes, PeerCodec.encode(back), m.toString());
        }
        assertArrayEquals(new byte[] {1, 2, 3}, ((Message.Proposal) PeerCodec.decode(PeerCodec.encode(samples().get(8))))
                .entry().payload());
    }

    /** Truncations and random corruption of valid messages: an IOException, or a valid message; never anything else. */
    @Test
    void garbageNeverEscapesAsAnythingButIoException() {
        Random random = new Random(42);
        int rejected = 0;
        for (int round = 0; round < 20_000; round++) {
            byte[] good = PeerCodec.encode(samples().get(random.nextInt(samples().size())));
            byte[] bad;
            switch (random.nextInt(3)) {
                case 0 -> bad = Arrays.copyOf(good, random.nextInt(good.length));
                case 1 -> {
                    bad = good.clone();
                    bad[random.nextInt(bad.length)] = (byte) random.nextInt(256);
                }
                default -> {
                    bad = new byte[random.nextInt(64)];
                    random.nextBytes(bad);
                }
            }
            try {
                PeerCodec.decode(bad);
            } catch (IOException expected) {
                rejected++;
            }
        }
        assertTrue(rejected > 10_000, "only " + rejected + " of 20000 garbled frames were rejected");
    }

    @Test
    void hugeDeclaredLengthsAreRejectedWithoutAllocating() {
        byte[] relay = PeerCodec.encode(new Message.Relay(new byte[] {1}));
        // the payload length follows the type byte: claim two gigabytes
        relay[1] = 0x7f;
        IOException e = assertThrows(IOException.class, () -> PeerCodec.decode(relay));
        assertTrue(e.getMessage().contains("byte array of"), e.getMessage());
    }

    @Test
    void aSyncIsNeverEncodedWhole() {
        assertThrows(IllegalArgumentException.class,
                () -> PeerCodec.encode(new Message.Sync(1, Message.Sync.Kind.DIFF, -1, null, List.of())));
    }
}
