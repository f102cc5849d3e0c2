package io.paddock.coordinator.storage;

import io.paddock.coordinator.env.Disk;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotStoreTest {
    @TempDir
    Path dir;

    private static SnapshotBody bodyOf(long zxid) {
        return out -> {
            out.writeLong(zxid);
            out.writeUTF("node-" + zxid);
            out.write(LogBytes.payload(zxid, 10_000));
        };
    }

    private static void assertBodyOf(long zxid, Snapshot snap) throws IOException {
        try (DataInputStream in = snap.open()) {
            assertEquals(zxid, in.readLong());
            assertEquals("node-" + zxid, in.readUTF());
            byte[] bytes = new byte[10_000];
            in.readFully(bytes);
            assertArrayEquals(LogBytes.payload(zxid, 10_000), bytes);
            assertEquals(-1, in.read());
        }
    }

    private Path file(long zxid) {
        return dir.resolve(String.format("snapshot.%016x", zxid));
    }

    @Test
    void writeThenReadBack() throws IOException {
        SnapshotStore store = new SnapshotStore(Disk.local(), dir);
        assertEquals(Optional.empty(), store.latestValid());
        assertEquals(-1, store.oldestRetainedZxid());
        store.write(0x100000005L, bodyOf(0x100000005L));
        Snapshot snap = store.latestValid().orElseThrow();
        assertEquals(0x100000005L, snap.zxid());
        assertEquals(file(0x100000005L), snap.path());
        long body = 8 + 2 + "node-4294967301".length() + 10_000;
        assertEquals(body, snap.bodyBytes());
        assertEquals(16 + body + 16, Files.size(snap.path()));
        assertBodyOf(0x100000005L, snap);
        assertBodyOf(0x100000005L, snap);
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file(0x100000005L)), files.toList());
        }
    }

    @Test
    void bodyThatClosesItsStreamStillGetsATrailer() throws IOException {
        SnapshotStore store = new SnapshotStore(Disk.local(), dir);
        store.write(7, out -> {
            out.writeInt(42);
            out.close();
        });
        Snapshot snap = store.latestValid().orElseThrow();
        try (DataInputStream in = snap.open()) {
            assertEquals(42, in.readInt());
            assertEquals(-1, in.read());
        }
    }

    @Test
    void failedBodyLeavesNoFiles() throws IOException {
        SnapshotStore store = new SnapshotStore(Disk.local(), dir);
        IOException e = assertThrows(IOException.class, () -> store.write(9, out -> {
            out.writeInt(1);
            throw new IOException("boom");
        }));
        assertEquals("boom", e.getMessage());
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void tornOrCorruptNewerSnapshotsFallBackToAnOlderOne() throws IOException {
        SnapshotStore store = new SnapshotStore(Disk.local(), dir);
        store.write(100, bodyOf(100));
        store.write(200, bodyOf(200));
        store.write(300, bodyOf(300));
        LogBytes.truncate(file(300), Files.size(file(300)) - 1);
        LogBytes.flipByte(file(200), 5000);
        Snapshot snap = store.latestValid().orElseThrow();
        assertEquals(100, snap.zxid());
        assertBodyOf(100, snap);
        assertEquals(List.of(100L, 200L, 300L), store.zxids());
    }

    @Test
    void snapshotRenamedToAnotherZxidIsRejected() throws IOException {
        SnapshotStore store = new SnapshotStore(Disk.local(), dir);
        store.write(100, bodyOf(100));
        store.write(200, bodyOf(200));
        Files.move(file(200), file(250));
        assertEquals(100, store.latestValid().orElseThrow().zxid());
    }

    @Test
    void purgeKeepsTheNewestValidSnapshotsAndNeverFewerThanThree() throws IOException {
        SnapshotStore store = new SnapshotStore(Disk.local(), dir);
        for (long z = 1; z <= 8; z++) {
            store.write(z, bodyOf(z));
        }
        Files.write(dir.resolve("snapshot.0000000000000009.tmp"), new byte[10]);
        Files.write(dir.resolve("notes.txt"), new byte[1]);
        assertEquals(4, store.purge(5));
        assertEquals(List.of(4L, 5L, 6L, 7L, 8L), store.zxids());
        assertEquals(4, store.oldestRetainedZxid());
        assertFalse(Files.exists(dir.resolve("snapshot.0000000000000009.tmp")));
        assertTrue(Files.exists(dir.resolve("notes.txt")));

        assertEquals(2, store.purge(1));
        assertEquals(List.of(6L, 7L, 8L), store.zxids());
        assertEquals(6, store.oldestRetainedZxid());

        store.write(9, bodyOf(9));
        LogBytes.flipByte(file(9), 100);
        assertEquals(1, store.purge(3));
        assertEquals(List.of(6L, 7L, 8L), store.zxids());

        LogBytes.flipByte(file(7), 100);
        assertEquals(1, store.purge(3));
        assertEquals(List.of(6L, 8L), store.zxids());
        assertEquals(0, store.purge(3));
    }
}
