package io.paddock.coordinator.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.coordinator.env.Disk;
import io.paddock.coordinator.storage.SnapshotStore;
import io.paddock.coordinator.storage.TxnLog;
import io.paddock.coordinator.storage.TxnLogOptions;
import io.paddock.coordinator.zab.Entry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Start-up recovery refuses a log with a hole (a segment whose tail was lost reads as ending early):
 * a single voter will not start, an ensemble member drops its state and waits to be resynchronized,
 * and that decision is durable before the log is dropped.
 */
class RecoveryTest {
    private static final TxnLogOptions OPTIONS = new TxnLogOptions(0, true, 1 << 20, 1024);

    @TempDir
    Path dir;

    private TxnLog logWithAHoleAfterThree() throws IOException {
        TxnLog log = TxnLog.open(Disk.local(), dir.resolve("log"), OPTIONS);
        for (long z : new long[] {1, 2, 3}) {
            log.append(z, new byte[] {(byte) z});
        }
        log.roll();
        for (long z : new long[] {6, 7}) {
            log.append(z, new byte[] {(byte) z});
        }
        log.sync();
        return log;
    }

    private SnapshotStore snapshots() throws IOException {
        Path d = dir.resolve("snapshots");
        Files.createDirectories(d);
        return new SnapshotStore(Disk.local(), d);
    }

    @Test
    void aSingleVoterRefusesToStartOnAHole() throws IOException {
        try (TxnLog log = logWithAHoleAfterThree()) {
            IOException e = assertThrows(IOException.class, () -> Recovery.recover(snapshots(), log,
                    ZabStateFile.open(Disk.local(), dir), false));
            assertEquals("txn log hole: after zxid 0x3 the next logged txn is 0x6; refusing to start with missing"
                    + " committed txns", e.getMessage());
            assertEquals(7, log.lastZxid(), "nothing is dropped");
        }
    }

    @Test
    void anEnsembleMemberDropsItsStateAndStaysResyncingUntilSynchronized() throws IOException {
        try (TxnLog log = logWithAHoleAfterThree()) {
            Recovery.State s = Recovery.recover(snapshots(), log, ZabStateFile.open(Disk.local(), dir), true);
            assertEquals(0, s.tree().lastZxid());
            assertEquals(List.<Entry>of(), s.log());
            assertEquals(0, log.lastZxid());
        }
        assertTrue(ZabStateFile.open(Disk.local(), dir).resyncing(), "durable across a restart");
    }

    /** A crash after the marker was written but before the log was dropped: the next start drops it. */
    @Test
    void aMarkedMemberDropsWhateverLogIsLeft() throws IOException {
        ZabStateFile state = ZabStateFile.open(Disk.local(), dir);
        state.markResyncing();
        try (TxnLog log = TxnLog.open(Disk.local(), dir.resolve("log"), OPTIONS)) {
            log.append(1, new byte[] {1});
            log.sync();
            Recovery.State s = Recovery.recover(snapshots(), log, ZabStateFile.open(Disk.local(), dir), true);
            assertEquals(List.<Entry>of(), s.log());
            assertEquals(0, log.lastZxid());
        }
        assertTrue(ZabStateFile.open(Disk.local(), dir).resyncing());
    }
}
