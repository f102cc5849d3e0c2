package io.paddock.coordinator.acl;

import java.util.ArrayList;
import java.util.List;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;

/**
 * The well-known ACLs of ZooKeeper's {@code ZooDefs.Ids}. Each call returns new records (the jute
 * records are mutable, so no shared constants), in a modifiable list.
 */
public final class Acls {
    private Acls() {
    }

    /** {@code world:anyone}. */
    public static Id anyoneId() {
        return new Id("world", "anyone");
    }

    /** {@code auth:} — in a requested ACL, "whoever I am authenticated as". */
    public static Id authIds() {
        return new Id("auth", "");
    }

    /** Everyone may do everything: {@code [31, world:anyone]}. */
    public static List<ACL> openAclUnsafe() {
        return single(Perms.ALL, anyoneId());
    }

    /** The creator's authenticated ids get everything: {@code [31, auth:]}. */
    public static List<ACL> creatorAllAcl() {
        return single(Perms.ALL, authIds());
    }

    /** Everyone may read: {@code [1, world:anyone]}. */
    public static List<ACL> readAclUnsafe() {
        return single(Perms.READ, anyoneId());
    }

    private static List<ACL> single(int perms, Id id) {
        List<ACL> l = new ArrayList<>(1);
        l.add(new ACL(perms, id));
        return l;
    }
}
