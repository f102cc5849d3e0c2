package io.paddock.coordinator.zab;

/**
 * A peer's applied state at {@link #zxid()}, as the driver hands it out for a SNAP synchronization
 * ({@link ZabPeer.SnapshotSource}) and as a learner receives it in a {@link Message.Sync}. Opaque to
 * the core, which only carries it: from the source into the Sync it sends, and from a received Sync
 * into the {@link Ready} that installs it. Producing its bytes, sending them, storing them and
 * releasing what it holds are the driver's and the transport's business, so the core never touches a
 * byte of a snapshot however large the state.
 */
public interface SnapshotHandle {
    long zxid();
}
