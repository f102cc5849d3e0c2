package io.paddock.coordinator.storage;

/** Byte layout of a snapshot file, shared by the writer and the verifier. */
final class SnapshotFormat {
    /** "PDKS". */
    static final int MAGIC = 0x50444B53;
    /** "PDKE": a file that ends in anything else was cut short. */
    static final int END_MAGIC = 0x50444B45;
    static final int VERSION = 1;
    /** magic + version + zxid. */
    static final int HEADER_BYTES = 16;
    /** crc + preceding length + end magic. */
    static final int TRAILER_BYTES = 16;
    static final String PREFIX = "snapshot.";
    static final String TMP_SUFFIX = ".tmp";
    /**
     * A snapshot being received from a leader ({@code snapshot.<zxid>.<n>.spool}): never read as a
     * snapshot, renamed to its final name once complete and durable, deleted at start-up otherwise.
     */
    static final String SPOOL_SUFFIX = ".spool";

    private SnapshotFormat() {
    }
}
