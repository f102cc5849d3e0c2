package io.paddock.coordinator.server;

import io.paddock.coordinator.admin.ServerView;
import io.paddock.coordinator.env.SerialExecutor;
import io.paddock.coordinator.net.OutgoingSnapshot;
import io.paddock.coordinator.net.PeerLinks;
import io.paddock.coordinator.request.Replication;
import io.paddock.coordinator.zab.Entry;
import io.paddock.coordinator.zab.Message;
import io.paddock.coordinator.zab.Outbound;
import io.paddock.coordinator.zab.Ready;
import io.paddock.coordinator.zab.Role;
import io.paddock.coordinator.zab.SnapshotHandle;
import io.paddock.coordinator.zab.ZabPeer;
import io.paddock.coordinator.zab.Zxid;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one {@link ZabPeer} by the zab package contract, on the request thread (the same thread
 * that owns the tree, so a committed entry is applied where it is decided). Network input arrives on
 * transport threads and is handed over; a Ready's durable part goes to the log writer as one
 * {@link GroupCommitter.ZabWrite}, and the rest of the Ready (acknowledgements, apply, advance) runs
 * when the writer reports it durable. While one Ready is being persisted, new proposals and acks
 * accumulate in the next one, which is how proposals are group-committed. A standalone server is
 * a one-voter ensemble driven the same way.
 */
