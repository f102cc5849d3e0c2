package io.paddock.coordinator.storage;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;

/** Lists the segments of a log directory in zxid order, ignoring files that are not segments. */
final class SegmentFiles {
    private SegmentFiles() {
    }

    static List<SegmentFile> list(Path dir) throws IOException {
        List<SegmentFile> found = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path p : stream) {
                OptionalLong zxid = ZxidFileNames.parse(LogFormat.SEGMENT_PREFIX, p.getFileName().toString());
                if (zxid.isPresent() && Files.isRegularFile(p)) {
                    found.add(new SegmentFile(p, zxid.getAsLong()));
                }
            }
        }
        found.sort(Comparator.comparingLong(SegmentFile::firstZxid));
        return found;
    }
}
