package io.paddock.coordinator.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Reading a whole log and comparing it with expected entries, payload bytes included. */
final class LogAssertions {
    private LogAssertions() {
    }

    static List<LogEntry> readAll(TxnLog log, long afterZxid) throws IOException {
        List<LogEntry> out = new ArrayList<>();
        try (CloseableIterator<LogEntry> it = log.readFrom(afterZxid)) {
            while (it.hasNext()) {
                out.add(it.next());
            }
        }
        return out;
    }

    static void assertEntries(List<LogEntry> expected, List<LogEntry> actual) {
        assertEquals(zxids(expected), zxids(actual), "zxids");
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i).payload(), actual.get(i).payload(),
                    "payload of zxid " + expected.get(i).zxid());
        }
    }

    static List<Long> zxids(List<LogEntry> entries) {
        return entries.stream().map(LogEntry::zxid).toList();
    }
}
