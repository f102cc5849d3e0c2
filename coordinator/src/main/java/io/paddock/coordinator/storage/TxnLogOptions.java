package io.paddock.coordinator.storage;

/**
 * Tuning of a {@link TxnLog}; every bound is explicit so several servers with different settings
 * can share one JVM (DESIGN.md rule 9).
 *
 * @param preAllocBytes      zero-filled space added ahead of the write position; 0 disables
 * @param forceSync          fsync on {@link TxnLog#sync()}; false only for tests and benchmarks,
 *                           since without it an acknowledged write can be lost on power failure
 * @param segmentTargetBytes size at which the next append starts a new segment
 * @param maxEntryBytes      largest payload accepted; recovery also treats larger lengths as damage
 */
public record TxnLogOptions(long preAllocBytes, boolean forceSync, long segmentTargetBytes, int maxEntryBytes) {
    /** ZooKeeper's preAllocSize default. */
    public static final long DEFAULT_PREALLOC_BYTES = 64L * 1024 * 1024;
    public static final long DEFAULT_SEGMENT_TARGET_BYTES = 64L * 1024 * 1024;
    /** Four times ZooKeeper's default jute.maxbuffer, leaving room for multi-op txns and headers. */
    public static final int DEFAULT_MAX_ENTRY_BYTES = 4 * 1024 * 1024;

    public TxnLogOptions {
        if (preAllocBytes < 0) {
            throw new IllegalArgumentException("preAllocBytes must be >= 0 bytes, got " + preAllocBytes);
        }
        if (segmentTargetBytes <= 0) {
            throw new IllegalArgumentException("segmentTargetBytes must be > 0 bytes, got " + segmentTargetBytes);
        }
        if (maxEntryBytes < 0 || maxEntryBytes > Integer.MAX_VALUE - 2 * LogFormat.RECORD_HEADER_BYTES - 8) {
            throw new IllegalArgumentException("maxEntryBytes out of range: " + maxEntryBytes);
        }
    }

    public static TxnLogOptions defaults() {
        return new TxnLogOptions(DEFAULT_PREALLOC_BYTES, true, DEFAULT_SEGMENT_TARGET_BYTES, DEFAULT_MAX_ENTRY_BYTES);
    }
}
