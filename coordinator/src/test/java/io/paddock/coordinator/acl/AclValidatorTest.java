package io.paddock.coordinator.acl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.PrepRequestProcessor;
import org.junit.jupiter.api.Test;

class AclValidatorTest {
    private final AuthRegistry registry = new AuthRegistry(null);
    private final AclValidator validator = new AclValidator(registry);
    private final AuthInfo anon = AuthInfo.forClient("10.1.2.3");
    private final String alice = DigestAuthProvider.generateDigest("alice:pw");
    private final String bob = DigestAuthProvider.generateDigest("bob:pw");

    private AuthInfo withDigests(String... userPasswords) throws AuthFailedException {
        AuthInfo a = anon;
        for (String up : userPasswords) {
            a = registry.addAuth(a, "digest", up.getBytes(StandardCharsets.UTF_8));
        }
        return a;
    }

    private static ACL e(int perms, String scheme, String id) {
        return new ACL(perms, new Id(scheme, id));
    }

    private static List<ACL> list(ACL... entries) {
        return new ArrayList<>(Arrays.asList(entries));
    }

    @Test
    void worldAnyoneIsKept() throws Exception {
        assertEquals(list(e(31, "world", "anyone")), validator.fixup(Acls.openAclUnsafe(), anon));
        assertEquals(list(e(1, "world", "anyone")), validator.fixup(Acls.readAclUnsafe(), anon));
    }

    @Test
    void authExpandsToEveryAuthenticatedIdButNotIp() throws Exception {
        AuthInfo two = withDigests("alice:pw", "bob:pw");
        // ZooKeeper's order: its hash-based set of ids puts bob before alice (AclCompatTest checks the
        // same case against the real server)
        assertEquals(list(e(31, "digest", bob), e(31, "digest", alice)), validator.fixup(Acls.creatorAllAcl(), two));
        assertEquals(list(e(5, "digest", alice)), validator.fixup(list(e(5, "auth", "ignored")), withDigests("alice:pw")));
    }

    @Test
    void authWithoutAnAuthenticatedIdIsInvalid() {
        InvalidAclException x = assertThrows(InvalidAclException.class,
                () -> validator.fixup(Acls.creatorAllAcl(), anon));
        assertEquals(true, x.getMessage().contains("auth"), x.getMessage());
    }

    @Test
    void digestAndIpNeedValidIds() throws Exception {
        assertEquals(list(e(3, "digest", alice)), validator.fixup(list(e(3, "digest", alice)), anon));
        assertEquals(list(e(3, "ip", "10.0.0.0/8")), validator.fixup(list(e(3, "ip", "10.0.0.0/8")), anon));
        assertEquals(list(e(3, "ip", "2001:db8::/32")), validator.fixup(list(e(3, "ip", "2001:db8::/32")), anon));
        for (ACL bad : new ACL[] {e(31, "digest", "alice"), e(31, "digest", "alice:"), e(31, "digest", "a:b:c"),
            e(31, "ip", "host.example"), e(31, "ip", "10.0.0.0/33"), e(31, "ip", "10.0.0"), e(31, "ip", "")}) {
            assertThrows(InvalidAclException.class, () -> validator.fixup(list(bad), anon), bad.toString());
        }
    }

    @Test
    void invalidAcls() {
        List<List<ACL>> cases = new ArrayList<>();
        cases.add(null);
        cases.add(list());
        cases.add(list(e(31, "world", "everyone")));
        cases.add(list(e(31, "world", "")));
        cases.add(list(e(31, "super", "")));
        cases.add(list(e(31, "sasl", "alice")));
        cases.add(list(e(31, "", "x")));
        cases.add(list(e(31, "World", "anyone")));
        cases.add(list(new ACL(31, null)));
        cases.add(list(e(31, null, "x")));
        cases.add(list(e(31, "world", null)));
        cases.add(list(e(31, "world", "anyone"), e(31, "digest", "nope")));
        List<ACL> withNull = list(e(31, "world", "anyone"));
        withNull.add(null);
        cases.add(withNull);
        for (List<ACL> c : cases) {
            assertThrows(InvalidAclException.class, () -> validator.fixup(c, anon), String.valueOf(c));
        }
    }

