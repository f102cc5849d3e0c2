package io.paddock.coordinator.prepare;

import io.paddock.coordinator.tree.DataTree;
import io.paddock.coordinator.tree.PathUtil;
import io.paddock.coordinator.txn.Txn;
import io.paddock.coordinator.wire.CreateModes;
import io.paddock.coordinator.wire.ErrorCode;
import io.paddock.coordinator.wire.MultiOp;
import io.paddock.coordinator.wire.OpCode;
import java.util.ArrayList;
import java.util.List;
import org.apache.jute.Record;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.proto.CheckVersionRequest;
import org.apache.zookeeper.proto.CreateRequest;
import org.apache.zookeeper.proto.CreateTTLRequest;
import org.apache.zookeeper.proto.DeleteRequest;
import org.apache.zookeeper.proto.SetACLRequest;
import org.apache.zookeeper.proto.SetDataRequest;

/**
 * Turns a client write into the txn every server will apply, validating it against the tree as it
 * will be after all earlier prepared txns (the {@link PendingView}). Checks run in ZooKeeper's order
 * so that a request that breaks several rules gets ZooKeeper's error code. A rejected write becomes
 * an {@link Txn.Error}. Runs on the leader's request thread only.
 */
public final class Preparer {
    private static final int READ = 1;
    private static final int WRITE = 2;
    private static final int CREATE = 4;
    private static final int DELETE = 8;
    private static final int ADMIN = 16;

    private final PendingView pending;
    private final boolean extendedTypesEnabled;

    public Preparer(DataTree tree, boolean extendedTypesEnabled) {
        this.pending = new PendingView(tree);
        this.extendedTypesEnabled = extendedTypesEnabled;
    }

    /** Call after the txn at {@code zxid} has been applied to the tree. */
    public void applied(long zxid) {
        pending.applied(zxid);
    }

    /** Drops every prepared-but-unapplied change; the tree alone is the truth again. */
    public void reset() {
        pending.reset();
    }

    public int pendingChanges() {
        return pending.size();
    }

    /** The txn for one write request (not multi, not session operations). */
    public Txn prepare(long zxid, long sessionId, Access access, int op, Record request) {
        try {
            return prepareOne(zxid, sessionId, access, op, request);
        } catch (PrepareException e) {
            return new Txn.Error(e.code);
        }
    }

    /**
     * A multi: all ops or none. When op k fails, ops before it report OK, op k its error and the rest
     * RUNTIME_INCONSISTENCY, exactly as ZooKeeper reports a failed multi.
     */
    public Txn prepareMulti(long zxid, long sessionId, Access access, List<MultiOp> ops) {
        for (MultiOp op : ops) {
            if (!isMultiWriteOp(op.type())) {
                // ZooKeeper fails to decode such a multi: MARSHALLING_ERROR, but the zxid is used up.
                return new Txn.Error(ErrorCode.MARSHALLING_ERROR);
            }
        }
        pending.beginMulti();
        List<Txn> txns = new ArrayList<>(ops.size());
        int failedAt = -1;
        int failCode = 0;
        for (int i = 0; i < ops.size(); i++) {
            MultiOp op = ops.get(i);
            try {
                txns.add(prepareOne(zxid, sessionId, access, op.type(), op.request()));
            } catch (PrepareException e) {
                failedAt = i;
                failCode = e.code;
                break;
            }
        }
        if (failedAt < 0) {
            pending.commitMulti();
            return new Txn.Multi(List.copyOf(txns));
        }
        pending.rollbackMulti();
        List<Txn> errors = new ArrayList<>(ops.size());
        for (int i = 0; i < ops.size(); i++) {
            int code = i < failedAt ? ErrorCode.OK : i == failedAt ? failCode : ErrorCode.RUNTIME_INCONSISTENCY;
            errors.add(new Txn.Error(code));
        }
        return new Txn.Multi(List.copyOf(errors));
    }

    private static boolean isMultiWriteOp(int type) {
        return switch (type) {
            case OpCode.CREATE, OpCode.CREATE2, OpCode.CREATE_CONTAINER, OpCode.CREATE_TTL, OpCode.DELETE,
                 OpCode.SET_DATA, OpCode.CHECK -> true;
            default -> false;
        };
    }

    /** Closing a session deletes its ephemerals; record that in the pending view. */
    public Txn prepareCloseSession(long zxid, long sessionId) {
        for (String path : pending.ephemeralsOf(sessionId)) {
            removeNode(zxid, path);
        }
        return new Txn.CloseSession(sessionId);
    }

