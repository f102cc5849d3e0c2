package io.paddock.coordinator.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.coordinator.env.Disk;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A snapshot streamed by a leader ({@link SnapshotStore#stream}) and received by a learner. */
class IncomingSnapshotFileTest {
    private static final long ZXID = 0x300000007L;

    @TempDir
    Path dir;

    private static byte[] streamed(long zxid, int bodyBytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SnapshotStore.stream(out, zxid, body -> {
            body.writeLong(zxid);
            body.write(LogBytes.payload(zxid, bodyBytes));
        });
        return out.toByteArray();
    }

    /** Writes {@code bytes} in pieces of random sizes, some smaller than the trailer. */
    private static void writeInPieces(IncomingSnapshotFile in, byte[] bytes, long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        int off = 0;
        while (off < bytes.length) {
            int n = Math.min(bytes.length - off, r.nextInt(4) == 0 ? 1 + r.nextInt(20) : 1 + r.nextInt(5000));
            in.write(bytes, off, n);
            off += n;
        }
    }

    private List<Path> files() throws IOException {
        try (var s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    @Test
    void aStreamReceivedInPiecesOfAnySizeIsAdoptedAsAVerifiedSnapshot() throws IOException {
        byte[] bytes = streamed(ZXID, 50_000);
        for (long seed = 1; seed <= 5; seed++) {
            SnapshotStore store = new SnapshotStore(Disk.local(), dir);
            IncomingSnapshotFile in = store.receive(ZXID);
            writeInPieces(in, bytes, seed);
            in.finish();
            assertEquals(List.of(in.spoolPath()), files(), "nothing is a snapshot before it is adopted");
            assertEquals(Optional.empty(), store.latestValid());
            Snapshot adopted = in.adopt();
            in.discard();
            assertEquals(List.of(dir.resolve(String.format("snapshot.%016x", ZXID))), files());
            assertArrayEquals(bytes, Files.readAllBytes(adopted.path()), "stored byte for byte as streamed");
            Snapshot verified = store.latestValid().orElseThrow();
            assertEquals(ZXID, verified.zxid());
            assertEquals(adopted.bodyBytes(), verified.bodyBytes());
            try (DataInputStream body = adopted.open()) {
                assertEquals(ZXID, body.readLong());
                byte[] rest = new byte[50_000];
                body.readFully(rest);
                assertArrayEquals(LogBytes.payload(ZXID, 50_000), rest);
                assertEquals(-1, body.read());
            }
            Files.delete(adopted.path());
        }
    }

    @Test
    void aShortTornOrMislabelledStreamNeverBecomesASnapshot() throws IOException {
        SnapshotStore store = new SnapshotStore(Disk.local(), dir);
        byte[] bytes = streamed(ZXID, 20_000);
        for (int cut : new int[] {0, 10, 16, 31, bytes.length - 16, bytes.length - 1}) {
            IncomingSnapshotFile in = store.receive(ZXID);
            in.write(bytes, 0, cut);
            IOException e = assertThrows(IOException.class, in::finish, "cut at " + cut);
            assertTrue(e.getMessage().contains("received snapshot"), e.getMessage());
            in.discard();
        }
        byte[] flipped = bytes.clone();
        flipped[5_000] ^= 0x10;
        IncomingSnapshotFile torn = store.receive(ZXID);
        writeInPieces(torn, flipped, 9);
        IOException mismatch = assertThrows(IOException.class, torn::finish);
        assertTrue(mismatch.getMessage().contains("checksum mismatch"), mismatch.getMessage());
        torn.discard();
        IncomingSnapshotFile other = store.receive(ZXID + 1);
        IOException label = assertThrows(IOException.class, () -> other.write(bytes, 0, bytes.length));
        assertTrue(label.getMessage().contains("announced at 0x300000008"), label.getMessage());
        other.discard();
        assertEquals(List.of(), files(), "every refused spool file is gone");
        assertEquals(Optional.empty(), store.latestValid());
    }

    @Test
    void aDiscardedReceptionCannotBeFinishedOrAdopted() throws IOException {
        SnapshotStore store = new SnapshotStore(Disk.local(), dir);
        byte[] bytes = streamed(ZXID, 1_000);
        IncomingSnapshotFile in = store.receive(ZXID);
        in.write(bytes, 0, 100);
        in.discard();
        assertThrows(IOException.class, () -> in.write(bytes, 100, bytes.length - 100));
        assertThrows(IOException.class, in::finish);
        assertThrows(IllegalStateException.class, in::adopt);
        assertEquals(List.of(), files());
    }

    @Test
    void spoolFilesACrashLeftBehindAreDeletedAtStartUpAndSnapshotsAreKept() throws IOException {
        SnapshotStore store = new SnapshotStore(Disk.local(), dir);
        store.write(ZXID - 1, out -> out.writeLong(1));
        byte[] bytes = streamed(ZXID, 1_000);
        IncomingSnapshotFile half = store.receive(ZXID);
        half.write(bytes, 0, 500);
        IncomingSnapshotFile whole = store.receive(ZXID);
        whole.write(bytes, 0, bytes.length);
        whole.finish();
        assertEquals(3, files().size());
        // the process dies here; at the next start:
        SnapshotStore restarted = new SnapshotStore(Disk.local(), dir);
        assertEquals(2, restarted.deleteLeftoverSpools());
        assertEquals(List.of(dir.resolve(String.format("snapshot.%016x", ZXID - 1))), files());
        assertEquals(ZXID - 1, restarted.latestValid().orElseThrow().zxid());
    }
}
