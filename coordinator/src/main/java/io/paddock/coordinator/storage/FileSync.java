package io.paddock.coordinator.storage;

import io.paddock.coordinator.env.Disk;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The two steps that make a created, renamed or deleted file survive a crash: a file's own fsync
 * does not persist its directory entry, so the directory must be fsynced as well.
 */
final class FileSync {
    private FileSync() {
    }

    static void directory(Disk disk, Path dir) throws IOException {
        disk.syncDirectory(dir);
    }

    /** Rename over the target so readers see either the old or the new content, never a mix. */
    static void replace(Disk disk, Path tmp, Path target) throws IOException {
        disk.replace(tmp, target);
        directory(disk, parentOf(target));
    }

    static Path parentOf(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        if (parent == null) {
            throw new IllegalArgumentException("file has no parent directory: " + file);
        }
        return parent;
    }
}
