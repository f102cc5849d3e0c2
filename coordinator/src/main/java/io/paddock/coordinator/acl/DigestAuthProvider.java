package io.paddock.coordinator.acl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import org.apache.zookeeper.data.Id;

/**
 * The {@code digest} scheme: {@code addauth digest user:password} authenticates the connection as
 * {@code user:base64(sha1("user:password"))}, and an ACL id of that form matches it exactly.
 */
public final class DigestAuthProvider implements AuthProvider {
    public static final String SCHEME = "digest";

    /**
     * The digest id for {@code "user:password"}: {@code user + ":" + base64(sha1(utf8(idPassword)))},
     * identical to ZooKeeper's {@code DigestAuthenticationProvider.generateDigest}. The hash covers
     * the whole string; the user is everything before the first ':' (the whole string if none).
     */
    public static String generateDigest(String idPassword) {
        String user = idPassword.split(":", 2)[0];
        byte[] sha1 = sha1().digest(idPassword.getBytes(StandardCharsets.UTF_8));
        return user + ":" + Base64.getEncoder().encodeToString(sha1);
    }

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every Java platform", e);
        }
    }

    @Override
    public String scheme() {
        return SCHEME;
    }

    /** Never fails, as in ZooKeeper: any bytes are hashed; a missing ':' just means no password. */
    @Override
    public Id authenticate(byte[] authData, String clientAddress) {
        return new Id(SCHEME, generateDigest(new String(authData, StandardCharsets.UTF_8)));
    }

    @Override
    public boolean matches(String idOfAuthInfo, String aclId) {
        return idOfAuthInfo.equals(aclId);
    }

    /**
     * Exactly two ':'-separated parts once trailing empty parts are dropped, as ZooKeeper checks:
     * {@code "u:h"} and {@code ":h"} are valid; {@code "u:"}, {@code "u"} and {@code "a:b:c"} are not.
     */
    @Override
    public boolean isValid(String id) {
        return id.split(":").length == 2;
    }

    @Override
    public boolean isAuthenticated() {
        return true;
    }
}
