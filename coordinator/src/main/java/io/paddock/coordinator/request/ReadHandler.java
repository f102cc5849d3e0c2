package io.paddock.coordinator.request;

import io.paddock.coordinator.env.Defect;
import io.paddock.coordinator.wire.ClientRequest;
import org.apache.jute.Record;
import org.apache.zookeeper.proto.ReplyHeader;
import io.paddock.coordinator.acl.AuthInfo;
import io.paddock.coordinator.tree.DataTree;
import io.paddock.coordinator.tree.ZNode;
import io.paddock.coordinator.watch.WatchKind;
import io.paddock.coordinator.watch.WatchRegistry;
import io.paddock.coordinator.watch.WatchSink;
import io.paddock.coordinator.wire.ErrorCode;
import io.paddock.coordinator.wire.EventType;
import io.paddock.coordinator.wire.MultiCodec;
import io.paddock.coordinator.wire.MultiOp;
import io.paddock.coordinator.wire.OpCode;
import java.util.ArrayList;
import java.util.List;
import org.apache.jute.Record;
import org.apache.zookeeper.data.ClientInfo;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.proto.AddWatchRequest;
import org.apache.zookeeper.proto.CheckWatchesRequest;
import org.apache.zookeeper.proto.ExistsRequest;
import org.apache.zookeeper.proto.ExistsResponse;
import org.apache.zookeeper.proto.GetACLRequest;
import org.apache.zookeeper.proto.GetACLResponse;
import org.apache.zookeeper.proto.GetAllChildrenNumberRequest;
import org.apache.zookeeper.proto.GetAllChildrenNumberResponse;
import org.apache.zookeeper.proto.GetChildren2Request;
import org.apache.zookeeper.proto.GetChildren2Response;
import org.apache.zookeeper.proto.GetChildrenRequest;
import org.apache.zookeeper.proto.GetChildrenResponse;
import org.apache.zookeeper.proto.GetDataRequest;
import org.apache.zookeeper.proto.GetDataResponse;
import org.apache.zookeeper.proto.GetEphemeralsRequest;
import org.apache.zookeeper.proto.GetEphemeralsResponse;
import org.apache.zookeeper.proto.RemoveWatchesRequest;
import org.apache.zookeeper.proto.SetWatches;
import org.apache.zookeeper.proto.SetWatches2;
import org.apache.zookeeper.proto.SyncRequest;
import org.apache.zookeeper.proto.SyncResponse;
import org.apache.zookeeper.proto.WhoAmIResponse;

/**
 * Read-only requests and watch bookkeeping, executed on the request thread against the applied tree;
 * also the answer to requests that never reach the tree (malformed, unsupported, ping, sync's reply).
 * Error codes and the point at which a watch is (or is not) registered follow ZooKeeper: a watch is
 * left only by a read that succeeded, except exists, which watches a missing node for its creation.
 */
final class ReadHandler implements Connections.Reader {
    private static final int PING_XID = -2;
    private static final int READ = 1;
    private static final int ADMIN = 16;
    /** WatcherType values of checkWatches/removeWatches. */
    private static final int WATCHER_CHILDREN = 1;
    private static final int WATCHER_DATA = 2;
    private static final int WATCHER_ANY = 3;
    private static final int WATCHER_PERSISTENT = 4;
    private static final int WATCHER_PERSISTENT_RECURSIVE = 5;
    private static final int ADD_WATCH_PERSISTENT = 0;
    private static final int ADD_WATCH_PERSISTENT_RECURSIVE = 1;

    record Reply(int err, Record body) {
        static Reply error(int code) {
            return new Reply(code, null);
        }
    }

    private final DataTree tree;
    private final WatchRegistry watches;
    private final AccessControl access;
    private final Connections connections;
    private final java.util.concurrent.Executor watchRegistration;
    private final boolean restorePersistentWatches;

    /** {@code thread} is the request thread; {@code defect} is {@link Defect#NONE} outside simulator tests. */
    ReadHandler(DataTree tree, WatchRegistry watches, AccessControl access, Connections connections,
                java.util.concurrent.Executor thread, Defect defect) {
        this.tree = tree;
        this.watches = watches;
        this.access = access;
        this.connections = connections;
        // The planted WATCH_AFTER_READ defect registers read watches in a later task, so a change
        // applied in between is missed; correct code registers them with the read.
        this.watchRegistration = defect == Defect.WATCH_AFTER_READ ? thread : Runnable::run;
        this.restorePersistentWatches = defect != Defect.PERSISTENT_WATCHES_NOT_RESTORED;
    }

