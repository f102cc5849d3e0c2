package io.paddock.coordinator.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.coordinator.zab.Entry;
import io.paddock.coordinator.zab.Message;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A sync as bounded frames ({@link SyncFrames}) and its reassembly ({@link SyncReceiver}). */
class SyncFramesTest {
    private static final int CHUNK = 1000;
    private static final long ZXID = 0x700000020L;

    private static List<byte[]> frames(Message.Sync sync) throws IOException {
        List<byte[]> frames = new ArrayList<>();
        SyncFrames.write(sync, CHUNK, frames::add);
        return frames;
    }

    private static Message.Sync replay(List<byte[]> frames, MemorySpool spool) throws IOException {
        SyncReceiver r = new SyncReceiver(spool, 1);
        Message.Sync out = null;
        for (int i = 0; i < frames.size(); i++) {
            assertTrue(SyncFrames.isSyncFrame(frames.get(i)));
            out = r.accept(frames.get(i));
            assertEquals(i == frames.size() - 1, out != null, "the sync is complete at the last frame only");
        }
        assertTrue(!r.inProgress());
        return out;
    }

    private static List<Entry> entries(int... sizes) {
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            byte[] p = new byte[sizes[i]];
            Arrays.fill(p, (byte) (i + 1));
            out.add(new Entry(ZXID + 1 + i, p));
        }
        return out;
    }

    @Test
    void everyKindRoundTripsInFramesNoLargerThanAChunkOrOneEntry() throws IOException {
        TestSnapshot snap = new TestSnapshot(ZXID, 10 * CHUNK + 7, -1);
        // entries batch up to a chunk; one larger than a chunk travels alone
        List<Entry> entries = entries(100, 300, 500, 5000, 10, 0, 990);
        for (Message.Sync sync : List.of(
                new Message.Sync(3, Message.Sync.Kind.SNAP, -1, snap, entries),
                new Message.Sync(3, Message.Sync.Kind.DIFF, -1, null, entries),
                new Message.Sync(3, Message.Sync.Kind.TRUNC, ZXID - 4, null, List.of()))) {
            List<byte[]> frames = frames(sync);
            for (byte[] f : frames) {
                assertTrue(f.length <= SyncFrames.maxFrameBody(CHUNK, 5000), f.length + " bytes");
            }
            MemorySpool spool = new MemorySpool();
            Message.Sync back = replay(frames, spool);
            assertEquals(sync.kind(), back.kind());
            assertEquals(sync.epoch(), back.epoch());
            assertEquals(sync.truncateTo(), back.truncateTo());
            assertEquals(sync.entries().size(), back.entries().size());
            for (int i = 0; i < sync.entries().size(); i++) {
                assertEquals(sync.entries().get(i).zxid(), back.entries().get(i).zxid());
                assertArrayEquals(sync.entries().get(i).payload(), back.entries().get(i).payload());
            }
            if (sync.snapshot() == null) {
                assertNull(back.snapshot());
                assertEquals(List.of(), List.copyOf(spool.events));
            } else {
                MemorySpool.Received got = assertInstanceOf(MemorySpool.Received.class, back.snapshot());
                assertArrayEquals(snap.expected(), got.bytes());
                assertEquals(ZXID, back.snapshotZxid());
            }
        }
        // begin, 11 chunks (10 full and 7 bytes), entries in 4 frames (900, 500, 5000, 1000), end
        assertEquals(1 + 11 + 4 + 1, frames(new Message.Sync(3, Message.Sync.Kind.SNAP, -1, snap, entries)).size());
    }

    @Test
    void framesOutOfPlaceOrCountsThatDoNotAddUpAreRefused() throws IOException {
        List<byte[]> good = frames(new Message.Sync(3, Message.Sync.Kind.SNAP, -1,
                new TestSnapshot(ZXID, 3 * CHUNK, -1), entries(10, 10)));
        byte[] begin = good.get(0);
        byte[] chunk = good.get(1);
        byte[] batch = good.get(good.size() - 2);
        byte[] end = good.get(good.size() - 1);
        assertThrows(IOException.class, () -> new SyncReceiver(new MemorySpool(), 1).accept(chunk));
        assertThrows(IOException.class, () -> new SyncReceiver(new MemorySpool(), 1).accept(batch));
        assertThrows(IOException.class, () -> new SyncReceiver(new MemorySpool(), 1).accept(end));
        SyncReceiver twice = new SyncReceiver(new MemorySpool(), 1);
        twice.accept(begin);
        assertThrows(IOException.class, () -> twice.accept(begin));
        // a chunk lost on the way: the end's byte count does not match
        MemorySpool spool = new MemorySpool();
        SyncReceiver lossy = new SyncReceiver(spool, 1);
        for (byte[] f : good) {
            if (f != chunk) {
                try {
                    lossy.accept(f);
                } catch (IOException e) {
                    assertTrue(e.getMessage().contains("snapshot bytes"), e.getMessage());
                    lossy.abort();
                }
            }
        }
        assertEquals(List.of("begin 1 " + Long.toHexString(ZXID), "abort " + Long.toHexString(ZXID)),
                List.copyOf(spool.events));
        // more entries than announced
        SyncReceiver extra = new SyncReceiver(new MemorySpool(), 1);
        for (byte[] f : good.subList(0, good.size() - 1)) {
            extra.accept(f);
        }
        IOException e = assertThrows(IOException.class, () -> extra.accept(batch));
        assertTrue(e.getMessage().contains("sync entries"), e.getMessage());
        // a SNAP sync without a snapshot, and a DIFF with one, never leave the sender
        assertThrows(IllegalArgumentException.class, () -> frames(new Message.Sync(3, Message.Sync.Kind.SNAP, -1,
                null, List.of())));
        assertThrows(IllegalArgumentException.class, () -> frames(new Message.Sync(3, Message.Sync.Kind.DIFF, -1,
                new TestSnapshot(ZXID, 1, -1), List.of())));
    }

    /** Garbled frames of valid streams: an IOException, never anything else, and the spool is freed on abort. */
    @Test
    void garbageNeverEscapesAsAnythingButIoException() throws IOException {
        List<byte[]> good = frames(new Message.Sync(3, Message.Sync.Kind.SNAP, -1,
                new TestSnapshot(ZXID, 2 * CHUNK + 5, -1), entries(50, 60, 70)));
        Random random = new Random(42);
        int refused = 0;
        for (int round = 0; round < 5_000; round++) {
            MemorySpool spool = new MemorySpool();
            SyncReceiver r = new SyncReceiver(spool, 1);
            int bad = random.nextInt(good.size());
            try {
                for (int i = 0; i < good.size(); i++) {
                    byte[] f = good.get(i);
                    if (i == bad) {
                        f = random.nextBoolean() ? Arrays.copyOf(f, random.nextInt(f.length))
                                : garble(f.clone(), random);
                    }
                    r.accept(f);
                }
            } catch (IOException expected) {
                refused++;
                r.abort();
                // nothing refused was ever finished, and whatever was begun is freed
                boolean begun = spool.events.stream().anyMatch(ev -> ev.startsWith("begin"));
                assertTrue(spool.events.stream().noneMatch(ev -> ev.startsWith("finish")), spool.events.toString());
                boolean aborted = spool.events.stream().anyMatch(ev -> ev.startsWith("abort"));
                assertEquals(begun, aborted, spool.events.toString());
            }
        }
        assertTrue(refused > 2_000, "only " + refused + " of 5000 garbled streams were refused");
    }

    private static byte[] garble(byte[] f, Random random) {
        f[random.nextInt(f.length)] = (byte) random.nextInt(256);
        return f;
    }
}
