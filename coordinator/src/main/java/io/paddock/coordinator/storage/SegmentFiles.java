package io.paddock.coordinator.storage;

import io.paddock.coordinator.env.Disk;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;

/** Lists the segments of a log directory in zxid order, ignoring files that are not segments. */
final class SegmentFiles {
    private SegmentFiles() {
    }

    static List<SegmentFile> list(Disk disk, Path dir) throws IOException {
        List<SegmentFile> found = new ArrayList<>();
        for (Path p : disk.list(dir)) {
            OptionalLong zxid = ZxidFileNames.parse(LogFormat.SEGMENT_PREFIX, p.getFileName().toString());
            if (zxid.isPresent() && disk.isRegularFile(p)) {
                found.add(new SegmentFile(p, zxid.getAsLong()));
            }
        }
        found.sort(Comparator.comparingLong(SegmentFile::firstZxid));
        return found;
    }
}
