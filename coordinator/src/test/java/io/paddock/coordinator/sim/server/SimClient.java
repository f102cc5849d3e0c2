package io.paddock.coordinator.sim.server;

import io.paddock.coordinator.sim.linear.Command;
import io.paddock.coordinator.sim.linear.Result;
import io.paddock.coordinator.sim.linear.Value;
import io.paddock.coordinator.wire.ClientRequest;
import io.paddock.coordinator.wire.ErrorCode;
import io.paddock.coordinator.wire.MultiCodec;
import io.paddock.coordinator.wire.MultiOp;
import io.paddock.coordinator.wire.OpCode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.jute.Record;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.proto.AddWatchRequest;
import org.apache.zookeeper.proto.CheckVersionRequest;
import org.apache.zookeeper.proto.ConnectRequest;
import org.apache.zookeeper.proto.ConnectResponse;
import org.apache.zookeeper.proto.Create2Response;
import org.apache.zookeeper.proto.CreateRequest;
import org.apache.zookeeper.proto.CreateTTLRequest;
import org.apache.zookeeper.proto.DeleteRequest;
import org.apache.zookeeper.proto.ExistsRequest;
import org.apache.zookeeper.proto.ExistsResponse;
import org.apache.zookeeper.proto.GetChildren2Request;
import org.apache.zookeeper.proto.GetChildren2Response;
import org.apache.zookeeper.proto.GetDataRequest;
import org.apache.zookeeper.proto.GetDataResponse;
import org.apache.zookeeper.proto.ReplyHeader;
import org.apache.zookeeper.proto.SetDataRequest;
import org.apache.zookeeper.proto.SetDataResponse;
import org.apache.zookeeper.proto.SetWatches;

/**
 * A client that behaves like the stock ZooKeeper client, over typed requests: it connects to a
 * random server, re-attaches its session (id and password, lastZxidSeen) to another one after a
 * connection loss, pings when idle, gives up on a server that stays silent for 2/3 of the session
 * timeout, re-registers its watches with SetWatches, and learns of session expiry only from a
 * refused re-attach. Every operation it completes (or loses) goes into the history the checks read;
 * every reply and event it sees is checked as it arrives.
 */
final class SimClient {
    private static final int PING_XID = -2;
    private static final int SET_WATCHES_XID = -8;
    private static final int CREATE_PERSISTENT_SEQUENTIAL = 2;
    private static final int CREATE_EPHEMERAL_SEQUENTIAL = 3;
    private static final int CREATE_CONTAINER = 4;
    private static final int CREATE_PERSISTENT_SEQUENTIAL_WITH_TTL = 6;

    /** What a reply means for the history and the checks. */
    private interface ReplyHandler {
        void reply(ReplyHeader header, Record body, List<MultiCodec.Result> multi, long sentAt);
    }

    private record Pending(int xid, ReplyHandler handler, Runnable onLoss) {}

    final long id;
    private final SimLoop loop;
    private final SimNetwork network;
    private final ServerSimulation sim;
    private final List<Long> servers;
    private final int requestedTimeoutMs;
    private long sessionId;
    private byte[] password = new byte[16];
    private int timeoutMs;
    private long lastZxidSeen;
    private SimConnection conn;
    private boolean connected;
    private boolean closing;
    private boolean stopped;
    private long lastSentAt;
    private long lastReceivedAt;
    private long lastEventZxid;
    private int nextXid = 1;
    private final LinkedHashMap<Integer, Pending> pending = new LinkedHashMap<>();
    private final SimWatches watches = new SimWatches();
    long sessionsStarted;
    long expiries;
    /** The session under which this client created the lock, or 0. */
    private long lockSession;

    SimClient(long id, SimLoop loop, SimNetwork network, ServerSimulation sim, List<Long> servers, int timeoutMs) {
        this.id = id;
        this.loop = loop;
        this.network = network;
        this.sim = sim;
        this.servers = servers;
        this.requestedTimeoutMs = timeoutMs;
    }

    SimWatches watches() {
        return watches;
    }

    long lockSession() {
        return lockSession;
    }

    /** The server this client is connected to crashed: the connection resets. */
    void serverCrashed(long server) {
        if (conn != null && conn.serverId == server) {
            conn.reset();
        }
    }

    boolean connected() {
        return connected && !closing && !stopped;
    }