    /** A container or expired TTL node cleanup; null when it no longer qualifies. */
    public Txn prepareDeleteContainer(long zxid, String path) {
        NodeState node = pending.lookup(path);
        if (node == null || node.numChildren() != 0) {
            return null;
        }
        removeNode(zxid, path);
        return new Txn.DeleteContainer(path);
    }

    private Txn prepareOne(long zxid, long sessionId, Access access, int op, Record request) throws PrepareException {
        if (request == null) {
            throw new PrepareException(ErrorCode.MARSHALLING_ERROR);
        }
        return switch (op) {
            case OpCode.CREATE, OpCode.CREATE2, OpCode.CREATE_CONTAINER -> {
                CreateRequest r = (CreateRequest) request;
                yield create(zxid, sessionId, access, op, r.getPath(), r.getData(), r.getAcl(), r.getFlags(), -1);
            }
            case OpCode.CREATE_TTL -> {
                CreateTTLRequest r = (CreateTTLRequest) request;
                yield create(zxid, sessionId, access, op, r.getPath(), r.getData(), r.getAcl(), r.getFlags(), r.getTtl());
            }
            case OpCode.DELETE -> delete(zxid, access, (DeleteRequest) request);
            case OpCode.SET_DATA -> setData(zxid, access, (SetDataRequest) request);
            case OpCode.SET_ACL -> setAcl(zxid, access, (SetACLRequest) request);
            case OpCode.CHECK -> check(access, (CheckVersionRequest) request);
            case OpCode.RECONFIG -> throw new PrepareException(ErrorCode.RECONFIG_DISABLED);
            default -> throw new PrepareException(ErrorCode.UNIMPLEMENTED);
        };
    }

    private Txn create(long zxid, long sessionId, Access access, int op, String path, byte[] data,
                       List<ACL> requestedAcl, int flags, long ttl) throws PrepareException {
        if (!CreateModes.isKnown(flags)) {
            throw new PrepareException(ErrorCode.BAD_ARGUMENTS);
        }
        // Only the createContainer opcode makes a container (whatever its flags); flag 4 on a plain
        // create makes a persistent node, as in ZooKeeper.
        int mode = op == OpCode.CREATE_CONTAINER ? CreateModes.CONTAINER
                : flags == CreateModes.CONTAINER ? CreateModes.PERSISTENT : flags;
        boolean ttlMode = CreateModes.isTtl(mode);
        if (ttlMode && !extendedTypesEnabled) {
            throw new PrepareException(ErrorCode.UNIMPLEMENTED);
        }
        if (ttlMode ? ttl <= 0 || ttl > CreateModes.MAX_TTL_MS : ttl >= 0) {
            throw new PrepareException(ErrorCode.BAD_ARGUMENTS);
        }
        int lastSlash = path == null ? -1 : path.lastIndexOf('/');
        if (lastSlash < 0 || path.indexOf('\0') >= 0) {
            throw new PrepareException(ErrorCode.BAD_ARGUMENTS);
        }
        List<ACL> acl = access.fixup(requestedAcl);
        if (acl == null) {
            throw new PrepareException(ErrorCode.INVALID_ACL);
        }
        String parentPath = lastSlash == 0 ? "/" : path.substring(0, lastSlash);
        NodeState parent = pending.lookup(parentPath);
        if (parent == null) {
            throw new PrepareException(ErrorCode.NO_NODE);
        }
        if (!access.allowed(parent.acl(), CREATE)) {
            throw new PrepareException(ErrorCode.NO_AUTH);
        }
        boolean sequential = CreateModes.isSequential(mode);
        String finalPath = sequential ? path + String.format(java.util.Locale.ENGLISH, "%010d", parent.cversion()) : path;
        if (PathUtil.invalidReason(finalPath, false) != null) {
            throw new PrepareException(ErrorCode.BAD_ARGUMENTS);
        }
        if (pending.lookup(finalPath) != null) {
            throw new PrepareException(ErrorCode.NODE_EXISTS);
        }
        if (CreateModes.isSessionOwner(parent.ephemeralOwner())) {
            throw new PrepareException(ErrorCode.NO_CHILDREN_FOR_EPHEMERALS);
        }
        long owner;
        if (mode == CreateModes.CONTAINER) {
            owner = CreateModes.CONTAINER_OWNER;
        } else if (ttlMode) {
            owner = CreateModes.ttlOwner(ttl);
        } else if (CreateModes.isEphemeral(mode)) {
            owner = sessionId;
        } else {
            owner = 0;
        }
        int newCversion = parent.cversion() + 1;
        pending.put(zxid, parentPath, parent.withChildren(newCversion, parent.numChildren() + 1));
        pending.put(zxid, finalPath, new NodeState(true, 0, 0, 0, acl, owner, 0));
        if (owner == sessionId && owner != 0) {
            pending.ephemeralCreated(sessionId, finalPath);
        }
        return new Txn.Create(finalPath, data, acl, owner, newCversion);
    }