    @Test
    void duplicatesAreRemovedFirstOccurrenceKept() throws Exception {
        List<ACL> req = list(e(31, "world", "anyone"), e(1, "ip", "10.0.0.0/8"), e(31, "world", "anyone"),
                e(1, "world", "anyone"), e(1, "ip", "10.0.0.0/8"));
        assertEquals(list(e(31, "world", "anyone"), e(1, "ip", "10.0.0.0/8"), e(1, "world", "anyone")),
                validator.fixup(req, anon));
    }

    @Test
    void expandedAuthIsNotDeduplicatedAgainLikeZooKeeper() throws Exception {
        List<ACL> req = list(e(31, "auth", ""), e(31, "digest", alice));
        assertEquals(list(e(31, "digest", alice), e(31, "digest", alice)), validator.fixup(req, withDigests("alice:pw")));
    }

    @Test
    void permsAreStoredAsGivenLikeZooKeeper() throws Exception {
        // ZooKeeper 3.9 does not range-check perms; 0 and bits above ALL are stored verbatim
        for (int perms : new int[] {0, 31, 32, 255, -1, Integer.MIN_VALUE}) {
            assertEquals(list(e(perms, "world", "anyone")), validator.fixup(list(e(perms, "world", "anyone")), anon));
        }
    }

    @Test
    void resultIsACopy() throws Exception {
        List<ACL> req = list(e(31, "world", "anyone"));
        List<ACL> out = validator.fixup(req, anon);
        assertNotSame(req.get(0), out.get(0));
        req.get(0).setPerms(1);
        assertEquals(31, out.get(0).getPerms());
        assertThrows(UnsupportedOperationException.class, () -> out.add(e(1, "world", "anyone")));
    }

    /** Every case gives the same result as ZooKeeper 3.9's PrepRequestProcessor.fixupACL. */
    @Test
    void agreesWithZooKeeper() throws Exception {
        List<AuthInfo> auths = List.of(anon, withDigests("alice:pw"), withDigests("alice:pw", "bob:pw"),
                AuthInfo.forClient("2001:db8:0:0:0:0:0:1"));
        List<List<ACL>> requests = List.of(
                list(e(31, "world", "anyone")),
                list(e(31, "world", "nobody")),
                list(e(31, "auth", "")),
                list(e(31, "auth", "x"), e(1, "world", "anyone")),
                list(e(31, "auth", ""), e(31, "auth", "")),
                list(e(31, "auth", ""), e(31, "digest", alice)),
                list(e(7, "digest", alice), e(7, "digest", bob), e(7, "digest", alice)),
                list(e(31, "digest", "alice")),
                list(e(31, "digest", ":hash")),
                list(e(31, "ip", "10.0.0.0/8"), e(1, "ip", "::1")),
                list(e(31, "ip", "10.0.0.0/40")),
                list(e(31, "ip", "fe80::1%eth0")),
                list(e(31, "unknown", "x")),
                list(e(31, "super", "")),
                list(e(0, "world", "anyone"), e(64, "world", "anyone")),
                list());
        for (AuthInfo auth : auths) {
            for (List<ACL> req : requests) {
                String label = auth + " " + req;
                List<ACL> expected;
                try {
                    expected = PrepRequestProcessor.fixupACL("/n", auth.ids(), req);
                } catch (KeeperException.InvalidACLException zkSaysInvalid) {
                    assertThrows(InvalidAclException.class, () -> validator.fixup(req, auth), label);
                    continue;
                }
                try {
                    assertEquals(expected, validator.fixup(req, auth), label);
                } catch (InvalidAclException x) {
                    fail(label + ": ZooKeeper accepts it as " + expected + " but got " + x.getMessage());
                }
            }
        }
    }
}
