package io.paddock.coordinator.acl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.apache.zookeeper.data.Id;
import org.junit.jupiter.api.Test;

class AuthRegistryTest {
    private static final String SUPER = DigestAuthProvider.generateDigest("super:secret");

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void standardSchemes() {
        AuthRegistry r = new AuthRegistry(null);
        assertEquals(Set.of("digest", "ip"), r.schemes());
        assertTrue(r.provider("digest").orElseThrow() instanceof DigestAuthProvider);
        assertTrue(r.provider("ip").orElseThrow() instanceof IpAuthProvider);
        assertTrue(r.provider("world").isEmpty());
        assertTrue(r.provider("super").isEmpty());
        assertTrue(r.provider(null).isEmpty());
        assertTrue(r.superDigest().isEmpty());
    }

    @Test
    void addAuthDigest() throws Exception {
        AuthRegistry r = new AuthRegistry(null);
        AuthInfo a = r.addAuth(AuthInfo.forClient("10.0.0.1"), "digest", b("alice:pw"));
        assertEquals(List.of(new Id("ip", "10.0.0.1"), new Id("digest", DigestAuthProvider.generateDigest("alice:pw"))),
                a.ids());
        AuthInfo again = r.addAuth(a, "digest", b("alice:pw"));
        assertEquals(a, again);
        AuthInfo two = r.addAuth(a, "digest", b("bob:pw"));
        assertEquals(3, two.ids().size());
    }

    @Test
    void addAuthIpYieldsTheClientAddress() throws Exception {
        AuthRegistry r = new AuthRegistry(null);
        AuthInfo a = AuthInfo.forClient("10.0.0.1");
        AuthInfo after = r.addAuth(a, "ip", b("192.168.0.1"));
        assertEquals(a, after, "addauth ip cannot claim another address");
        assertFalse(after.contains("ip", "192.168.0.1"));
    }

    @Test
    void unknownSchemeFails() {
        AuthRegistry r = new AuthRegistry(null);
        AuthInfo a = AuthInfo.forClient("10.0.0.1");
        for (String scheme : new String[] {"kerberos", "world", "super", "auth", "", "DIGEST"}) {
            assertThrows(AuthFailedException.class, () -> r.addAuth(a, scheme, b("x:y")), scheme);
        }
        assertThrows(AuthFailedException.class, () -> r.addAuth(a, null, b("x:y")));
    }

    @Test
    void superIsTheHolderOfTheSuperDigest() throws Exception {
        AuthRegistry r = new AuthRegistry(SUPER);
        AuthInfo a = AuthInfo.forClient("10.0.0.1");
        assertFalse(r.isSuper(a));
        assertFalse(r.isSuper(r.addAuth(a, "digest", b("super:wrong"))));
        assertTrue(r.isSuper(r.addAuth(a, "digest", b("super:secret"))));
        assertFalse(new AuthRegistry(null).isSuper(r.addAuth(a, "digest", b("super:secret"))));
        assertEquals(SUPER, r.superDigest().orElseThrow());
    }

    @Test
    void customProviders() throws Exception {
        AuthProvider fixed = new AuthProvider() {
            public String scheme() {
                return "token";
            }

            public Id authenticate(byte[] authData, String clientAddress) throws AuthFailedException {
                if (!new String(authData, StandardCharsets.UTF_8).equals("good")) {
                    throw new AuthFailedException("bad token");
                }
                return new Id("token", "svc");
            }

            public boolean matches(String idOfAuthInfo, String aclId) {
                return idOfAuthInfo.equals(aclId);
            }

            public boolean isValid(String id) {
                return !id.isEmpty();
            }

            public boolean isAuthenticated() {
                return true;
            }
        };
        AuthRegistry r = new AuthRegistry(null, List.of(fixed));
        AuthInfo a = AuthInfo.forClient("10.0.0.1");
        assertTrue(r.addAuth(a, "token", b("good")).contains("token", "svc"));
        assertThrows(AuthFailedException.class, () -> r.addAuth(a, "token", b("bad")));
        assertThrows(AuthFailedException.class, () -> r.addAuth(a, "digest", b("u:p")));
        assertThrows(IllegalArgumentException.class,
                () -> new AuthRegistry(null, List.of(new DigestAuthProvider(), new DigestAuthProvider())));
        assertThrows(IllegalArgumentException.class, () -> new AuthRegistry(""));
    }

    @Test
    void registriesAreIndependent() throws Exception {
        AuthRegistry one = new AuthRegistry(SUPER);
        AuthRegistry two = new AuthRegistry(DigestAuthProvider.generateDigest("root:other"));
        AuthInfo a = one.addAuth(AuthInfo.forClient("10.0.0.1"), "digest", b("super:secret"));
        assertTrue(one.isSuper(a));
        assertFalse(two.isSuper(a));
        assertSame(a, a.plus(new Id("ip", "10.0.0.1")));
    }
}
