package io.paddock.coordinator.storage;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Damage in the txn log that cannot be a torn final write, so dropping it could drop committed
 * transactions. The server stops instead; an operator restores the directory from a healthy replica.
 */
public final class CorruptLogException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final long offset;
    private final long lastGoodZxid;

    public CorruptLogException(Path file, long offset, long lastGoodZxid, String reason) {
        super(String.format(
                "Corrupt txn log %s at byte offset %d: %s. Last good zxid is 0x%x. "
                        + "The server refuses to start rather than drop committed data; "
                        + "restore this data directory from a healthy replica or a backup.",
                file, offset, reason, lastGoodZxid));
        this.file = file;
        this.offset = offset;
        this.lastGoodZxid = lastGoodZxid;
    }

    public Path file() {
        return file;
    }

    public long offset() {
        return offset;
    }

    public long lastGoodZxid() {
        return lastGoodZxid;
    }
}