    private Txn delete(long zxid, Access access, DeleteRequest r) throws PrepareException {
        String path = r.getPath();
        int lastSlash = path == null ? -1 : path.lastIndexOf('/');
        if (lastSlash < 0 || path.indexOf('\0') >= 0 || isSystemPath(path)) {
            throw new PrepareException(ErrorCode.BAD_ARGUMENTS);
        }
        NodeState parent = pending.lookup(lastSlash == 0 ? "/" : path.substring(0, lastSlash));
        if (parent == null) {
            throw new PrepareException(ErrorCode.NO_NODE);
        }
        if (!access.allowed(parent.acl(), DELETE)) {
            throw new PrepareException(ErrorCode.NO_AUTH);
        }
        NodeState node = pending.lookup(path);
        if (node == null) {
            throw new PrepareException(ErrorCode.NO_NODE);
        }
        checkVersion(node.version(), r.getVersion());
        if (node.numChildren() > 0) {
            throw new PrepareException(ErrorCode.NOT_EMPTY);
        }
        removeNode(zxid, path);
        return new Txn.Delete(path);
    }

    private void removeNode(long zxid, String path) {
        String parentPath = PathUtil.parent(path);
        NodeState parent = pending.lookup(parentPath);
        pending.put(zxid, path, NodeState.DELETED);
        if (parent != null) {
            pending.put(zxid, parentPath, parent.withChildren(parent.cversion(), parent.numChildren() - 1));
        }
    }

    /** Path valid (-8), node present (-101), permission held (-102): the common checks, in that order. */
    private NodeState existing(String path, Access access, int perm) throws PrepareException {
        if (PathUtil.invalidReason(path, false) != null) {
            throw new PrepareException(ErrorCode.BAD_ARGUMENTS);
        }
        NodeState node = pending.lookup(path);
        if (node == null) {
            throw new PrepareException(ErrorCode.NO_NODE);
        }
        if (!access.allowed(node.acl(), perm)) {
            throw new PrepareException(ErrorCode.NO_AUTH);
        }
        return node;
    }

    private Txn setData(long zxid, Access access, SetDataRequest r) throws PrepareException {
        String path = r.getPath();
        NodeState node = existing(path, access, WRITE);
        int newVersion = checkVersion(node.version(), r.getVersion());
        pending.put(zxid, path, node.withVersion(newVersion));
        return new Txn.SetData(path, r.getData(), newVersion);
    }

    private Txn setAcl(long zxid, Access access, SetACLRequest r) throws PrepareException {
        String path = r.getPath();
        if (PathUtil.invalidReason(path, false) != null) {
            throw new PrepareException(ErrorCode.BAD_ARGUMENTS);
        }
        List<ACL> acl = access.fixup(r.getAcl());
        if (acl == null) {
            throw new PrepareException(ErrorCode.INVALID_ACL);
        }
        NodeState node = pending.lookup(path);
        if (node == null) {
            throw new PrepareException(ErrorCode.NO_NODE);
        }
        if (!access.allowed(node.acl(), ADMIN)) {
            throw new PrepareException(ErrorCode.NO_AUTH);
        }
        int newAversion = checkVersion(node.aversion(), r.getVersion());
        pending.put(zxid, path, node.withAcl(acl, newAversion));
        return new Txn.SetAcl(path, acl, newAversion);
    }

    private Txn check(Access access, CheckVersionRequest r) throws PrepareException {
        String path = r.getPath();
        NodeState node = existing(path, access, READ);
        checkVersion(node.version(), r.getVersion());
        return new Txn.Check(path, r.getVersion());
    }

    /** -1 matches any version; like ZooKeeper 3.9 the next version is simply current + 1. */
    private static int checkVersion(int current, int expected) throws PrepareException {
        if (expected != -1 && expected != current) {
            throw new PrepareException(ErrorCode.BAD_VERSION);
        }
        return current + 1;
    }

    private static boolean isSystemPath(String path) {
        return "/".equals(path) || DataTree.ZOOKEEPER.equals(path) || DataTree.QUOTA.equals(path)
                || DataTree.CONFIG.equals(path);
    }
}
