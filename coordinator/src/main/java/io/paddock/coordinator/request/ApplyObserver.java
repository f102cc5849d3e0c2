package io.paddock.coordinator.request;

import io.paddock.coordinator.txn.TxnEntry;

/**
 * Told of every txn a server applies, in zxid order, with the tree digest after it: the hook the
 * whole-server simulator checks agreement with (every server applies the same txn at the same zxid
 * and reaches the same digest). Production passes {@link #NONE}.
 */
@FunctionalInterface
public interface ApplyObserver {
    ApplyObserver NONE = (zxid, entry, digest) -> { };

    void applied(long zxid, TxnEntry entry, long digest);

    /** The state was replaced wholesale: loaded at start-up, or a leader's snapshot installed. */
    default void installed(long zxid, long digest) {
    }
}
