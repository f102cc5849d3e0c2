package io.paddock.coordinator.acl;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.apache.zookeeper.data.Id;

/**
 * The auth schemes a server accepts (scheme to provider) and its super user. One instance per
 * server, immutable; built from the configuration's super digest.
 */
public final class AuthRegistry {
    /** Names that are not providers: world and auth are ACL-only, super is granted by the super digest. */
    private static final Set<String> RESERVED_SCHEMES = Set.of("world", "auth", "super");

    private final Map<String, AuthProvider> providers;
    private final String superDigest;

    /**
     * The standard schemes (digest, ip).
     *
     * @param superDigest {@code user:base64(sha1(user:password))} whose holder passes every ACL
     *     check, or null for no super user
     */
    public AuthRegistry(String superDigest) {
        this(superDigest, List.of(new DigestAuthProvider(), new IpAuthProvider()));
    }

    /** Exactly the given providers (one per scheme). */
    public AuthRegistry(String superDigest, Collection<? extends AuthProvider> providers) {
        if (superDigest != null && superDigest.isEmpty()) {
            throw new IllegalArgumentException("superDigest must be null or user:digest, not empty");
        }
        Map<String, AuthProvider> m = new HashMap<>();
        for (AuthProvider p : providers) {
            String scheme = Objects.requireNonNull(p.scheme(), "scheme");
            if (RESERVED_SCHEMES.contains(scheme)) {
                throw new IllegalArgumentException("'" + scheme + "' is reserved and cannot have a provider");
            }
            if (m.putIfAbsent(scheme, p) != null) {
                throw new IllegalArgumentException("Two providers for scheme '" + scheme + "'");
            }
        }
        this.providers = Map.copyOf(m);
        this.superDigest = superDigest;
    }

    public Optional<AuthProvider> provider(String scheme) {
        return scheme == null ? Optional.empty() : Optional.ofNullable(providers.get(scheme));
    }

    public Set<String> schemes() {
        return providers.keySet();
    }

    public Optional<String> superDigest() {
        return Optional.ofNullable(superDigest);
    }

    /** True when the connection authenticated with the super digest: every check passes. */
    public boolean isSuper(AuthInfo auth) {
        return superDigest != null && auth.contains(DigestAuthProvider.SCHEME, superDigest);
    }

    /**
     * Handles {@code addauth scheme authData}: the connection's auth info with the id gained.
     *
     * @throws AuthFailedException for a scheme with no provider or credentials it refuses; the
     *     server then answers AUTHFAILED
     */
    public AuthInfo addAuth(AuthInfo auth, String scheme, byte[] authData) throws AuthFailedException {
        AuthProvider p = scheme == null ? null : providers.get(scheme);
        if (p == null) {
            throw new AuthFailedException("No authentication provider for scheme '" + scheme + "'");
        }
        Id id = p.authenticate(authData == null ? new byte[0] : authData, auth.clientAddress());
        if (id == null || !scheme.equals(id.getScheme()) || id.getId() == null) {
            throw new AuthFailedException("Provider for scheme '" + scheme + "' returned no valid id");
        }
        return auth.plus(id);
    }
}
