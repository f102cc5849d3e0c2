package io.paddock.coordinator.storage;

import io.paddock.coordinator.env.Disk;
import static io.paddock.coordinator.storage.LogAssertions.assertEntries;
import static io.paddock.coordinator.storage.LogAssertions.readAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Torn tails are repaired; damage anywhere else stops the open. Records here are 36 bytes. */
class TxnLogRecoveryTest {
    private static final int PAYLOAD = 20;
    private static final int RECORD = 36;

    @TempDir
    Path dir;

    private final List<LogEntry> written = new ArrayList<>();

    private TxnLogOptions options(long preAlloc) {
        return new TxnLogOptions(preAlloc, true, 1 << 20, 1024);
    }

    /** Ten entries in one segment (or two when rolled after five); returns the first segment. */
    private Path writeTen(long preAlloc, boolean rollAfterFive) throws IOException {
        try (TxnLog log = TxnLog.open(Disk.local(), dir, options(preAlloc))) {
            for (long z = 1; z <= 10; z++) {
                if (rollAfterFive && z == 6) {
                    log.roll();
                }
                byte[] p = LogBytes.payload(z, PAYLOAD);
                log.append(z, p);
                written.add(new LogEntry(z, p));
            }
            log.sync();
        }
        return dir.resolve(LogBytes.segmentName(1));
    }

    private static long offsetOf(int recordIndex) {
        return LogBytes.HEADER + (long) recordIndex * RECORD;
    }

    /** Reopens, expects entries 1..9, appends a new 10 and checks it survives another reopen. */
    private void assertRecoveredToNineAndWritable(long preAlloc) throws IOException {
        List<LogEntry> expected = new ArrayList<>(written.subList(0, 9));
        try (TxnLog log = TxnLog.open(Disk.local(), dir, options(preAlloc))) {
            assertEquals(9, log.lastZxid());
            assertEntries(expected, readAll(log, 0));
            byte[] fresh = "fresh".getBytes();
            log.append(10, fresh);
            log.sync();
            expected.add(new LogEntry(10, fresh));
        }
        try (TxnLog log = TxnLog.open(Disk.local(), dir, options(preAlloc))) {
            assertEntries(expected, readAll(log, 0));
        }
    }

    @Test
    void fileCutInsideTheLastRecord() throws IOException {
        Path seg = writeTen(0, false);
        assertEquals(offsetOf(10), Files.size(seg));
        LogBytes.truncate(seg, offsetOf(10) - 10);
        try (TxnLog log = TxnLog.open(Disk.local(), dir, options(0))) {
            assertEquals(offsetOf(9), Files.size(seg));
            assertEquals(9, log.lastZxid());
        }
        assertRecoveredToNineAndWritable(0);
    }

    @Test
    void fileCutInsideTheLengthField() throws IOException {
        Path seg = writeTen(0, false);
        LogBytes.truncate(seg, offsetOf(9) + 2);
        assertRecoveredToNineAndWritable(0);
    }

    @Test
    void flippedPayloadByteInTheLastRecord() throws IOException {
        Path seg = writeTen(4096, false);
        LogBytes.flipByte(seg, offsetOf(9) + 20);
        try (TxnLog log = TxnLog.open(Disk.local(), dir, options(4096))) {
            assertEquals(offsetOf(9), Files.size(seg));
            log.append(10, new byte[PAYLOAD]);
            log.sync();
            // Re-preallocated from the truncation point.
            assertEquals(offsetOf(9) + 4096, Files.size(seg));
        }
    }

    @Test
    void flippedLengthByteInTheLastRecord() throws IOException {
        Path seg = writeTen(4096, false);
        LogBytes.flipByte(seg, offsetOf(9));
        assertRecoveredToNineAndWritable(4096);
    }

    @Test
    void shortenedLengthInTheLastRecord() throws IOException {
        Path seg = writeTen(4096, false);
        LogBytes.writeAt(seg, offsetOf(9), ByteBuffer.allocate(4).putInt(12).array());
        assertRecoveredToNineAndWritable(4096);
    }

