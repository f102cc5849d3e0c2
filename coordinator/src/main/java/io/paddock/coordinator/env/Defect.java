package io.paddock.coordinator.env;

/**
 * Deliberately broken variants of the server, for proving that the whole-server simulator catches
 * each one (the Zab core has its own, {@code ZabConfig.Defect}). Production is always {@link #NONE};
 * only tests construct a server with another value.
 */
public enum Defect {
    NONE,
    /** A follower accepts a session re-attach from its own (possibly lagging) state instead of asking the leader. */
    REATTACH_FROM_LOCAL_STATE,
    /** A read registers its watch after answering, so a change in between is missed. */
    WATCH_AFTER_READ,
    /** A client's persistent watches are not re-registered when it moves to another server (SetWatches2). */
    PERSISTENT_WATCHES_NOT_RESTORED
}
