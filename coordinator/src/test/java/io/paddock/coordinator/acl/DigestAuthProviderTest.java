package io.paddock.coordinator.acl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DigestAuthProviderTest {
    private final DigestAuthProvider digest = new DigestAuthProvider();
    private final DigestAuthenticationProvider reference = new DigestAuthenticationProvider();

    @ParameterizedTest
    @ValueSource(strings = {"user:password", "super:secret", "u:p", "nocolon", "a:b:c", ":", "", ":pw",
        "user:", "ünïcödé:pässwörd", "bob:p@ss w0rd!", "x:\u20ac\uD83D\uDE00"})
    void generateDigestIsIdenticalToZooKeepers(String idPassword) throws Exception {
        assertEquals(DigestAuthenticationProvider.generateDigest(idPassword),
                DigestAuthProvider.generateDigest(idPassword));
    }

    @Test
    void knownDigest() {
        // as printed by ZooKeeper 3.9.4: DigestAuthenticationProvider.generateDigest("u:p")
        assertEquals("u:Jq7wMyA/w2Vd5WIDAKdu4OIIFEQ=", DigestAuthProvider.generateDigest("u:p"));
    }

    @Test
    void authenticateYieldsTheDigestId() throws Exception {
        Id id = digest.authenticate("alice:wonderland".getBytes(StandardCharsets.UTF_8), "10.0.0.1");
        assertEquals(new Id("digest", DigestAuthenticationProvider.generateDigest("alice:wonderland")), id);
        assertEquals("digest", digest.scheme());
        assertTrue(digest.isAuthenticated());
    }

    @Test
    void authenticateNeverFailsLikeZooKeeper() throws Exception {
        // ZooKeeper hashes whatever it is given; there is no password check on addauth digest
        Id id = digest.authenticate("justauser".getBytes(StandardCharsets.UTF_8), "10.0.0.1");
        assertEquals("digest", id.getScheme());
        assertTrue(id.getId().startsWith("justauser:"));
        assertEquals(DigestAuthenticationProvider.generateDigest(""), digest.authenticate(new byte[0], "h").getId());
    }

    @Test
    void matchesIsEquality() {
        String d = DigestAuthProvider.generateDigest("a:b");
        assertTrue(digest.matches(d, d));
        assertFalse(digest.matches(d, DigestAuthProvider.generateDigest("a:c")));
        assertFalse(digest.matches("a:b", d), "the ACL holds the hash, not the password");
    }

    @ParameterizedTest
    @ValueSource(strings = {"u:p", "u:", "u", ":p", "a:b:c", "::", "", ":", "user:Jq7wMyA/w2Vd5WIDAKdu4OIIFEQ=",
        "u::", "u:p:", ":::", " : "})
    void isValidAgreesWithZooKeeper(String id) {
        assertEquals(reference.isValid(id), digest.isValid(id), id);
    }

    @Test
    void isValidExamples() {
        assertTrue(digest.isValid("user:hash"));
        assertFalse(digest.isValid("user"));
        assertFalse(digest.isValid("user:"));
        assertFalse(digest.isValid("a:b:c"));
    }
}
