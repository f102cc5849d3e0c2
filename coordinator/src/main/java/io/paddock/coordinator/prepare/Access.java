package io.paddock.coordinator.prepare;

import java.util.List;
import org.apache.zookeeper.data.ACL;

/** The requesting connection's rights, as preparation needs them. */
public interface Access {
    /** True when {@code acl} grants {@code perm} to this connection (or it is the super user). */
    boolean allowed(List<ACL> acl, int perm);

    /** The ACL to store for a requested one (expanding "auth"), or null when it is invalid. */
    List<ACL> fixup(List<ACL> requested);
}
