package io.paddock.coordinator.acl;

import java.util.List;
import java.util.Objects;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;

/**
 * Decides whether a connection may do something to a node, exactly as ZooKeeper's
 * {@code ZooKeeperServer.checkACL}: the super user may do anything; an empty or null ACL allows
 * everything; otherwise some entry must carry one of the requested bits and name
 * {@code world:anyone} or an id the connection holds of the same scheme, as that scheme's
 * provider matches them (equality for digest, address-in-network for ip). Stateless.
 */
public final class AclEvaluator {
    private final AuthRegistry registry;

    public AclEvaluator(AuthRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /**
     * @param acl the node's ACL (null or empty allows everything)
     * @param perm the bit (or bits; any one suffices) from {@link Perms}
     * @param auth what the connection is authenticated as
     */
    public boolean check(List<ACL> acl, int perm, AuthInfo auth) {
        if (acl == null || acl.isEmpty()) {
            return true;
        }
        if (registry.isSuper(auth)) {
            return true;
        }
        for (ACL entry : acl) {
            if (entry == null || (entry.getPerms() & perm) == 0) {
                continue;
            }
            Id aclId = entry.getId();
            if (aclId == null || aclId.getScheme() == null || aclId.getId() == null) {
                continue;
            }
            String scheme = aclId.getScheme();
            if (scheme.equals("world") && aclId.getId().equals("anyone")) {
                return true;
            }
            AuthProvider provider = registry.provider(scheme).orElse(null);
            if (provider == null) {
                continue;
            }
            for (Id held : auth.idsView()) {
                if (held.getScheme().equals(scheme) && provider.matches(held.getId(), aclId.getId())) {
                    return true;
                }
            }
        }
        return false;
    }
}
