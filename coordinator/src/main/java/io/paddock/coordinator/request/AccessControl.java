package io.paddock.coordinator.request;

import io.paddock.coordinator.acl.AclEvaluator;
import io.paddock.coordinator.acl.AclValidator;
import io.paddock.coordinator.acl.AuthFailedException;
import io.paddock.coordinator.acl.AuthInfo;
import io.paddock.coordinator.acl.AuthRegistry;
import io.paddock.coordinator.acl.InvalidAclException;
import io.paddock.coordinator.prepare.Access;
import java.util.List;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;

/** Binds the acl package to the request pipeline: credentials in, permission answers out. */
public final class AccessControl {
    private final AuthRegistry registry;
    private final AclEvaluator evaluator;
    private final AclValidator validator;

    public AccessControl(AuthRegistry registry) {
        this.registry = registry;
        this.evaluator = new AclEvaluator(registry);
        this.validator = new AclValidator(registry);
    }

    AuthInfo initialAuth(String clientIp) {
        return AuthInfo.forClient(clientIp);
    }

    boolean allowed(AuthInfo auth, List<ACL> acl, int perm) {
        return evaluator.check(acl, perm, auth);
    }

    Access access(AuthInfo auth) {
        return new Access() {
            @Override
            public boolean allowed(List<ACL> acl, int perm) {
                return evaluator.check(acl, perm, auth);
            }

            @Override
            public List<ACL> fixup(List<ACL> requested) {
                try {
                    return validator.fixup(requested, auth);
                } catch (InvalidAclException e) {
                    return null;
                }
            }
        };
    }

    /** The connection's credentials after an addauth, or null when authentication failed. */
    AuthInfo authenticate(AuthInfo auth, String scheme, byte[] data, String clientIp) {
        try {
            AuthInfo updated = registry.addAuth(auth, scheme, data);
            // ZooKeeper marks a super-user connection with an extra ("super", "") id, visible in whoAmI.
            if (registry.isSuper(updated)) {
                updated = updated.plus(new Id("super", ""));
            }
            return updated;
        } catch (AuthFailedException e) {
            return null;
        }
    }

    /** The user part whoAmI reports: the name of a digest id, the id itself otherwise. */
    String userName(Id id) {
        if ("digest".equals(id.getScheme())) {
            int colon = id.getId().indexOf(':');
            return colon < 0 ? id.getId() : id.getId().substring(0, colon);
        }
        return id.getId();
    }
}
