package io.paddock.coordinator.storage;

import java.nio.file.Path;

/** A log segment on disk; {@code firstZxid} comes from its name and equals its first record's zxid. */
record SegmentFile(Path path, long firstZxid) {
    static SegmentFile in(Path dir, long firstZxid) {
        return new SegmentFile(dir.resolve(ZxidFileNames.name(LogFormat.SEGMENT_PREFIX, firstZxid)), firstZxid);
    }
}