    int outstanding() {
        return pending.size();
    }

    long sessionId() {
        return sessionId;
    }

    // ------------------------------------------------------------------ connection management

    void start() {
        connectSoon(0);
        loop.after(period(), this::housekeeping);
    }

    private long period() {
        return Math.max(10, (timeoutMs > 0 ? timeoutMs : requestedTimeoutMs) / 6) * 1_000_000L;
    }

    private void connectSoon(long delayNanos) {
        loop.after(delayNanos, () -> {
            if (conn == null && !stopped) {
                connect(servers.get(loop.random.nextInt(servers.size())));
            }
        });
    }

    private void connect(long server) {
        conn = network.connect(this, server);
        if (conn == null) {
            connectSoon(5_000_000 + loop.random.nextLong(20_000_000));
            return;
        }
        connected = false;
        lastEventZxid = 0;
        lastReceivedAt = loop.now();
        lastSentAt = loop.now();
        if (sessionId == 0) {
            sessionsStarted++;
        }
        conn.sendConnect(new ConnectRequest(0, lastZxidSeen, requestedTimeoutMs, sessionId, password, false));
    }

    /** Pings when idle, gives up on a silent server, as the stock client's send thread does. */
    private void housekeeping() {
        if (stopped) {
            return;
        }
        long now = loop.now();
        int timeout = timeoutMs > 0 ? timeoutMs : requestedTimeoutMs;
        if (conn != null) {
            if (now - lastReceivedAt > timeout * 2L / 3 * 1_000_000L) {
                drop("no answer for 2/3 of the session timeout");
            } else if (connected && now - lastSentAt > timeout / 3L * 1_000_000L) {
                send(new ClientRequest.Ping(PING_XID), null);
            }
        }
        loop.after(period(), this::housekeeping);
    }

    /** The client moves to another server on its own (as after a local network hiccup). */
    void moveToAnotherServer() {
        if (conn != null && connected) {
            drop("client moves on");
        }
    }

    private void drop(String why) {
        SimConnection c = conn;
        if (c == null) {
            return;
        }
        c.closeByClient();
        connectionLost(c, why);
    }

    /** The run is over: whatever is still unanswered has an unknown outcome. */
    void abandonPending() {
        List<Pending> lost = new ArrayList<>(pending.values());
        pending.clear();
        for (Pending p : lost) {
            if (p.onLoss() != null) {
                p.onLoss().run();
            }
        }
    }

    void connectionLost(SimConnection c, String reason) {
        if (c != conn) {
            return;
        }
        conn = null;
        connected = false;
        List<Pending> lost = new ArrayList<>(pending.values());
        pending.clear();
        for (Pending p : lost) {
            if (p.onLoss() != null) {
                p.onLoss().run();
            }
        }
        if (closing) {
            stopped = true;
            return;
        }
        connectSoon(1_000_000 + loop.random.nextLong(30_000_000));
    }

    void connectResponse(SimConnection c, ConnectResponse r, long sentAt) {
        if (c != conn) {
            return;
        }
        lastReceivedAt = loop.now();
        if (r.getTimeOut() <= 0 || r.getSessionId() == 0) {
            // the stock client: the session is expired; the application opens a new one
            if (sessionId != 0) {
                expiries++;
                sim.sessionExpiredSeen(this, sessionId);
            }
            sessionId = 0;
            lockSession = 0;
            password = new byte[16];
            watches.clear();
            drop("session expired");
            return;
        }
        if (sessionId != 0 && r.getSessionId() != sessionId) {
            sim.violation("client " + id + " re-attached 0x" + Long.toHexString(sessionId) + " but was given session 0x"
                    + Long.toHexString(r.getSessionId()));
        }
        sim.sessionAccepted(this, r.getSessionId(), c.serverId, sentAt);
        sessionId = r.getSessionId();
        password = r.getPasswd();
        timeoutMs = r.getTimeOut();
        connected = true;
        Record setWatches = watches.reRegistration(lastZxidSeen);
        if (setWatches != null) {
            int op = setWatches instanceof SetWatches ? OpCode.SET_WATCHES : OpCode.SET_WATCHES2;
            send(new ClientRequest.Read(SET_WATCHES_XID, op, setWatches), new Pending(SET_WATCHES_XID,
                    (h, body, multi, at) -> watches.reRegistered(h.getZxid()), null));
        }
    }

