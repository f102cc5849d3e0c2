package io.paddock.coordinator.acl;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;

/**
 * Checks an ACL a client asks to store (create, setACL) and turns it into the ACL to keep,
 * exactly as ZooKeeper's {@code PrepRequestProcessor.fixupACL}:
 * <ol>
 *   <li>null or empty: invalid; any null entry, id or scheme: invalid;</li>
 *   <li>repeated entries (same perms and id) are dropped, first occurrence kept;</li>
 *   <li>{@code world:anyone} is kept; {@code world} with any other id is invalid;</li>
 *   <li>{@code auth} (its id is ignored) becomes one entry with the same perms per id the
 *       connection holds whose scheme's provider {@link AuthProvider#isAuthenticated() is
 *       authenticated} (digest, not ip); invalid if there is none. These expanded entries are not
 *       de-duplicated again, as in ZooKeeper;</li>
 *   <li>any other scheme needs a provider whose {@link AuthProvider#isValid(String)} accepts the id;
 *       otherwise invalid.</li>
 * </ol>
 * Perms are stored as given, like ZooKeeper, which does not restrict them to 0..31 (bits above
 * {@link Perms#ALL} grant nothing; 0 grants nothing). Stateless.
 */
public final class AclValidator {
    private final AuthRegistry registry;

    public AclValidator(AuthRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /**
     * @return the ACL to store: a new unmodifiable list of new records
     * @throws InvalidAclException if the request is invalid (the server answers INVALIDACL)
     */
    public List<ACL> fixup(List<ACL> requested, AuthInfo auth) throws InvalidAclException {
        if (requested == null || requested.isEmpty()) {
            throw new InvalidAclException("ACL is empty");
        }
        List<ACL> unique = new ArrayList<>(requested.size());
        for (ACL a : requested) {
            if (a == null || a.getId() == null || a.getId().getScheme() == null || a.getId().getId() == null) {
                throw new InvalidAclException("ACL entry without a scheme or id: " + a);
            }
            ACL copy = new ACL(a.getPerms(), new Id(a.getId().getScheme(), a.getId().getId()));
            if (!unique.contains(copy)) {
                unique.add(copy);
            }
        }
        List<ACL> result = new ArrayList<>(unique.size());
        for (ACL a : unique) {
            String scheme = a.getId().getScheme();
            String id = a.getId().getId();
            if (scheme.equals("world") && id.equals("anyone")) {
                result.add(a);
            } else if (scheme.equals("auth")) {
                boolean expanded = false;
                for (Id held : auth.ids()) {
                    AuthProvider p = registry.provider(held.getScheme()).orElse(null);
                    if (p != null && p.isAuthenticated()) {
                        result.add(new ACL(a.getPerms(), new Id(held.getScheme(), held.getId())));
                        expanded = true;
                    }
                }
                if (!expanded) {
                    throw new InvalidAclException(
                            "ACL scheme 'auth' needs an authenticated connection (addauth digest ...)");
                }
            } else {
                AuthProvider p = registry.provider(scheme).orElse(null);
                if (p == null) {
                    throw new InvalidAclException("Unknown ACL scheme '" + scheme + "' (id '" + id + "')");
                }
                if (!p.isValid(id)) {
                    throw new InvalidAclException("Invalid id '" + id + "' for ACL scheme '" + scheme + "'");
                }
                result.add(a);
            }
        }
        return Collections.unmodifiableList(result);
    }
}
