package io.paddock.coordinator.sim;

import io.paddock.coordinator.zab.Entry;

/** What a simulated peer applies committed entries to. */
interface SimStateMachine {
    /** Applies one committed entry; returns what the client that proposed it would be told. */
    Object apply(Entry e);

    byte[] snapshot();

    void restore(byte[] snapshot, long zxid);

    /** A comparable summary of the whole state, equal on every converged peer. */
    String digest();
}