    // ------------------------------------------------------------------ replies and events

    void reply(SimConnection c, ReplyHeader header, Record body, List<MultiCodec.Result> multi, long sentAt) {
        if (c != conn) {
            return;
        }
        lastReceivedAt = loop.now();
        if (header.getZxid() > 0) {
            if (header.getZxid() < lastZxidSeen) {
                sim.violation("client " + id + " saw zxid 0x" + Long.toHexString(lastZxidSeen) + " and then " + c
                        + " answered from the older state 0x" + Long.toHexString(header.getZxid()));
            }
            lastZxidSeen = Math.max(lastZxidSeen, header.getZxid());
        }
        if (header.getZxid() > 0) {
            check(watches.replied(header.getZxid(), sim::changesOf));
        }
        if (header.getXid() == PING_XID && !pending.containsKey(PING_XID)) {
            return;
        }
        Map.Entry<Integer, Pending> first = pending.entrySet().iterator().hasNext()
                ? pending.entrySet().iterator().next() : null;
        if (first == null || first.getKey() != header.getXid()) {
            sim.violation("client " + id + " got a reply for xid " + header.getXid() + " but expected "
                    + (first == null ? "none" : first.getKey()) + " (per-session FIFO broken) from " + c);
            return;
        }
        pending.remove(header.getXid());
        if (header.getErr() == ErrorCode.SESSION_EXPIRED) {
            Pending p = first.getValue();
            if (p.onLoss() != null) {
                p.onLoss().run();
            }
            return;
        }
        if (first.getValue().handler() != null) {
            first.getValue().handler().reply(header, body, multi, sentAt);
        }
    }

    void event(SimConnection c, int type, String path, long zxid) {
        if (c != conn) {
            return;
        }
        lastReceivedAt = loop.now();
        if (zxid > 0) {
            if (zxid < lastEventZxid) {
                sim.violation("client " + id + " got event " + type + " " + path + " at zxid " + Long.toHexString(zxid)
                        + " after one at " + Long.toHexString(lastEventZxid));
            }
            lastEventZxid = zxid;
        }
        check(watches.event(type, path, zxid, sim.changesOf(path)));
    }

    private void check(String problem) {
        if (problem != null) {
            sim.violation("client " + id + ": " + problem);
        }
    }

    // ------------------------------------------------------------------ operations

    private int send(ClientRequest request, Pending p) {
        if (conn == null) {
            return -1;
        }
        if (p != null) {
            pending.put(p.xid(), p);
        } else if (request.xid() == PING_XID) {
            pending.put(PING_XID, new Pending(PING_XID, null, null));
        } else {
            pending.put(request.xid(), new Pending(request.xid(), null, null));
        }
        lastSentAt = loop.now();
        conn.send(request);
        return request.xid();
    }

    private int xid() {
        return nextXid++;
    }

    /** A linearizable write on a register key; its outcome goes to the history. */
    void write(Command command) {
        long invokedAt = loop.now();
        int xid = xid();
        ClientRequest request;
        if (command instanceof Command.Create c) {
            request = new ClientRequest.Write(xid, OpCode.CREATE,
                    new CreateRequest(c.key(), c.value().bytes(), io.paddock.coordinator.tree.DataTree.OPEN_ACL, 0));
        } else if (command instanceof Command.SetData s) {
            request = new ClientRequest.Write(xid, OpCode.SET_DATA,
                    new SetDataRequest(s.key(), s.value().bytes(), s.expectedVersion()));
        } else if (command instanceof Command.Delete d) {
            request = new ClientRequest.Write(xid, OpCode.DELETE, new DeleteRequest(d.key(), d.expectedVersion()));
        } else if (command instanceof Command.Multi m) {
            request = new ClientRequest.Multi(xid, multiOps(m));
        } else {
            throw new IllegalArgumentException(command.toString());
        }
        send(request, new Pending(xid, (h, body, multi, sentAt) -> {
            Result r = result(command, h, body, multi);
            if (r == null) {
                sim.history.lost(id, invokedAt, command);
            } else {
                sim.history.completed(id, invokedAt, loop.now(), command, r);
            }
        }, () -> sim.history.lost(id, invokedAt, command)));
    }

