package io.paddock.coordinator.storage;

import java.util.Iterator;

/**
 * An iterator over file-backed data that holds open file handles until closed.
 *
 * <p>{@link #close()} does not throw a checked exception so it fits try-with-resources without
 * ceremony; read failures surface from {@code hasNext}/{@code next} as
 * {@link java.io.UncheckedIOException} (wrapping a {@link CorruptLogException} when a checksum fails).
 */
public interface CloseableIterator<T> extends Iterator<T>, AutoCloseable {
    @Override
    void close();
}
