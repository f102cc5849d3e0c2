package io.paddock.coordinator.acl;

import org.apache.zookeeper.data.Id;

/**
 * One authentication scheme, as ZooKeeper's server-side {@code AuthenticationProvider}.
 * Implementations are stateless (or immutable) and thread-safe.
 */
public interface AuthProvider {
    /** The scheme name, as in {@code addauth <scheme> <data>} and in ACL ids. */
    String scheme();

    /**
     * Turns the credentials of an {@code addauth} into the id the connection gains.
     *
     * @param authData the credentials as sent by the client
     * @param clientAddress the client's IP address, as {@link java.net.InetAddress#getHostAddress()}
     * @throws AuthFailedException if the credentials are not accepted
     */
    Id authenticate(byte[] authData, String clientAddress) throws AuthFailedException;

    /** True when an id this connection is authenticated as ({@code idOfAuthInfo}) satisfies an ACL id. */
    boolean matches(String idOfAuthInfo, String aclId);

    /** True when {@code id} is well formed for an ACL entry of this scheme. */
    boolean isValid(String id);

    /**
     * True when an id of this scheme names an authenticated principal, so that the {@code auth}
     * pseudo-scheme of a requested ACL expands to it (digest: yes; ip: no).
     */
    boolean isAuthenticated();
}