    @Test
    void partlyWrittenLastRecordFollowedByZeros() throws IOException {
        Path seg = writeTen(4096, false);
        LogBytes.zero(seg, offsetOf(9) + 12, offsetOf(10));
        assertRecoveredToNineAndWritable(4096);
    }

    @Test
    void garbageAfterTheEndOfTheLastSegmentIsDropped() throws IOException {
        Path seg = writeTen(4096, false);
        LogBytes.writeAt(seg, offsetOf(10) + 100, new byte[] {1, 2, 3});
        try (TxnLog log = TxnLog.open(Disk.local(), dir, options(4096))) {
            assertEquals(10, log.lastZxid());
            assertEquals(offsetOf(10), Files.size(seg));
        }
    }

    @Test
    void lastSegmentWithOnlyATornRecordIsDeleted() throws IOException {
        Path first = writeTen(0, true);
        Path second = dir.resolve(LogBytes.segmentName(6));
        LogBytes.truncate(second, LogBytes.HEADER + 5);
        try (TxnLog log = TxnLog.open(Disk.local(), dir, options(0))) {
            assertEquals(List.of(first), log.segments());
            assertEquals(5, log.lastZxid());
        }
        assertFalse(Files.exists(second));
    }

    @Test
    void tornHeaderOfTheLastSegmentIsDeleted() throws IOException {
        writeTen(0, false);
        Path torn = dir.resolve(LogBytes.segmentName(11));
        Files.write(torn, new byte[] {'P', 'D', 'K'});
        Path zeroed = dir.resolve(LogBytes.segmentName(12));
        try (TxnLog log = TxnLog.open(Disk.local(), dir, options(0))) {
            assertEquals(10, log.lastZxid());
        }
        assertFalse(Files.exists(torn));
        Files.write(zeroed, new byte[64]);
        try (TxnLog log = TxnLog.open(Disk.local(), dir, options(0))) {
            assertEquals(10, log.lastZxid());
            assertEquals(List.of(dir.resolve(LogBytes.segmentName(1))), log.segments());
        }
        assertFalse(Files.exists(zeroed));
    }

