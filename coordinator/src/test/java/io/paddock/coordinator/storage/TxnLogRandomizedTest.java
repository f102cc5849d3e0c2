package io.paddock.coordinator.storage;

import io.paddock.coordinator.env.Disk;
import static io.paddock.coordinator.storage.LogAssertions.assertEntries;
import static io.paddock.coordinator.storage.LogAssertions.readAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random appends, syncs, rolls, truncations, purges and reopens against an in-memory model, ending
 * with a random tear of the last record. Each seed replays exactly.
 */
class TxnLogRandomizedTest {
    private static final int STEPS = 300;

    @TempDir
    Path dir;

    private TxnLogOptions options;
    private final List<LogEntry> model = new ArrayList<>();
    /** Highest zxid passed to purgeBefore: entries above it must always be readable. */
    private long purgedUpTo;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
    void matchesModelAfterRandomOperationsAndATornTail(long seed) throws IOException {
        Random rnd = new Random(seed);
        long[] preAllocs = {0, 64, 1000};
        long[] targets = {100, 300, 2000};
        options = new TxnLogOptions(preAllocs[rnd.nextInt(3)], false, targets[rnd.nextInt(3)], 64);
        TxnLog log = TxnLog.open(Disk.local(), dir, options);
        try {
            for (int step = 0; step < STEPS; step++) {
                log = step(rnd, log, seed + "/" + step);
            }
            log.sync();
        } finally {
            log.close();
        }
        if (model.isEmpty()) {
            return;
        }
        tearLastRecord(rnd);
        model.remove(model.size() - 1);
        try (TxnLog reopened = TxnLog.open(Disk.local(), dir, options)) {
            check(reopened, "after tear, seed " + seed);
            long next = lastModelZxid() + 1;
            byte[] p = LogBytes.payload(next, 9);
            reopened.append(next, p);
            model.add(new LogEntry(next, p));
        }
        try (TxnLog reopened = TxnLog.open(Disk.local(), dir, options)) {
            check(reopened, "after append past tear, seed " + seed);
        }
    }

    private TxnLog step(Random rnd, TxnLog log, String where) throws IOException {
        int op = rnd.nextInt(100);
        if (op < 55) {
            int n = 1 + rnd.nextInt(5);
            for (int i = 0; i < n; i++) {
                long zxid = lastModelZxid() + 1 + rnd.nextInt(3);
                byte[] p = LogBytes.payload(zxid, rnd.nextInt(65));
                log.append(zxid, p);
                model.add(new LogEntry(zxid, p));
            }
        } else if (op < 72) {
            log.sync();
            assertEquals(lastModelZxid(), log.lastSyncedZxid(), where);
            check(log, where);
        } else if (op < 80) {
            log.roll();
        } else if (op < 86) {
            long to = model.isEmpty() ? 0 : model.get(rnd.nextInt(model.size())).zxid() - rnd.nextInt(2);
            boolean removesEverySegment = to < log.firstZxid();
            log.truncateAfter(to);
            model.removeIf(e -> e.zxid() > to);
            if (removesEverySegment) {
                // Entries at or below the cut were purged earlier, so nothing of the log remains.
                model.clear();
                purgedUpTo = 0;
            }
            assertEquals(lastModelZxid(), log.lastZxid(), where);
            check(log, where);
        } else if (op < 92) {
            if (!model.isEmpty()) {
                long upTo = model.get(rnd.nextInt(model.size())).zxid();
                log.sync();
                log.purgeBefore(upTo);
                purgedUpTo = Math.max(purgedUpTo, upTo);
                check(log, where);
            }
        } else {
            log.close();
            log = TxnLog.open(Disk.local(), dir, options);
            check(log, where);
        }
        return log;
    }

    /** The log holds a contiguous tail of the model that includes every entry above purgedUpTo. */
    private void check(TxnLog log, String where) throws IOException {
        assertEquals(lastModelZxid(), log.lastZxid(), where);
        List<LogEntry> all = readAll(log, 0);
        List<LogEntry> synced = model.stream().filter(e -> e.zxid() <= log.lastSyncedZxid()).toList();
        assertEntries(synced.subList(synced.size() - all.size(), synced.size()), all);
        List<LogEntry> needed = synced.stream().filter(e -> e.zxid() > purgedUpTo).toList();
        assertEntries(needed, readAll(log, purgedUpTo));
    }

    private long lastModelZxid() {
        return model.isEmpty() ? 0 : model.get(model.size() - 1).zxid();
    }

    private void tearLastRecord(Random rnd) throws IOException {
        Path last;
        try (var files = Files.list(dir)) {
            last = files.filter(p -> p.getFileName().toString().startsWith("log.")).sorted()
                    .reduce((a, b) -> b).orElseThrow();
        }
        List<long[]> spans = LogBytes.recordSpans(last);
        assertTrue(!spans.isEmpty(), "last segment holds records");
        long[] rec = spans.get(spans.size() - 1);
        long at = rec[0] + rnd.nextInt((int) (rec[1] - rec[0]));
        switch (rnd.nextInt(3)) {
            case 0 -> LogBytes.truncate(last, at);
            case 1 -> LogBytes.flipByte(last, at);
            default -> LogBytes.zero(last, at, rec[1]);
        }
    }
}
