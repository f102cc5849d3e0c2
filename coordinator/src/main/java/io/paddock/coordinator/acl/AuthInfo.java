package io.paddock.coordinator.acl;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.apache.zookeeper.data.Id;

/**
 * What one connection is authenticated as: a set of ids in the order they were gained, always
 * starting with {@code ip:<client address>}. Immutable; {@link #plus(Id)} returns a new value.
 * Ids are copied on the way in and out, since the jute {@link Id} record is mutable.
 */
public final class AuthInfo {
    private final String clientAddress;
    private final List<Id> ids; // private copies, never handed out

    private AuthInfo(String clientAddress, List<Id> ids) {
        this.clientAddress = clientAddress;
        this.ids = ids;
    }

    /**
     * A fresh connection from {@code clientAddress} (as {@link java.net.InetAddress#getHostAddress()}),
     * authenticated only as {@code ip:<clientAddress>}.
     */
    public static AuthInfo forClient(String clientAddress) {
        Objects.requireNonNull(clientAddress, "clientAddress");
        return new AuthInfo(clientAddress, List.of(new Id(IpAuthProvider.SCHEME, clientAddress)));
    }

    /** This set plus {@code id} (this very value when it is already present). */
    public AuthInfo plus(Id id) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(id.getScheme(), "id.scheme");
        Objects.requireNonNull(id.getId(), "id.id");
        if (contains(id.getScheme(), id.getId())) {
            return this;
        }
        List<Id> next = new ArrayList<>(ids.size() + 1);
        next.addAll(ids);
        next.add(new Id(id.getScheme(), id.getId()));
        return new AuthInfo(clientAddress, Collections.unmodifiableList(next));
    }

    public String clientAddress() {
        return clientAddress;
    }

    /**
     * Copies of the ids in the order ZooKeeper reports them (whoAmI) and expands them (the "auth"
     * ACL scheme). ZooKeeper keeps a connection's ids in a set backed by a ConcurrentHashMap, so its
     * order follows the ids' hash codes; inserting the same jute Ids in the same order into the same
     * kind of set reproduces that order exactly.
     */
    public List<Id> ids() {
        java.util.Set<Id> zkOrder = java.util.concurrent.ConcurrentHashMap.newKeySet();
        for (Id id : ids) {
            zkOrder.add(new Id(id.getScheme(), id.getId()));
        }
        return new ArrayList<>(zkOrder);
    }

    public boolean contains(String scheme, String id) {
        for (Id i : ids) {
            if (i.getScheme().equals(scheme) && i.getId().equals(id)) {
                return true;
            }
        }
        return false;
    }

    public boolean contains(Id id) {
        return id != null && id.getScheme() != null && id.getId() != null && contains(id.getScheme(), id.getId());
    }

    /** The internal list, for this package's read-only use. */
    List<Id> idsView() {
        return ids;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AuthInfo other && clientAddress.equals(other.clientAddress) && ids.equals(other.ids);
    }

    @Override
    public int hashCode() {
        return clientAddress.hashCode() * 31 + ids.hashCode();
    }

    /** Schemes and ids, with digest hashes left out so logs never carry them. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("AuthInfo[");
        for (int i = 0; i < ids.size(); i++) {
            Id id = ids.get(i);
            if (i > 0) {
                sb.append(", ");
            }
            String value = id.getId();
            if (DigestAuthProvider.SCHEME.equals(id.getScheme())) {
                int colon = value.indexOf(':');
                value = (colon < 0 ? value : value.substring(0, colon)) + ":…";
            }
            sb.append(id.getScheme()).append(':').append(value);
        }
        return sb.append(']').toString();
    }
}