    /** Leaves a read's watch: at once, atomically with the read (except for a planted defect). */
    private void watch(WatchSink conn, String path, WatchKind kind) {
        watchRegistration.execute(() -> watches.add(conn, path, kind));
    }

    @Override
    public void answer(ConnectionState st, ConnectionState.InFlight f) {
        ClientRequest req = f.request;
        long zxid = tree.lastZxid();
        if (req instanceof ClientRequest.Unsupported) {
            connections.send(st, new ReplyHeader(f.xid(), -1, ErrorCode.UNIMPLEMENTED), null);
            connections.drop(st, "unimplemented opcode " + f.op());
        } else if (req instanceof ClientRequest.Ping) {
            connections.send(st, new ReplyHeader(PING_XID, zxid, 0), null);
        } else if (req instanceof ClientRequest.Sync s) {
            connections.send(st, new ReplyHeader(f.xid(), zxid, 0), new SyncResponse(s.path()));
        } else if (req instanceof ClientRequest.MultiRead m) {
            connections.sendMulti(st, new ReplyHeader(f.xid(), zxid, 0), multiRead(st.conn, st.auth, m.ops()));
        } else if (req instanceof ClientRequest.Read r) {
            Reply reply = execute(st.conn, st.sessionId, st.auth, r.op(), r.body());
            // Every reply echoes the request's xid (SetWatches included: 3.9 clients number it normally).
            connections.send(st, new ReplyHeader(f.xid(), zxid, reply.err()), reply.body());
        } else {
            // Malformed, or a write/auth whose body could not be decoded: ZooKeeper keeps the session.
            connections.send(st, new ReplyHeader(f.xid(), zxid, ErrorCode.MARSHALLING_ERROR), null);
        }
    }