    private static List<MultiOp> multiOps(Command.Multi m) {
        List<MultiOp> ops = new ArrayList<>();
        for (Command.Single s : m.ops()) {
            if (s instanceof Command.Check c) {
                ops.add(new MultiOp(OpCode.CHECK, new CheckVersionRequest(c.key(), c.expectedVersion())));
            } else if (s instanceof Command.SetData d) {
                ops.add(new MultiOp(OpCode.SET_DATA, new SetDataRequest(d.key(), d.value().bytes(),
                        d.expectedVersion())));
            } else {
                throw new IllegalArgumentException(s.toString());
            }
        }
        return ops;
    }

    /** What the reply says in the model's terms, or null for an outcome the model cannot judge. */
    private static Result result(Command command, ReplyHeader h, Record body, List<MultiCodec.Result> multi) {
        if (command instanceof Command.Multi) {
            if (multi == null) {
                return null;
            }
            List<Result> rs = new ArrayList<>();
            for (int i = 0; i < multi.size(); i++) {
                MultiCodec.Result r = multi.get(i);
                if (r.type() == OpCode.ERROR && r.err() != 0 && r.err() != ErrorCode.RUNTIME_INCONSISTENCY) {
                    Result.Code code = code(r.err());
                    return code == null ? null : new Result.MultiError(i, code);
                }
                rs.add(r.body() instanceof SetDataResponse s ? new Result.SetOk(s.getStat().getVersion()) : new Result.Ok());
            }
            return new Result.MultiOk(rs);
        }
        if (h.getErr() != 0) {
            Result.Code code = code(h.getErr());
            return code == null ? null : new Result.Error(code);
        }
        if (body instanceof SetDataResponse s) {
            return new Result.SetOk(s.getStat().getVersion());
        }
        return new Result.Ok();
    }

    private static Result.Code code(int err) {
        return switch (err) {
            case ErrorCode.NODE_EXISTS -> Result.Code.NODEEXISTS;
            case ErrorCode.NO_NODE -> Result.Code.NONODE;
            case ErrorCode.BAD_VERSION -> Result.Code.BADVERSION;
            default -> null;
        };
    }

    /** sync then getData: a linearizable read (recorded), optionally leaving a data watch. */
    void syncRead(String key, boolean watch) {
        long invokedAt = loop.now();
        Command.Read command = new Command.Read(key);
        int syncXid = xid();
        send(new ClientRequest.Sync(syncXid, key), new Pending(syncXid, null, null));
        int readXid = xid();
        send(new ClientRequest.Read(readXid, OpCode.GET_DATA, new GetDataRequest(key, watch)), new Pending(readXid,
                (h, body, multi, sentAt) -> {
                    Stat stat = body instanceof GetDataResponse g ? g.getStat() : null;
                    check(watches.dataRead(key, h.getErr() == 0 ? stat : null));
                    if (h.getErr() == 0 && stat != null) {
                        sim.history.completed(id, invokedAt, loop.now(), command,
                                new Result.Data(Value.of(((GetDataResponse) body).getData()), stat.getVersion()));
                        if (watch) {
                            watches.dataRegistered(key, h.getZxid(), true);
                        }
                    } else if (h.getErr() == ErrorCode.NO_NODE) {
                        sim.history.completed(id, invokedAt, loop.now(), command, new Result.Error(Result.Code.NONODE));
                    }
                }, null));
    }

    /** exists with a watch: no history entry, only watch and staleness checks. */
    void existsWatch(String key) {
        int xid = xid();
        send(new ClientRequest.Read(xid, OpCode.EXISTS, new ExistsRequest(key, true)), new Pending(xid,
                (h, body, multi, sentAt) -> {
                    Stat stat = h.getErr() == 0 && body instanceof ExistsResponse e ? e.getStat() : null;
                    check(watches.dataRead(key, stat));
                    if (h.getErr() == 0 || h.getErr() == ErrorCode.NO_NODE) {
                        watches.dataRegistered(key, h.getZxid(), stat != null);
                    }
                }, null));
    }

    /** Tries to take the ephemeral lock; the session checks decide whether two owners ever coexist. */
    void tryLock(String path) {
        int xid = xid();
        long session = sessionId;
        send(new ClientRequest.Write(xid, OpCode.CREATE, new CreateRequest(path, new byte[0],
                io.paddock.coordinator.tree.DataTree.OPEN_ACL, 1)), new Pending(xid, (h, body, multi, sentAt) -> {
                    if (h.getErr() == 0) {
                        lockSession = session;
                        sim.lockTaken(this, session, path, h.getZxid());
                    }
                }, null));
    }

