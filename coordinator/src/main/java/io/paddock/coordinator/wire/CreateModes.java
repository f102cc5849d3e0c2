package io.paddock.coordinator.wire;

/**
 * The create-mode flags of CreateRequest and the ephemeralOwner encodings ZooKeeper uses for
 * containers and TTL nodes, which clients decode from Stat.ephemeralOwner.
 */
public final class CreateModes {
    public static final int PERSISTENT = 0;
    public static final int EPHEMERAL = 1;
    public static final int PERSISTENT_SEQUENTIAL = 2;
    public static final int EPHEMERAL_SEQUENTIAL = 3;
    public static final int CONTAINER = 4;
    public static final int PERSISTENT_WITH_TTL = 5;
    public static final int PERSISTENT_SEQUENTIAL_WITH_TTL = 6;

    /** ephemeralOwner of a container node. */
    public static final long CONTAINER_OWNER = Long.MIN_VALUE;
    /** High byte 0xFF marks an "extended" owner; with feature bits 0 it is a TTL node. */
    public static final long TTL_OWNER_MASK = 0xFF00000000000000L;
    /** TTLs are stored in the low 40 bits. */
    public static final long MAX_TTL_MS = (1L << 40) - 1;

    private CreateModes() {}

    public static boolean isKnown(int mode) {
        return mode >= PERSISTENT && mode <= PERSISTENT_SEQUENTIAL_WITH_TTL;
    }

    public static boolean isSequential(int mode) {
        return mode == PERSISTENT_SEQUENTIAL || mode == EPHEMERAL_SEQUENTIAL || mode == PERSISTENT_SEQUENTIAL_WITH_TTL;
    }

    public static boolean isEphemeral(int mode) {
        return mode == EPHEMERAL || mode == EPHEMERAL_SEQUENTIAL;
    }

    public static boolean isTtl(int mode) {
        return mode == PERSISTENT_WITH_TTL || mode == PERSISTENT_SEQUENTIAL_WITH_TTL;
    }

    public static long ttlOwner(long ttlMs) {
        return TTL_OWNER_MASK | ttlMs;
    }

    public static boolean isTtlOwner(long owner) {
        return (owner & TTL_OWNER_MASK) == TTL_OWNER_MASK;
    }

    public static long ttlOf(long owner) {
        return owner & MAX_TTL_MS;
    }

    /** A real session owns the node (not persistent, container or TTL). */
    public static boolean isSessionOwner(long owner) {
        return owner != 0 && owner != CONTAINER_OWNER && !isTtlOwner(owner);
    }
}
