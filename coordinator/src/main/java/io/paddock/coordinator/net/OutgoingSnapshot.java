package io.paddock.coordinator.net;

import io.paddock.coordinator.zab.SnapshotHandle;
import java.io.IOException;
import java.io.OutputStream;

/**
 * A snapshot a leader sends in a SNAP synchronization: a point-in-time state the transport writes
 * once, chunk by chunk, on a thread of its own (never the request thread or a network event loop),
 * then releases. The transport owns it from {@link PeerLinks#send}: it calls {@link #release} exactly
 * when it is done with it, sent or not (the link was down, broke mid-stream, or closed).
 */
public interface OutgoingSnapshot extends SnapshotHandle {
    /** Writes the whole snapshot, in the form {@link SnapshotSpool.Incoming} expects; once. */
    void writeTo(OutputStream out) throws IOException;

    /** Frees what keeps the point in time (idempotent, any thread). */
    void release();
}