    Reply execute(WatchSink conn, long sessionId, AuthInfo auth, int op, Record request) {
        switch (op) {
            case OpCode.EXISTS: {
                ExistsRequest r = (ExistsRequest) request;
                if (r.getPath().indexOf('\0') >= 0) {
                    return Reply.error(ErrorCode.BAD_ARGUMENTS);
                }
                ZNode node = tree.get(r.getPath());
                // exists needs READ on a node that exists (and then leaves no watch without it)
                if (node != null && !access.allowed(auth, node.acl(), READ)) {
                    return Reply.error(ErrorCode.NO_AUTH);
                }
                if (r.getWatch()) {
                    watch(conn, r.getPath(), WatchKind.DATA);
                }
                return node == null ? Reply.error(ErrorCode.NO_NODE) : new Reply(0, new ExistsResponse(node.stat()));
            }
            case OpCode.GET_DATA:
                return getData(conn, auth, (GetDataRequest) request);
            case OpCode.GET_CHILDREN: {
                GetChildrenRequest r = (GetChildrenRequest) request;
                ZNode node = tree.get(r.getPath());
                int err = childrenReadable(conn, auth, r.getPath(), node, r.getWatch());
                return err != 0 ? Reply.error(err)
                        : new Reply(0, new GetChildrenResponse(new ArrayList<>(node.childNames())));
            }
            case OpCode.GET_CHILDREN2: {
                GetChildren2Request r = (GetChildren2Request) request;
                ZNode node = tree.get(r.getPath());
                int err = childrenReadable(conn, auth, r.getPath(), node, r.getWatch());
                return err != 0 ? Reply.error(err)
                        : new Reply(0, new GetChildren2Response(new ArrayList<>(node.childNames()), node.stat()));
            }
            case OpCode.GET_ACL: {
                GetACLRequest r = (GetACLRequest) request;
                ZNode node = tree.get(r.getPath());
                if (node == null) {
                    return Reply.error(ErrorCode.NO_NODE);
                }
                if (!access.allowed(auth, node.acl(), READ | ADMIN)) {
                    return Reply.error(ErrorCode.NO_AUTH);
                }
                List<org.apache.zookeeper.data.ACL> acl = new ArrayList<>();
                boolean admin = access.allowed(auth, node.acl(), ADMIN);
                for (org.apache.zookeeper.data.ACL a : node.acl()) {
                    // Without ADMIN a reader learns who has access, not the password hashes.
                    if (!admin && "digest".equals(a.getId().getScheme())) {
                        String id = a.getId().getId();
                        int colon = id.indexOf(':');
                        acl.add(new org.apache.zookeeper.data.ACL(a.getPerms(),
                                new Id("digest", (colon < 0 ? id : id.substring(0, colon)) + ":x")));
                    } else {
                        acl.add(a);
                    }
                }
                return new Reply(0, new GetACLResponse(acl, node.stat()));
            }
            case OpCode.GET_ALL_CHILDREN_NUMBER: {
                GetAllChildrenNumberRequest r = (GetAllChildrenNumberRequest) request;
                ZNode node = tree.get(r.getPath());
                if (node == null) {
                    return Reply.error(ErrorCode.NO_NODE);
                }
                if (!access.allowed(auth, node.acl(), READ)) {
                    return Reply.error(ErrorCode.NO_AUTH);
                }
                return new Reply(0, new GetAllChildrenNumberResponse(tree.descendantCount(r.getPath())));
            }
            case OpCode.GET_EPHEMERALS: {
                GetEphemeralsRequest r = (GetEphemeralsRequest) request;
                String prefix = r.getPrefixPath() == null ? "" : r.getPrefixPath().trim();
                List<String> out = new ArrayList<>();
                for (String p : tree.ephemeralsOf(sessionId)) {
                    if (prefix.isEmpty() || "/".equals(prefix) || p.startsWith(prefix)) {
                        out.add(p);
                    }
                }
                return new Reply(0, new GetEphemeralsResponse(out));
            }
            case OpCode.SET_WATCHES: {
                SetWatches r = (SetWatches) request;
                setWatches(conn, r.getRelativeZxid(), r.getDataWatches(), r.getExistWatches(), r.getChildWatches(),
                        List.of(), List.of());
                return new Reply(0, null);
            }
            case OpCode.SET_WATCHES2: {
                SetWatches2 r = (SetWatches2) request;
                setWatches(conn, r.getRelativeZxid(), r.getDataWatches(), r.getExistWatches(), r.getChildWatches(),
                        r.getPersistentWatches(), r.getPersistentRecursiveWatches());
                return new Reply(0, null);
            }
            case OpCode.ADD_WATCH: {
                AddWatchRequest r = (AddWatchRequest) request;
                if (r.getMode() == ADD_WATCH_PERSISTENT) {
                    watches.add(conn, r.getPath(), WatchKind.PERSISTENT);
                } else if (r.getMode() == ADD_WATCH_PERSISTENT_RECURSIVE) {
                    watches.add(conn, r.getPath(), WatchKind.PERSISTENT_RECURSIVE);
                } else {
                    return Reply.error(ErrorCode.MARSHALLING_ERROR);
                }
                // ZooKeeper answers addWatch with a 4-byte ErrorResponse(0) body.
                return new Reply(0, new org.apache.zookeeper.proto.ErrorResponse(0));
            }
            case OpCode.CHECK_WATCHES: {
                CheckWatchesRequest r = (CheckWatchesRequest) request;
                return matchWatches(conn, r.getPath(), r.getType(), false);
            }
            case OpCode.REMOVE_WATCHES: {
                RemoveWatchesRequest r = (RemoveWatchesRequest) request;
                return matchWatches(conn, r.getPath(), r.getType(), true);
            }
            case OpCode.WHO_AM_I: {
                List<ClientInfo> infos = new ArrayList<>();
                for (Id id : auth.ids()) {
                    infos.add(new ClientInfo(id.getScheme(), access.userName(id)));
                }
                return new Reply(0, new WhoAmIResponse(infos));
            }
            default:
                return Reply.error(ErrorCode.UNIMPLEMENTED);
        }
    }

    /** NONODE / NOAUTH for a children read, else 0 after leaving the requested child watch. */
    private int childrenReadable(WatchSink conn, AuthInfo auth, String path, ZNode node, boolean watch) {
        if (node == null) {
            return ErrorCode.NO_NODE;
        }
        if (!access.allowed(auth, node.acl(), READ)) {
            return ErrorCode.NO_AUTH;
        }
        if (watch) {
            watch(conn, path, WatchKind.CHILD);
        }
        return 0;
    }