    @Test
    void flippedByteInAnEarlyRecordIsCorruption() throws IOException {
        Path seg = writeTen(4096, false);
        LogBytes.flipByte(seg, offsetOf(2) + 25);
        long sizeBefore = Files.size(seg);
        CorruptLogException e = assertThrows(CorruptLogException.class, () -> TxnLog.open(Disk.local(), dir, options(4096)));
        assertEquals(seg, e.file());
        assertEquals(offsetOf(2), e.offset());
        assertEquals(2, e.lastGoodZxid());
        assertTrue(e.getMessage().contains(seg.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("byte offset 88"), e.getMessage());
        assertTrue(e.getMessage().contains("Last good zxid is 0x2"), e.getMessage());
        assertTrue(e.getMessage().contains("refuses to start rather than drop committed data"), e.getMessage());
        // Nothing was repaired on the way out.
        assertEquals(sizeBefore, Files.size(seg));
        assertThrows(CorruptLogException.class, () -> TxnLog.open(Disk.local(), dir, options(4096)));
    }

    @Test
    void damagedLastRecordOfANonLastSegmentIsCorruption() throws IOException {
        Path first = writeTen(0, true);
        LogBytes.flipByte(first, offsetOf(4) + 30);
        CorruptLogException e = assertThrows(CorruptLogException.class, () -> TxnLog.open(Disk.local(), dir, options(0)));
        assertEquals(first, e.file());
        assertEquals(offsetOf(4), e.offset());
        assertTrue(e.getMessage().contains(first.toString() + " at byte offset " + offsetOf(4)), e.getMessage());
        assertTrue(e.getMessage().contains("followed by later segments"), e.getMessage());
    }

    /**
     * Zeros after the records of a segment that is not the last read as its preallocated end: the
     * storage layer cannot tell a zeroed tail from one, so it yields the entries around the hole and
     * the server's recovery refuses the hole (RecoveryTest), since entries must follow each other.
     */
    @Test
    void zeroedTailOfANonLastSegmentLeavesAHoleTheServerSees() throws IOException {
        Path first = writeTen(0, true);
        LogBytes.zero(first, offsetOf(3), offsetOf(5));
        List<Long> zxids = new ArrayList<>();
        try (TxnLog log = TxnLog.open(Disk.local(), dir, options(0))) {
            readAll(log, 0).forEach(e -> zxids.add(e.zxid()));
        }
        assertEquals(List.of(1L, 2L, 3L, 6L, 7L, 8L, 9L, 10L), zxids);
    }

    @Test
    void cutNonLastSegmentIsCorruption() throws IOException {
        Path first = writeTen(0, true);
        LogBytes.truncate(first, offsetOf(5) - 3);
        CorruptLogException e = assertThrows(CorruptLogException.class, () -> TxnLog.open(Disk.local(), dir, options(0)));
        assertEquals(offsetOf(4), e.offset());
        assertEquals(4, e.lastGoodZxid());
    }

    @Test
    void zeroedLengthFollowedByValidRecordsIsCorruption() throws IOException {
        Path seg = writeTen(4096, false);
        LogBytes.zero(seg, offsetOf(3), offsetOf(3) + 4);
        CorruptLogException e = assertThrows(CorruptLogException.class, () -> TxnLog.open(Disk.local(), dir, options(4096)));
        assertEquals(offsetOf(3), e.offset());
        assertTrue(e.getMessage().contains("a valid record follows at offset " + offsetOf(4)), e.getMessage());
    }

    @Test
    void wipedRecordInTheMiddleIsCorruption() throws IOException {
        Path seg = writeTen(4096, false);
        LogBytes.zero(seg, offsetOf(3), offsetOf(8));
        CorruptLogException e = assertThrows(CorruptLogException.class, () -> TxnLog.open(Disk.local(), dir, options(4096)));
        assertEquals(offsetOf(3), e.offset());
        assertTrue(e.getMessage().contains("a valid record follows at offset " + offsetOf(8)), e.getMessage());
    }

    @Test
    void badMagicIsCorruption() throws IOException {
        Path first = writeTen(0, true);
        LogBytes.flipByte(first, 1);
        CorruptLogException e = assertThrows(CorruptLogException.class, () -> TxnLog.open(Disk.local(), dir, options(0)));
        assertEquals(0, e.offset());
        assertTrue(e.getMessage().contains("bad segment magic"), e.getMessage());
    }

    @Test
    void oversizeLengthIsABadRecordButAnIntactOneIsNeverDropped() throws IOException {
        Path seg = writeTen(0, false);
        // A garbage length above maxEntryBytes in the last record is a torn tail.
        LogBytes.writeAt(seg, offsetOf(9), ByteBuffer.allocate(4).putInt(8 + 1025).array());
        LogBytes.writeAt(seg, offsetOf(10), new byte[2000]);
        try (TxnLog log = TxnLog.open(Disk.local(), dir, options(0))) {
            assertEquals(9, log.lastZxid());
            log.append(10, LogBytes.payload(10, PAYLOAD));
        }
        // A whole, checksummed record above a since-lowered limit is not torn: refuse instead of dropping it.
        TxnLogOptions small = new TxnLogOptions(0, true, 1 << 20, 16);
        CorruptLogException e = assertThrows(CorruptLogException.class, () -> TxnLog.open(Disk.local(), dir, small));
        assertEquals(LogBytes.HEADER, e.offset());
        assertTrue(e.getMessage().contains("impossible record length 28 although the record's checksum is valid"),
                e.getMessage());
        try (TxnLog log = TxnLog.open(Disk.local(), dir, options(0))) {
            assertEquals(10, log.lastZxid());
        }
    }

    @Test
    void recordWhoseZxidGoesBackwardsIsCorruption() throws IOException {
        Path seg = writeTen(0, false);
        Files.write(seg, LogBytes.record(7, new byte[3]), java.nio.file.StandardOpenOption.APPEND);
        CorruptLogException e = assertThrows(CorruptLogException.class, () -> TxnLog.open(Disk.local(), dir, options(0)));
        assertEquals(offsetOf(10), e.offset());
        assertTrue(e.getMessage().contains("zxid 0x7 does not increase"), e.getMessage());
    }
}
