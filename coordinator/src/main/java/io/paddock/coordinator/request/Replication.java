package io.paddock.coordinator.request;

import io.paddock.coordinator.admin.ServerView;
import io.paddock.coordinator.zab.Entry;
import io.paddock.coordinator.zab.Message;
import java.io.DataInputStream;

/**
 * What the request path needs from replication (the Zab driver), and what the driver tells it back
 * ({@link Host}). Every method of both is called on the request thread. A standalone server is a
 * one-voter ensemble behind the same interface: one write path, one recovery path.
 */
public interface Replication {
    /** Leading and caught up, or following/observing and synchronized: clients may be served. */
    boolean serving();

    /** In the leader role (possibly still synchronizing: see {@link #serving()}). */
    boolean leading();

    /** Following or observing a leader (forwarding writes to it). */
    boolean learning();

    long leaderId();

    /** Changes whenever role, leader or epoch does; anything tied to the old one is void. */
    long generation();

    /** leader, follower, observer or looking, for logs. */
    String roleName();

    /** The zxid the next {@link #propose} will assign (the leader prepares the txn for it). */
    long nextZxid();

    /** Appends a txn to the leader's log; returns its zxid. */
    long propose(byte[] payload);

    /** The leader's last proposed zxid: what a sync must wait for. */
    long lastProposedZxid();

    /** Sends a relay frame to a peer, in order with its Zab traffic; false when unreachable. */
    boolean send(long to, Message.Relay relay);

    /** Ensemble state for mntr/srvr, or null for a standalone server. */
    ServerView.Quorum view(int pendingSyncs);

    /** The driver's callbacks into the request path, on the request thread. */
    interface Host {
        /** Applies a committed entry, in zxid order. */
        void apply(Entry committed);

        /**
         * Replaces the state with a leader's snapshot (a SNAP synchronization), read from {@code body}
         * (the verified snapshot body, which the caller closes) at {@code zxid}.
         */
        void install(DataInputStream body, long zxid);

        /** A relay frame from a peer. */
        void relayed(long from, Message.Relay relay);

        /** Role, leader or serving changed. */
        void stateChanged();

        long appliedZxid();
    }
}
