package io.paddock.coordinator.storage;

import java.io.DataOutputStream;
import java.io.IOException;

/**
 * Serializes a snapshot body. Storage frames and checksums it without knowing what it encodes, so
 * the tree owns its format. Implementations must not close {@code out} (closing it is harmless
 * but ends nothing early).
 */
@FunctionalInterface
public interface SnapshotBody {
    void writeTo(DataOutputStream out) throws IOException;
}
