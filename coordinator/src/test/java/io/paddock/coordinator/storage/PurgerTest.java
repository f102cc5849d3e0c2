package io.paddock.coordinator.storage;

import io.paddock.coordinator.env.Disk;
import static io.paddock.coordinator.storage.LogAssertions.readAll;
import static io.paddock.coordinator.storage.LogAssertions.zxids;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PurgerTest {
    @TempDir
    Path dir;

    private TxnLog logWithSegmentsEveryTen(Path logDir) throws IOException {
        TxnLog log = TxnLog.open(Disk.local(), logDir, new TxnLogOptions(0, true, 1 << 20, 1024));
        for (long z = 1; z <= 50; z++) {
            if (z > 1 && z % 10 == 1) {
                log.roll();
            }
            log.append(z, LogBytes.payload(z, 5));
        }
        log.sync();
        return log;
    }

    @Test
    void purgesSnapshotsThenTheLogUpToTheOldestRetainedSnapshot() throws IOException {
        SnapshotStore snaps = new SnapshotStore(Disk.local(), dir.resolve("snap"));
        for (long z : new long[] {10, 20, 30, 40}) {
            snaps.write(z, out -> out.writeLong(z));
        }
        try (TxnLog log = logWithSegmentsEveryTen(dir.resolve("log"))) {
            PurgeResult result = Purger.purge(snaps, log, 3);
            assertEquals(new PurgeResult(1, 2, 20), result);
            assertEquals(List.of(20L, 30L, 40L), snaps.zxids());
            assertEquals(List.of(dir.resolve("log/log.0000000000000015"), dir.resolve("log/log.000000000000001f"),
                    dir.resolve("log/log.0000000000000029")), log.segments());
            assertEquals(LongStream.rangeClosed(21, 50).boxed().toList(), zxids(readAll(log, 20)));
            assertEquals(new PurgeResult(0, 0, 20), Purger.purge(snaps, log, 3));
        }
    }

    @Test
    void withoutAValidSnapshotNoSegmentIsPurged() throws IOException {
        SnapshotStore snaps = new SnapshotStore(Disk.local(), dir.resolve("snap"));
        snaps.write(30, out -> out.writeLong(30));
        LogBytes.flipByte(dir.resolve("snap/snapshot.000000000000001e"), 3);
        try (TxnLog log = logWithSegmentsEveryTen(dir.resolve("log"))) {
            assertEquals(new PurgeResult(1, 0, -1), Purger.purge(snaps, log, 3));
            assertEquals(5, log.segments().size());
        }
    }
}
