package io.paddock.coordinator.acl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.zookeeper.data.Id;
import org.junit.jupiter.api.Test;

class AuthInfoTest {
    @Test
    void startsWithTheClientAddress() {
        AuthInfo a = AuthInfo.forClient("192.0.2.1");
        assertEquals(List.of(new Id("ip", "192.0.2.1")), a.ids());
        assertEquals("192.0.2.1", a.clientAddress());
        assertTrue(a.contains("ip", "192.0.2.1"));
    }

    @Test
    void plusIsASetInInsertionOrderAndLeavesTheOriginalAlone() {
        AuthInfo a = AuthInfo.forClient("192.0.2.1");
        AuthInfo b = a.plus(new Id("digest", "u:h"));
        AuthInfo c = b.plus(new Id("digest", "v:h"));
        assertEquals(1, a.ids().size());
        assertEquals(List.of(new Id("ip", "192.0.2.1"), new Id("digest", "u:h"), new Id("digest", "v:h")), c.ids());
        assertSame(c, c.plus(new Id("digest", "u:h")), "an id already held is not added twice");
        assertEquals(b, AuthInfo.forClient("192.0.2.1").plus(new Id("digest", "u:h")));
        assertNotEquals(a, b);
    }

    @Test
    void idsAreCopiedInAndOut() {
        Id id = new Id("digest", "u:h");
        AuthInfo a = AuthInfo.forClient("192.0.2.1").plus(id);
        id.setId("changed");
        assertTrue(a.contains("digest", "u:h"));
        a.ids().get(1).setId("changed again");
        assertTrue(a.contains("digest", "u:h"));
        assertFalse(a.contains("digest", "changed"));
        a.ids().clear();
        assertEquals(2, a.ids().size());
    }

    @Test
    void toStringHidesDigestHashes() {
        AuthInfo a = AuthInfo.forClient("192.0.2.1").plus(new Id("digest", "alice:SECRETHASH="));
        assertFalse(a.toString().contains("SECRETHASH"), a.toString());
        assertTrue(a.toString().contains("alice"), a.toString());
    }
}
