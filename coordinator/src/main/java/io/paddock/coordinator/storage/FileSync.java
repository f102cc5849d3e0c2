package io.paddock.coordinator.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The two steps that make a created, renamed or deleted file survive a crash: a file's own fsync
 * does not persist its directory entry, so the directory must be fsynced as well.
 */
final class FileSync {
    private FileSync() {
    }

    static void directory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /** Rename over the target so readers see either the old or the new content, never a mix. */
    static void replace(Path tmp, Path target) throws IOException {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        directory(parentOf(target));
    }

    static Path parentOf(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        if (parent == null) {
            throw new IllegalArgumentException("file has no parent directory: " + file);
        }
        return parent;
    }
}