    private Reply getData(WatchSink conn, AuthInfo auth, GetDataRequest r) {
        ZNode node = tree.get(r.getPath());
        if (node == null) {
            return Reply.error(ErrorCode.NO_NODE);
        }
        if (!access.allowed(auth, node.acl(), READ)) {
            return Reply.error(ErrorCode.NO_AUTH);
        }
        if (r.getWatch()) {
            watch(conn, r.getPath(), WatchKind.DATA);
        }
        return new Reply(0, new GetDataResponse(node.data(), node.stat()));
    }

    /** Results of a multiRead (the decoder admitted only getData and getChildren). */
    private List<MultiCodec.Result> multiRead(WatchSink conn, AuthInfo auth, List<MultiOp> ops) {
        List<MultiCodec.Result> results = new ArrayList<>(ops.size());
        for (MultiOp op : ops) {
            // Watch flags inside a multiRead are ignored, as in ZooKeeper.
            Reply reply;
            if (op.type() == OpCode.GET_DATA) {
                GetDataRequest g = (GetDataRequest) op.request();
                reply = getData(conn, auth, new GetDataRequest(g.getPath(), false));
            } else {
                GetChildrenRequest g = (GetChildrenRequest) op.request();
                reply = execute(conn, 0, auth, OpCode.GET_CHILDREN, new GetChildrenRequest(g.getPath(), false));
            }
            results.add(reply.err() == 0 ? new MultiCodec.Result(op.type(), 0, reply.body())
                    : new MultiCodec.Result(OpCode.ERROR, reply.err(), null));
        }
        return results;
    }

    /**
     * Re-arms a reconnecting client's watches. Whatever changed after {@code relativeZxid} (the last
     * zxid the client saw) fires now instead of being registered, so no change is missed.
     */
    private void setWatches(WatchSink conn, long relativeZxid, List<String> data, List<String> exist,
                            List<String> child, List<String> persistent, List<String> recursive) {
        for (String path : data) {
            ZNode node = tree.get(path);
            if (node == null) {
                conn.deliverEvent(EventType.NODE_DELETED, path, -1);
            } else if (node.mzxid() > relativeZxid) {
                conn.deliverEvent(EventType.NODE_DATA_CHANGED, path, -1);
            } else {
                watches.add(conn, path, WatchKind.DATA);
            }
        }
        for (String path : exist) {
            if (tree.get(path) != null) {
                conn.deliverEvent(EventType.NODE_CREATED, path, -1);
            } else {
                watches.add(conn, path, WatchKind.DATA);
            }
        }
        for (String path : child) {
            ZNode node = tree.get(path);
            if (node == null) {
                conn.deliverEvent(EventType.NODE_DELETED, path, -1);
            } else if (node.pzxid() > relativeZxid) {
                conn.deliverEvent(EventType.NODE_CHILDREN_CHANGED, path, -1);
            } else {
                watches.add(conn, path, WatchKind.CHILD);
            }
        }
        for (String path : restorePersistentWatches ? persistent : List.<String>of()) {
            watches.add(conn, path, WatchKind.PERSISTENT);
        }
        for (String path : recursive) {
            watches.add(conn, path, WatchKind.PERSISTENT_RECURSIVE);
        }
    }

    private Reply matchWatches(WatchSink conn, String path, int type, boolean remove) {
        List<WatchKind> kinds = switch (type) {
            case WATCHER_CHILDREN -> List.of(WatchKind.CHILD);
            case WATCHER_DATA -> List.of(WatchKind.DATA);
            case WATCHER_ANY -> List.of(WatchKind.CHILD, WatchKind.DATA, WatchKind.PERSISTENT,
                    WatchKind.PERSISTENT_RECURSIVE);
            case WATCHER_PERSISTENT -> List.of(WatchKind.PERSISTENT);
            case WATCHER_PERSISTENT_RECURSIVE -> List.of(WatchKind.PERSISTENT_RECURSIVE);
            default -> List.of();
        };
        if (kinds.isEmpty()) {
            return Reply.error(ErrorCode.MARSHALLING_ERROR);
        }
        boolean found = false;
        for (WatchKind kind : kinds) {
            found |= remove ? watches.remove(conn, path, kind) : watches.has(conn, path, kind);
        }
        return found ? new Reply(0, null) : Reply.error(ErrorCode.NO_WATCHER);
    }
}
