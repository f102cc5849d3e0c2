package io.paddock.coordinator.storage;

import io.paddock.coordinator.env.Disk;
import static io.paddock.coordinator.storage.LogAssertions.assertEntries;
import static io.paddock.coordinator.storage.LogAssertions.readAll;
import static io.paddock.coordinator.storage.LogAssertions.zxids;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TxnLogTest {
    @TempDir
    Path dir;

    private static TxnLogOptions options(long preAlloc, long target) {
        return new TxnLogOptions(preAlloc, true, target, 1024);
    }

    private static List<LogEntry> appendRange(TxnLog log, long from, long to, int payloadLength) throws IOException {
        List<LogEntry> added = new ArrayList<>();
        for (long z = from; z <= to; z++) {
            byte[] p = LogBytes.payload(z, payloadLength);
            log.append(z, p);
            added.add(new LogEntry(z, p));
        }
        return added;
    }

    private List<String> segmentNames(TxnLog log) {
        return log.segments().stream().map(p -> p.getFileName().toString()).toList();
    }

    @Test
    void appendSyncReopenAcrossSegments() throws IOException {
        List<LogEntry> expected = new ArrayList<>();
        List<String> expectedSegments = new ArrayList<>();
        long segmentBytes = 0;
        try (TxnLog log = TxnLog.open(Disk.local(), dir, options(1024, 256))) {
            for (long z = 1; z <= 40; z++) {
                byte[] p = LogBytes.payload(z, (int) (z * 7 % 50));
                if (segmentBytes == 0 || segmentBytes >= 256) {
                    expectedSegments.add(LogBytes.segmentName(z));
                    segmentBytes = LogBytes.HEADER;
                }
                segmentBytes += LogBytes.recordSize(p.length);
                log.append(z, p);
                expected.add(new LogEntry(z, p));
                if (z % 7 == 0) {
                    log.sync();
                }
            }
            log.sync();
            assertEquals(40, log.lastSyncedZxid());
        }
        assertTrue(expectedSegments.size() > 3, "test must span several segments");
        try (TxnLog log = TxnLog.open(Disk.local(), dir, options(1024, 256))) {
            assertEquals(expectedSegments, segmentNames(log));
            assertEquals(40, log.lastZxid());
            assertEquals(40, log.lastSyncedZxid());
            assertEquals(1, log.firstZxid());
            assertEntries(expected, readAll(log, 0));
            assertEntries(expected.subList(17, 40), readAll(log, 17));
            assertEntries(List.of(), readAll(log, 40));
        }
    }

    @Test
    void groupCommitOfThousandAppendsNeedsOneSync() throws IOException {
        List<LogEntry> expected;
        try (TxnLog log = TxnLog.open(Disk.local(), dir, options(64 * 1024, 1 << 20))) {
            expected = appendRange(log, 1, 1000, 40);
            assertEquals(1000, log.lastZxid());
            assertEquals(0, log.lastSyncedZxid());
            assertEntries(List.of(), readAll(log, 0));
            log.sync();
            assertEquals(1000, log.lastSyncedZxid());
            assertEntries(expected, readAll(log, 0));
        }
        try (TxnLog log = TxnLog.open(Disk.local(), dir, options(64 * 1024, 1 << 20))) {
            assertEntries(expected, readAll(log, 0));
            assertEquals(1000, log.lastZxid());
        }
    }

    @Test
    void rejectsNonIncreasingZxidAndOversizePayload() throws IOException {
        try (TxnLog log = TxnLog.open(Disk.local(), dir, options(0, 1 << 20))) {
            assertThrows(IllegalArgumentException.class, () -> log.append(0, new byte[0]));
            log.append(5, new byte[0]);
            assertThrows(IllegalArgumentException.class, () -> log.append(5, new byte[0]));
            assertThrows(IllegalArgumentException.class, () -> log.append(4, new byte[0]));
            assertThrows(IllegalArgumentException.class, () -> log.append(6, new byte[1025]));
            log.append(6, new byte[1024]);
            assertEquals(6, log.lastZxid());
        }
    }

    @Test
    void onDiskBytesFollowTheDocumentedFormat() throws IOException {
        try (TxnLog log = TxnLog.open(Disk.local(), dir, options(0, 1 << 20))) {
            log.append(0x100000001L, "a".getBytes());
            log.append(0x100000002L, new byte[0]);
            log.sync();
        }
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes(LogBytes.header());
        expected.writeBytes(LogBytes.record(0x100000001L, "a".getBytes()));
        expected.writeBytes(LogBytes.record(0x100000002L, new byte[0]));
        Path segment = dir.resolve("log.0000000100000001");
        assertArrayEquals(expected.toByteArray(), Files.readAllBytes(segment));
    }

    @Test
    void unsyncedEntriesAreWrittenOnClose() throws IOException {
        List<LogEntry> expected;
        try (TxnLog log = TxnLog.open(Disk.local(), dir, options(0, 1 << 20))) {
            expected = appendRange(log, 1, 3, 5);
        }
        try (TxnLog log = TxnLog.open(Disk.local(), dir, options(0, 1 << 20))) {
            assertEntries(expected, readAll(log, 0));
        }
    }

    @Test
    void preallocationGrowsTheFileAndRecoveryTreatsZerosAsEnd() throws IOException {
        long preAlloc = 64 * 1024;
        Path segment = dir.resolve(LogBytes.segmentName(1));
        List<LogEntry> expected = new ArrayList<>();
        try (TxnLog log = TxnLog.open(Disk.local(), dir, options(preAlloc, 1 << 20))) {
            expected.addAll(appendRange(log, 1, 1, 100));
            log.sync();
            assertEquals(16 + preAlloc, Files.size(segment));
            // 116-byte records: the file grows once the next record would come within 4 KiB of its end.
            long position = 16 + 116;
            long z = 2;
            while (position + 116 + 4096 <= 16 + preAlloc) {
                expected.addAll(appendRange(log, z, z, 100));
                position += 116;
                z++;
            }
            log.sync();
            assertEquals(16 + preAlloc, Files.size(segment));
            expected.addAll(appendRange(log, z, z, 100));
            log.sync();
            assertEquals(16 + 2 * preAlloc, Files.size(segment));
        }
        try (TxnLog log = TxnLog.open(Disk.local(), dir, options(preAlloc, 1 << 20))) {
            assertEquals(16 + 2 * preAlloc, Files.size(segment));
            assertEquals(expected.size(), log.lastZxid());
            assertEntries(expected, readAll(log, 0));
            long next = log.lastZxid() + 1;
            expected.addAll(appendRange(log, next, next, 100));
            log.sync();
        }
        try (TxnLog log = TxnLog.open(Disk.local(), dir, options(preAlloc, 1 << 20))) {
            assertEntries(expected, readAll(log, 0));
        }
    }

    @Test
    void rollStartsANewSegmentAtTheNextAppend() throws IOException {
        try (TxnLog log = TxnLog.open(Disk.local(), dir, options(4096, 1 << 20))) {
            appendRange(log, 1, 10, 3);
            log.roll();
            log.sync();
            assertEquals(List.of(LogBytes.segmentName(1)), segmentNames(log));
            appendRange(log, 11, 12, 3);
            log.sync();
            assertEquals(List.of(LogBytes.segmentName(1), LogBytes.segmentName(11)), segmentNames(log));
        }
        // A finished segment keeps no preallocated tail.
        assertEquals(16 + 10 * 19, Files.size(dir.resolve(LogBytes.segmentName(1))));
    }

    @Test
    void truncateAfterDropsLaterEntriesDurably() throws IOException {
        // 36-byte records and a 200-byte target: six records per segment (1, 7, 13, 19, 25).
        TxnLogOptions opts = options(512, 200);
        List<LogEntry> all;
        try (TxnLog log = TxnLog.open(Disk.local(), dir, opts)) {
            all = appendRange(log, 1, 30, 20);
            log.sync();
            assertEquals(5, log.segments().size());
            log.truncateAfter(15);
            assertEquals(15, log.lastZxid());
            assertEquals(15, log.lastSyncedZxid());
            assertEquals(List.of(LogBytes.segmentName(1), LogBytes.segmentName(7), LogBytes.segmentName(13)),
                    segmentNames(log));
            assertEquals(16 + 3 * 36, Files.size(dir.resolve(LogBytes.segmentName(13))));
            assertEntries(all.subList(0, 15), readAll(log, 0));
        }
        List<LogEntry> expected = new ArrayList<>(all.subList(0, 15));
        try (TxnLog log = TxnLog.open(Disk.local(), dir, opts)) {
            assertEquals(15, log.lastZxid());
            assertEntries(expected, readAll(log, 0));
            byte[] replacement = "after-trunc".getBytes();
            log.append(16, replacement);
            log.sync();
            expected.add(new LogEntry(16, replacement));
            assertEquals(3, log.segments().size());
        }
        try (TxnLog log = TxnLog.open(Disk.local(), dir, opts)) {
            assertEntries(expected, readAll(log, 0));
            log.truncateAfter(13);
            assertEquals(13, log.lastZxid());
            assertEquals(16 + 36, Files.size(dir.resolve(LogBytes.segmentName(13))));
            log.truncateAfter(0);
            assertEquals(0, log.lastZxid());
            assertEquals(List.of(), log.segments());
            log.append(5, "x".getBytes());
            log.sync();
            assertEquals(List.of(LogBytes.segmentName(5)), segmentNames(log));
        }
        try (TxnLog log = TxnLog.open(Disk.local(), dir, opts)) {
            assertEntries(List.of(new LogEntry(5, "x".getBytes())), readAll(log, 0));
        }
    }

    @Test
    void truncateAfterWritesBufferedEntriesUpToThePoint() throws IOException {
        try (TxnLog log = TxnLog.open(Disk.local(), dir, options(0, 1 << 20))) {
            appendRange(log, 1, 5, 4);
            log.sync();
            appendRange(log, 6, 9, 4);
            log.truncateAfter(7);
            assertEquals(7, log.lastZxid());
        }
        try (TxnLog log = TxnLog.open(Disk.local(), dir, options(0, 1 << 20))) {
            assertEquals(LongStream.rangeClosed(1, 7).boxed().toList(), zxids(readAll(log, 0)));
        }
    }

    @Test
    void purgeBeforeKeepsWhatReplayNeeds() throws IOException {
        try (TxnLog log = TxnLog.open(Disk.local(), dir, options(0, 1 << 20))) {
            appendRange(log, 1, 10, 8);
            log.roll();
            appendRange(log, 11, 20, 8);
            log.roll();
            appendRange(log, 21, 30, 8);
            log.sync();
            assertEquals(0, log.purgeBefore(9));
            assertEquals(3, log.segments().size());
            assertEquals(1, log.purgeBefore(10));
            assertEquals(List.of(LogBytes.segmentName(11), LogBytes.segmentName(21)), segmentNames(log));
            assertEquals(11, log.firstZxid());
            assertEquals(LongStream.rangeClosed(11, 30).boxed().toList(), zxids(readAll(log, 10)));
            assertEquals(0, log.purgeBefore(19));
            assertEquals(1, log.purgeBefore(25));
            assertEquals(List.of(LogBytes.segmentName(21)), segmentNames(log));
            assertEquals(LongStream.rangeClosed(26, 30).boxed().toList(), zxids(readAll(log, 25)));
            assertEquals(0, log.purgeBefore(1000));
            assertEquals(List.of(LogBytes.segmentName(21)), segmentNames(log));
        }
        assertEquals(List.of(dir.resolve(LogBytes.segmentName(21))), listSegments());
    }

    private List<Path> listSegments() throws IOException {
        try (var s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("log.")).sorted().toList();
        }
    }

    @Test
    void readersSeeOnlySyncedEntriesAndSurviveLaterWritesAndPurges() throws IOException {
        try (TxnLog log = TxnLog.open(Disk.local(), dir, options(4096, 1 << 20))) {
            appendRange(log, 1, 10, 6);
            log.sync();
            appendRange(log, 11, 15, 6);
            assertEquals(LongStream.rangeClosed(1, 10).boxed().toList(), zxids(readAll(log, 0)));
            try (CloseableIterator<LogEntry> it = log.readFrom(5)) {
                assertEquals(6, it.next().zxid());
                log.sync();
                log.roll();
                appendRange(log, 16, 20, 6);
                log.sync();
                assertEquals(1, log.purgeBefore(15));
                List<Long> rest = new ArrayList<>();
                it.forEachRemaining(e -> rest.add(e.zxid()));
                assertEquals(List.of(7L, 8L, 9L, 10L), rest);
            }
            assertEquals(LongStream.rangeClosed(16, 20).boxed().toList(), zxids(readAll(log, 0)));
        }
    }
}
