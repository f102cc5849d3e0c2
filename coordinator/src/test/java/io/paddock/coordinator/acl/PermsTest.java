package io.paddock.coordinator.acl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.apache.zookeeper.ZooDefs;
import org.junit.jupiter.api.Test;

class PermsTest {
    @Test
    void bitsAreZooKeepers() {
        assertEquals(1, Perms.READ);
        assertEquals(2, Perms.WRITE);
        assertEquals(4, Perms.CREATE);
        assertEquals(8, Perms.DELETE);
        assertEquals(16, Perms.ADMIN);
        assertEquals(31, Perms.ALL);
        assertEquals(ZooDefs.Perms.READ, Perms.READ);
        assertEquals(ZooDefs.Perms.WRITE, Perms.WRITE);
        assertEquals(ZooDefs.Perms.CREATE, Perms.CREATE);
        assertEquals(ZooDefs.Perms.DELETE, Perms.DELETE);
        assertEquals(ZooDefs.Perms.ADMIN, Perms.ADMIN);
        assertEquals(ZooDefs.Perms.ALL, Perms.ALL);
    }

    @Test
    void lettersLikeZkCli() {
        assertEquals("cdrwa", Perms.toString(Perms.ALL));
        assertEquals("r", Perms.toString(Perms.READ));
        assertEquals("", Perms.toString(0));
        assertEquals("rw", Perms.toString(Perms.READ | Perms.WRITE));
        for (int p = 0; p <= Perms.ALL; p++) {
            assertEquals(p, Perms.parse(Perms.toString(p)));
        }
        assertEquals(Perms.ALL, Perms.parse("rwcda"));
        assertThrows(IllegalArgumentException.class, () -> Perms.parse("rx"));
    }
}
