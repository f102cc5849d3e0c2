package io.paddock.coordinator.server;

import io.paddock.coordinator.net.PeerTransport;
import io.paddock.coordinator.zab.Entry;
import io.paddock.coordinator.zab.Message;
import io.paddock.coordinator.zab.Outbound;
import io.paddock.coordinator.zab.Ready;
import io.paddock.coordinator.zab.Role;
import io.paddock.coordinator.zab.ZabPeer;
import io.paddock.coordinator.zab.Zxid;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one {@link ZabPeer} by the zab package contract, on the request thread (the same thread
 * that owns the tree, so a committed entry is applied where it is decided). Network input arrives on
 * transport threads and is handed over; a Ready's durable part goes to the log thread as one
 * {@link GroupCommitter.ZabWrite}, and the rest of the Ready (acknowledgements, apply, advance) runs
 * when that thread reports it durable. While one Ready is being persisted, new proposals and acks
 * accumulate in the next one, which is how proposals are group-committed.
 */
final class QuorumDriver implements PeerTransport.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(QuorumDriver.class);

    /** What the driver needs from the server it runs in; every method is called on the request thread. */
    interface Host {
        /** Runs {@code task} on the request thread. */
        void execute(Runnable task);

        /** Applies a committed entry, in zxid order. */
        void apply(Entry committed);

        /** Replaces the state with a leader's snapshot (a SNAP synchronization). */
        void install(byte[] snapshot, long zxid);

        void relayed(long from, Relay relay);

        /** Role, leader or serving changed (see {@link #serving()}). */
        void stateChanged();

        long appliedZxid();
    }

    private final ZabPeer peer;
    private PeerTransport transport;
    private final GroupCommitter committer;
    private final Host host;
    private final int maxRelayBytes;
    private boolean readyInFlight;
    private boolean pumpScheduled;
    private boolean serving;
    private long servingThreshold = -1;
    private Role lastRole;
    private long lastLeader = -1;
    private long lastEpoch = -1;
    private long generation;
    private volatile Role publishedRole = Role.LOOKING;
    private volatile boolean publishedServing;
    private volatile boolean stopped;

    QuorumDriver(ZabPeer peer, GroupCommitter committer, Host host, int maxRelayBytes) {
        this.peer = peer;
        this.committer = committer;
        this.host = host;
        this.maxRelayBytes = maxRelayBytes;
        this.lastRole = peer.role();
    }

    /** The transport delivers to this driver, so it is made after it. */
    void attach(PeerTransport t) {
        this.transport = t;
    }

    ZabPeer peer() {
        return peer;
    }

    /** Leading and caught up, or following/observing and synchronized: clients may be served. */
    boolean serving() {
        return serving;
    }

    /** Changes whenever the role, leader or epoch does: everything tied to the old one is void. */
    long generation() {
        return generation;
    }

    boolean leading() {
        return peer.role() == Role.LEADING;
    }

    /** The role as last seen on the request thread, for other threads. */
    Role publishedRole() {
        return publishedRole;
    }

    /** {@link #serving()} as last seen on the request thread, for other threads. */
    boolean servingNow() {
        return publishedServing;
    }

    void stop() {
        stopped = true;
    }

    // ------------------------------------------------------------------ inputs (request thread)

    void tick() {
        peer.tick();
        pump();
    }

    /** The zxid the next proposal will get (the leader prepares the txn for it). */
    long nextZxid() {
        return peer.nextZxid();
    }

    long propose(byte[] payload) {
        long zxid = peer.propose(payload);
        schedulePump();
        return zxid;
    }

    /** Sends driver traffic to a peer, in order with its Zab messages. */
    boolean relay(long to, Relay r) {
        return transport.send(to, Relay.wrap(r));
    }

    // ------------------------------------------------------------------ transport callbacks (network threads)

    @Override
    public void received(long from, Message m) {
        if (!stopped) {
            host.execute(() -> onMessage(from, m));
        }
    }

    @Override
    public void connected(long p) {
        LOG.info("connected to server {}", p);
    }

    @Override
    public void disconnected(long p) {
        if (!stopped) {
            host.execute(() -> {
                LOG.info("lost connection to server {}", p);
                peer.disconnected(p);
                pump();
            });
        }
    }

    private void onMessage(long from, Message m) {
        if (m instanceof Message.Relay r) {
            Relay relay;
            try {
                relay = Relay.unwrap(r, maxRelayBytes);
            } catch (IOException e) {
                LOG.warn("dropping a malformed relay from server {}: {}", from, e.getMessage());
                return;
            }
            host.relayed(from, relay);
            return;
        }
        peer.step(from, m);
        pump();
    }

    // ------------------------------------------------------------------ the Ready loop

    private void schedulePump() {
        if (!pumpScheduled) {
            pumpScheduled = true;
            host.execute(() -> {
                pumpScheduled = false;
                pump();
            });
        }
    }

    void pump() {
        while (!readyInFlight && peer.hasReady() && !stopped) {
            Ready r = peer.ready();
            readyInFlight = true;
            sendAll(r.sendNow());
            boolean durable = r.truncateAfter() >= 0 || r.installSnapshot() != null || !r.append().isEmpty()
                    || r.acceptedEpoch() >= 0 || r.currentEpoch() >= 0;
            if (durable) {
                committer.persist(new GroupCommitter.ZabWrite(r.truncateAfter(), r.installSnapshot(), r.snapshotZxid(),
                        r.append(), r.acceptedEpoch(), r.currentEpoch()), () -> host.execute(() -> {
                            finish(r);
                            pump();
                        }));
            } else {
                finish(r);
            }
        }
        noteState();
    }

    private void finish(Ready r) {
        if (stopped) {
            return;
        }
        sendAll(r.sendAfterPersist());
        if (r.installSnapshot() != null) {
            LOG.info("installing the leader's snapshot at zxid {}", Zxid.hex(r.snapshotZxid()));
            host.install(r.installSnapshot(), r.snapshotZxid());
        }
        for (Entry e : r.commit()) {
            host.apply(e);
        }
        peer.advance();
        readyInFlight = false;
    }

    private void sendAll(List<Outbound> out) {
        for (Outbound o : out) {
            transport.send(o.to(), o.message());
        }
    }

    /** Re-evaluates serving after a Ready or an apply; tells the host when anything changed. */
    void noteState() {
        Role role = peer.role();
        long leader = peer.leaderId();
        long epoch = peer.epoch();
        boolean changed = role != lastRole || leader != lastLeader || epoch != lastEpoch;
        if (changed) {
            LOG.info("now {} (leader {}, epoch {}, last zxid {})", role, leader, epoch, Zxid.hex(peer.lastZxid()));
            lastRole = role;
            lastLeader = leader;
            lastEpoch = epoch;
            publishedRole = role;
            servingThreshold = -1;
        }
        boolean ready = switch (role) {
            case LEADING -> peer.isEstablishedLeader();
            case FOLLOWING, OBSERVING -> peer.isSynced();
            case LOOKING -> false;
        };
        boolean nowServing = false;
        if (ready) {
            if (servingThreshold < 0) {
                // A new leader first applies the history it committed on establishment; a learner
                // first applies what UPTODATE committed. Until then reads would see the past.
                servingThreshold = role == Role.LEADING ? peer.lastZxid() : peer.committedZxid();
            }
            nowServing = host.appliedZxid() >= servingThreshold;
        } else {
            servingThreshold = -1;
        }
        if (changed) {
            generation++;
        }
        if (nowServing != serving || changed) {
            serving = nowServing;
            publishedServing = nowServing;
            if (serving) {
                LOG.info("serving clients as {} at zxid {}", role, Zxid.hex(host.appliedZxid()));
            }
            host.stateChanged();
        }
    }
}