final class QuorumDriver implements Replication, PeerLinks.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(QuorumDriver.class);

    private final ZabPeer peer;
    private final boolean standalone;
    private final SerialExecutor thread;
    private final GroupCommitter committer;
    private volatile Replication.Host host;
    private volatile PeerLinks links;
    private boolean readyInFlight;
    private boolean pumpScheduled;
    private boolean serving;
    private long servingThreshold = -1;
    private Role lastRole;
    private long lastLeader = -1;
    private long lastEpoch = -1;
    private boolean lastStalled;
    private long generation;
    private volatile Role publishedRole = Role.LOOKING;
    private volatile long publishedLeader = -1;
    private io.paddock.coordinator.env.Clock clock;
    private long tickNanos;
    private long ticksDone;
    private long tickOrigin;
    private boolean catchingUp;
    private volatile boolean publishedServing;
    private volatile boolean stopped;
    private final java.util.concurrent.CompletableFuture<Void> firstServing = new java.util.concurrent.CompletableFuture<>();

    QuorumDriver(ZabPeer peer, boolean standalone, SerialExecutor thread, GroupCommitter committer) {
        this.peer = peer;
        this.standalone = standalone;
        this.thread = thread;
        this.committer = committer;
        this.lastRole = peer.role();
    }

    /** The request path this driver applies to; set before the peer links open (they deliver to it). */
    void attachHost(Replication.Host h) {
        this.host = h;
    }

    /** The links to the other members (null when standalone); set before {@link #start}. */
    void attachLinks(PeerLinks l) {
        this.links = l;
    }

    /**
     * Starts ticking ({@code tickMillis} per zab tick) and runs the first Ready. Ticks follow the
     * clock: after a stall of the request thread (a GC pause) the missed ticks are fed at once, so the
     * peer's timeouts measure real time, not how often the timer managed to run.
     */
    void start(long tickMillis, io.paddock.coordinator.env.Clock c) {
        this.clock = c;
        this.tickNanos = tickMillis * 1_000_000L;
        this.tickOrigin = c.monotonicNanos();
        thread.scheduleRepeating(this::tick, tickMillis);
        thread.execute(this::pump);
    }

    /** The leader as last seen on the request thread, for other threads. */
    long publishedLeader() {
        return publishedLeader;
    }

    ZabPeer peer() {
        return peer;
    }

    /** The role as last seen on the request thread, for other threads. */
    Role publishedRole() {
        return publishedRole;
    }

    /** Completes the first time this server serves clients. */
    java.util.concurrent.CompletableFuture<Void> firstServing() {
        return firstServing;
    }

    /** {@link #serving()} as last seen on the request thread, for other threads. */
    boolean servingNow() {
        return publishedServing;
    }

    void stop() {
        stopped = true;
    }

    // ------------------------------------------------------------------ Replication (request thread)

    @Override
    public boolean serving() {
        return serving;
    }

    @Override
    public boolean leading() {
        return peer.role() == Role.LEADING;
    }

    @Override
    public boolean learning() {
        return peer.role() == Role.FOLLOWING || peer.role() == Role.OBSERVING;
    }

    @Override
    public long leaderId() {
        return peer.leaderId();
    }

    @Override
    public long generation() {
        return generation;
    }

    @Override
    public String roleName() {
        return switch (peer.role()) {
            case LEADING -> "leader";
            case FOLLOWING -> "follower";
            case OBSERVING -> "observer";
            case LOOKING -> "looking";
        };
    }

    @Override
    public long nextZxid() {
        return peer.nextZxid();
    }

    @Override
    public long propose(byte[] payload) {
        long zxid = peer.propose(payload);
        schedulePump();
        return zxid;
    }

    @Override
    public long lastProposedZxid() {
        return peer.lastZxid();
    }

    @Override
    public boolean send(long to, Message.Relay relay) {
        return links != null && links.send(to, relay);
    }

    @Override
    public ServerView.Quorum view(int pendingSyncs) {
        if (standalone) {
            return null;
        }
        return new ServerView.Quorum(roleName(), serving, peer.leaderId(), peer.epoch(), peer.acceptedEpoch(),
                peer.currentEpoch(), peer.lastZxid(), peer.committedZxid(), peer.followers(), peer.syncedFollowers(),
                pendingSyncs);
    }

    // ------------------------------------------------------------------ inputs

    /** At most this many missed ticks are fed at once (a longer stall just looks like this long). */
    private static final long MAX_CATCH_UP_TICKS = 1000;

    private void tick() {
        if (!catchingUp) {
            feedTick();
        }
    }

    /**
     * One tick; when the clock says more are due (the request thread was busy or paused), the next
     * one goes behind whatever is queued on the request thread: messages that arrived meanwhile
     * (acks, pings, a durable Ready) count before the time they would otherwise seem missing for.
     */
    private void feedTick() {
        long due = (clock.monotonicNanos() - tickOrigin) / tickNanos;
        if (due - ticksDone > MAX_CATCH_UP_TICKS) {
            ticksDone = due - MAX_CATCH_UP_TICKS;
        }
        peer.tick();
        ticksDone++;
        pump();
        catchingUp = ticksDone < due && !stopped;
        if (catchingUp) {
            thread.execute(this::feedTick);
        }
    }

    @Override
    public void received(long from, Message m) {
        if (!stopped) {
            thread.execute(() -> {
                if (m instanceof Message.Relay r) {
                    host.relayed(from, r);
                    return;
                }
                SnapshotHandle pending = peer.pendingSnapshot();
                peer.step(from, m);
                // a received snapshot the peer did not take (a stale sync), or one a later sync
                // replaced before its Ready was taken, is deleted; the one pending is the Ready's
                if (pending != null && peer.pendingSnapshot() != pending) {
                    discard(pending);
                }
                if (m instanceof Message.Sync s && s.snapshot() != null && peer.pendingSnapshot() != s.snapshot()) {
                    discard(s.snapshot());
                }
                pump();
            });
        } else if (m instanceof Message.Sync s && s.snapshot() != null) {
            discard(s.snapshot());
        }
    }

    private void discard(SnapshotHandle s) {
        if (s instanceof ReceivedSnapshot r) {
            committer.discard(r);
        }
    }

    /** The driver side of a received snapshot: always the spool's type (see {@link PaddockServer}). */
    private static ReceivedSnapshot received(SnapshotHandle s) {
        if (s == null || s instanceof ReceivedSnapshot) {
            return (ReceivedSnapshot) s;
        }
        throw new IllegalStateException("a snapshot to install that was not received by this server: " + s);
    }

    @Override
    public void connected(long p) {
        LOG.info("connected to server {}", p);
    }

    @Override
    public void disconnected(long p) {
        if (!stopped) {
            thread.execute(() -> {
                LOG.info("lost connection to server {}", p);
                peer.disconnected(p);
                pump();
            });
        }
    }

    // ------------------------------------------------------------------ the Ready loop

    private void schedulePump() {
        if (!pumpScheduled) {
            pumpScheduled = true;
            thread.execute(() -> {
                pumpScheduled = false;
                pump();
            });
        }
    }

    private void pump() {
        while (!readyInFlight && peer.hasReady() && !stopped) {
            Ready r = peer.ready();
            readyInFlight = true;
            sendAll(r.sendNow());
            int appliedEarly = applyDurableCommits(r);
            boolean durable = r.truncateAfter() >= 0 || r.installSnapshot() != null || !r.append().isEmpty()
                    || r.acceptedEpoch() >= 0 || r.currentEpoch() >= 0;
            if (durable) {
                committer.persist(new GroupCommitter.ZabWrite(r.truncateAfter(), received(r.installSnapshot()),
                        r.append(), r.acceptedEpoch(), r.currentEpoch()), () -> thread.execute(() -> {
                            finish(r, appliedEarly);
                            pump();
                        }));
            } else {
                finish(r, appliedEarly);
            }
        }
        noteState();
    }

    /** Step 4 of the contract: commits of entries an earlier Ready made durable apply now. */
    private int applyDurableCommits(Ready r) {
        if (r.installSnapshot() != null || r.truncateAfter() >= 0) {
            return 0;
        }
        long firstAppended = r.append().isEmpty() ? Long.MAX_VALUE : r.append().get(0).zxid();
        int n = 0;
        for (Entry e : r.commit()) {
            if (e.zxid() >= firstAppended) {
                break;
            }
            host.apply(e);
            n++;
        }
        return n;
    }

    private void finish(Ready r, int appliedEarly) {
        if (stopped) {
            return;
        }
        if (r.attempt() == peer.attempt()) {
            sendAll(r.sendAfterPersist());
        } else if (!r.sendAfterPersist().isEmpty()) {
            LOG.debug("dropping {} acknowledgements of an abandoned attempt", r.sendAfterPersist().size());
            releaseSnapshots(r.sendAfterPersist());
        }
        if (r.installSnapshot() != null) {
            LOG.info("installing the leader's snapshot at zxid {}", Zxid.hex(r.snapshotZxid()));
            // the log thread adopted it into the snapshot store; it is read from there node by node
            try (java.io.DataInputStream body = received(r.installSnapshot()).openBody()) {
                host.install(body, r.snapshotZxid());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("cannot read the adopted snapshot " + r.installSnapshot(), e);
            }
        }
        List<Entry> commit = r.commit();
        for (int i = appliedEarly; i < commit.size(); i++) {
            host.apply(commit.get(i));
        }
        peer.advance();
        readyInFlight = false;
    }

    /**
     * A leader's sync that will not be sent still holds a view of the tree, which remembers every
     * change until released: release it (the links do so for everything they are given).
     */
    private static void releaseSnapshots(List<Outbound> dropped) {
        for (Outbound o : dropped) {
            if (o.message() instanceof Message.Sync s && s.snapshot() instanceof OutgoingSnapshot view) {
                view.release();
            }
        }
    }

    private void sendAll(List<Outbound> out) {
        if (links == null) {
            return;
        }
        for (Outbound o : out) {
            links.send(o.to(), o.message());
        }
    }

    /** Re-evaluates serving after a Ready, a tick or an apply; tells the host when anything changed. */
    private void noteState() {
        Role role = peer.role();
        long leader = peer.leaderId();
        long epoch = peer.epoch();
        boolean stalled = peer.stalled();
        boolean changed = role != lastRole || leader != lastLeader || epoch != lastEpoch;
        if (changed) {
            LOG.info("now {} (leader {}, epoch {}, last zxid {})", role, leader, epoch, Zxid.hex(peer.lastZxid()));
            lastRole = role;
            lastLeader = leader;
            lastEpoch = epoch;
            publishedRole = role;
            publishedLeader = leader;
            servingThreshold = -1;
        }
        if (stalled != lastStalled) {
            lastStalled = stalled;
            if (stalled) {
                LOG.warn("the txn log has not completed a write for syncLimit: not serving clients until it does");
            }
        }
        boolean ready = !stalled && switch (role) {
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
            // After a stall the pending view was reset: serve again only once everything proposed
            // before has applied (the threshold is taken afresh when ready).
            servingThreshold = -1;
        }
        if (changed || stalled && serving) {
            generation++;
        }
        if (nowServing != serving || changed) {
            serving = nowServing;
            publishedServing = nowServing;
            if (serving) {
                LOG.info("serving clients as {} at zxid {}", role, Zxid.hex(host.appliedZxid()));
                firstServing.complete(null);
            }
            host.stateChanged();
        }
    }
}
