package io.paddock.coordinator.storage;

/**
 * What one purge removed.
 *
 * @param oldestRetainedZxid zxid of the oldest snapshot kept, or -1 when none is valid (then no
 *                           log segment is purged, since nothing could replace it)
 */
public record PurgeResult(int snapshotsDeleted, int segmentsDeleted, long oldestRetainedZxid) {
}