    /** addWatch PERSISTENT on {@code path}, once per session: then every change must be reported. */
    void addPersistentWatch(String path) {
        if (watches.hasPersistent(path)) {
            return;
        }
        int xid = xid();
        send(new ClientRequest.Read(xid, OpCode.ADD_WATCH, new AddWatchRequest(path, 0)), new Pending(xid,
                (h, body, multi, sentAt) -> {
                    if (h.getErr() == 0) {
                        watches.persistentRegistered(path, h.getZxid());
                    }
                }, null));
    }

    /**
     * getChildren2, optionally leaving a child watch; checks a registered watch fired before a newer
     * child list is shown, and keeps the directory short by deleting one child now and then.
     */
    void listChildren(String path, boolean watch) {
        int xid = xid();
        send(new ClientRequest.Read(xid, OpCode.GET_CHILDREN2, new GetChildren2Request(path, watch)), new Pending(xid,
                (h, body, multi, sentAt) -> {
                    if (h.getErr() != 0 || !(body instanceof GetChildren2Response r)) {
                        return;
                    }
                    check(watches.childrenRead(path, r.getStat()));
                    if (watch) {
                        watches.childRegistered(path, h.getZxid());
                    }
                    if (r.getChildren().size() > 3 && connected()) {
                        String victim = r.getChildren().get(loop.random.nextInt(r.getChildren().size()));
                        send(new ClientRequest.Write(xid(), OpCode.DELETE, new DeleteRequest(path + "/" + victim, -1)),
                                null);
                    }
                }, null));
    }

    /**
     * A sequential child of {@code parent} (persistent or ephemeral; with a TTL when {@code ttlMs > 0});
     * the simulation checks sequence numbers grow with zxids.
     */
    void createSequential(String parent, boolean ephemeral, long ttlMs) {
        int xid = xid();
        String prefix = parent + "/n-";
        ClientRequest request;
        if (ttlMs > 0) {
            request = new ClientRequest.Write(xid, OpCode.CREATE_TTL, new CreateTTLRequest(prefix, new byte[0],
                    io.paddock.coordinator.tree.DataTree.OPEN_ACL, CREATE_PERSISTENT_SEQUENTIAL_WITH_TTL, ttlMs));
        } else {
            request = new ClientRequest.Write(xid, OpCode.CREATE2, new CreateRequest(prefix, new byte[0],
                    io.paddock.coordinator.tree.DataTree.OPEN_ACL, ephemeral ? CREATE_EPHEMERAL_SEQUENTIAL
                    : CREATE_PERSISTENT_SEQUENTIAL));
        }
        send(request, new Pending(xid, (h, body, multi, sentAt) -> {
            if (h.getErr() == 0 && body instanceof Create2Response r) {
                sim.sequentialCreated(this, r.getPath(), h.getZxid());
            }
        }, null));
    }

    /** Creates {@code path} (container or persistent, errors ignored), as applications set up their directories. */
    void ensureNode(String path, boolean container) {
        send(new ClientRequest.Write(xid(), container ? OpCode.CREATE_CONTAINER : OpCode.CREATE, new CreateRequest(path,
                new byte[0], io.paddock.coordinator.tree.DataTree.OPEN_ACL, container ? CREATE_CONTAINER : 0)), null);
    }

    void deleteNode(String path) {
        send(new ClientRequest.Write(xid(), OpCode.DELETE, new DeleteRequest(path, -1)), null);
    }

    /**
     * The application stops reading its socket for {@code nanos} but its threads keep sending:
     * {@code reads} getData requests on {@code path} pile replies up at the server.
     */
    void stallReading(long nanos, String path, int reads) {
        if (conn == null || !connected()) {
            return;
        }
        conn.stopReading(nanos);
        for (int i = 0; i < reads; i++) {
            send(new ClientRequest.Read(xid(), OpCode.GET_DATA, new GetDataRequest(path, false)), null);
        }
    }

    /** Ends the session; the client then stays away (a finished application). */
    void closeSession() {
        closing = true;
        send(new ClientRequest.CloseSession(xid()), null);
    }
}
