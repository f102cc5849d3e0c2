package io.paddock.coordinator.storage;

import java.util.Objects;

/**
 * One replicated log entry as storage sees it: an ordering key and bytes it never interprets.
 *
 * <p>The payload array is shared, not copied, because entries move through the write path in bulk
 * and copying every payload would double the allocation rate; callers must not mutate it.
 */
public record LogEntry(long zxid, byte[] payload) {
    public LogEntry {
        Objects.requireNonNull(payload, "payload");
    }
}
