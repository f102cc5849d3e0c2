package io.paddock.coordinator.prepare;

import io.paddock.coordinator.tree.ZNode;
import java.util.List;
import org.apache.zookeeper.data.ACL;

/**
 * What preparation needs to know of a node, as it will be once every prepared txn has applied.
 * {@code exists == false} records a pending delete.
 */
record NodeState(boolean exists, int version, int cversion, int aversion, List<ACL> acl, long ephemeralOwner,
                 int numChildren) {
    static final NodeState DELETED = new NodeState(false, 0, 0, 0, List.of(), 0, 0);

    static NodeState of(ZNode n) {
        return new NodeState(true, n.version(), n.cversion(), n.aversion(), n.acl(), n.ephemeralOwner(),
                n.numChildren());
    }

    NodeState withVersion(int v) {
        return new NodeState(true, v, cversion, aversion, acl, ephemeralOwner, numChildren);
    }

    NodeState withAcl(List<ACL> a, int av) {
        return new NodeState(true, version, cversion, av, a, ephemeralOwner, numChildren);
    }

    NodeState withChildren(int cv, int count) {
        return new NodeState(true, version, cv, aversion, acl, ephemeralOwner, count);
    }
}
