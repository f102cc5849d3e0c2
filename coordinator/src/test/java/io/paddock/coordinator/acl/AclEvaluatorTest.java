package io.paddock.coordinator.acl;

import static io.paddock.coordinator.acl.Perms.ADMIN;
import static io.paddock.coordinator.acl.Perms.ALL;
import static io.paddock.coordinator.acl.Perms.CREATE;
import static io.paddock.coordinator.acl.Perms.DELETE;
import static io.paddock.coordinator.acl.Perms.READ;
import static io.paddock.coordinator.acl.Perms.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.junit.jupiter.api.Test;

class AclEvaluatorTest {
    private static final int[] BITS = {READ, WRITE, CREATE, DELETE, ADMIN};
    private static final String SUPER = DigestAuthProvider.generateDigest("super:secret");

    private final AuthRegistry registry = new AuthRegistry(SUPER);
    private final AclEvaluator eval = new AclEvaluator(registry);
    private final AuthInfo anon = AuthInfo.forClient("10.1.2.3");

    private AuthInfo as(String userPassword) throws AuthFailedException {
        return registry.addAuth(anon, "digest", userPassword.getBytes(StandardCharsets.UTF_8));
    }

    private static List<ACL> acl(int perms, String scheme, String id) {
        List<ACL> l = new ArrayList<>();
        l.add(new ACL(perms, new Id(scheme, id)));
        return l;
    }

    @Test
    void nullOrEmptyAclAllowsEverything() {
        for (int bit : BITS) {
            assertTrue(eval.check(null, bit, anon));
            assertTrue(eval.check(List.of(), bit, anon));
        }
    }

    @Test
    void everyPermissionBitIsCheckedOnItsOwn() {
        for (int granted : BITS) {
            List<ACL> a = acl(granted, "world", "anyone");
            for (int asked : BITS) {
                assertEquals(granted == asked, eval.check(a, asked, anon), "granted " + granted + " asked " + asked);
            }
        }
        for (int asked : BITS) {
            assertTrue(eval.check(acl(ALL, "world", "anyone"), asked, anon));
            assertFalse(eval.check(acl(0, "world", "anyone"), asked, anon));
            assertFalse(eval.check(acl(ALL & ~asked, "world", "anyone"), asked, anon));
            assertTrue(eval.check(acl(asked | 32 | 1024, "world", "anyone"), asked, anon), "extra bits are harmless");
        }
    }

    @Test
    void allEntriesAreConsidered() {
        List<ACL> a = new ArrayList<>();
        a.add(new ACL(READ, new Id("world", "anyone")));
        a.add(new ACL(WRITE, new Id("ip", "10.0.0.0/8")));
        a.add(new ACL(ADMIN, new Id("ip", "192.168.0.0/16")));
        assertTrue(eval.check(a, READ, anon));
        assertTrue(eval.check(a, WRITE, anon));
        assertFalse(eval.check(a, ADMIN, anon));
        assertFalse(eval.check(a, DELETE, anon));
        assertTrue(eval.check(a, DELETE | WRITE, anon), "any one of several asked bits suffices, as in ZooKeeper");
    }

    @Test
    void worldOnlyMeansAnyone() {
        assertFalse(eval.check(acl(ALL, "world", "everyone"), READ, anon));
        assertFalse(eval.check(acl(ALL, "world", ""), READ, anon));
    }

    @Test
    void digestMatchesTheAuthenticatedUserOnly() throws Exception {
        List<ACL> a = acl(READ | WRITE, "digest", DigestAuthProvider.generateDigest("alice:pw"));
        assertFalse(eval.check(a, READ, anon));
        assertTrue(eval.check(a, READ, as("alice:pw")));
        assertTrue(eval.check(a, WRITE, as("alice:pw")));
        assertFalse(eval.check(a, DELETE, as("alice:pw")));
        assertFalse(eval.check(a, READ, as("alice:wrong")));
        assertFalse(eval.check(a, READ, as("bob:pw")));
        assertTrue(eval.check(a, READ, registry.addAuth(as("bob:pw"), "digest",
                "alice:pw".getBytes(StandardCharsets.UTF_8))), "a connection may hold several digests");
        assertFalse(eval.check(acl(READ, "digest", "alice:pw"), READ, as("alice:pw")), "ACL holds the hash");
    }

    @Test
    void ipMatchesTheClientNetwork() {
        assertTrue(eval.check(acl(READ, "ip", "10.0.0.0/8"), READ, anon));
        assertTrue(eval.check(acl(READ, "ip", "10.1.0.0/16"), READ, anon));
        assertTrue(eval.check(acl(READ, "ip", "10.1.2.0/24"), READ, anon));
        assertTrue(eval.check(acl(READ, "ip", "10.1.2.3/32"), READ, anon));
        assertTrue(eval.check(acl(READ, "ip", "10.1.2.3"), READ, anon));
        assertFalse(eval.check(acl(READ, "ip", "10.1.2.4"), READ, anon));
        assertFalse(eval.check(acl(READ, "ip", "11.0.0.0/8"), READ, anon));
        AuthInfo v6 = AuthInfo.forClient("2001:db8:0:0:0:0:0:7");
        assertTrue(eval.check(acl(READ, "ip", "2001:db8::/32"), READ, v6));
        assertFalse(eval.check(acl(READ, "ip", "2001:db9::/32"), READ, v6));
        assertFalse(eval.check(acl(READ, "ip", "0.0.0.0/0"), READ, v6));
    }

    @Test
    void schemesDoNotCrossMatch() throws Exception {
        // an ip id never satisfies a digest entry and vice versa, even with equal strings
        AuthInfo alice = as("alice:pw");
        assertFalse(eval.check(acl(READ, "digest", "10.1.2.3"), READ, anon));
        assertFalse(eval.check(acl(READ, "ip", alice.ids().get(1).getId()), READ, alice));
    }

    @Test
    void unknownOrMalformedStoredEntriesGrantNothing() {
        assertFalse(eval.check(acl(ALL, "sasl", "alice"), READ, anon));
        assertFalse(eval.check(acl(ALL, "auth", ""), READ, anon));
        assertFalse(eval.check(acl(ALL, "super", ""), READ, anon));
        List<ACL> broken = new ArrayList<>();
        broken.add(null);
        broken.add(new ACL(ALL, null));
        broken.add(new ACL(ALL, new Id(null, null)));
        assertFalse(eval.check(broken, READ, anon));
        broken.add(new ACL(READ, new Id("world", "anyone")));
        assertTrue(eval.check(broken, READ, anon));
    }

    @Test
    void superMayDoAnything() throws Exception {
        AuthInfo root = as("super:secret");
        List<ACL> nobody = acl(0, "digest", DigestAuthProvider.generateDigest("alice:pw"));
        for (int bit : BITS) {
            assertTrue(eval.check(nobody, bit, root));
            assertFalse(eval.check(nobody, bit, anon));
            assertFalse(eval.check(nobody, bit, as("super:guess")));
        }
        AclEvaluator noSuper = new AclEvaluator(new AuthRegistry(null));
        assertFalse(noSuper.check(nobody, READ, root), "without a configured super digest there is no super user");
    }
}
