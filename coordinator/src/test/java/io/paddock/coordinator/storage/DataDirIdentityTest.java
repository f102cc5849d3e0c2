package io.paddock.coordinator.storage;

import io.paddock.coordinator.env.Disk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirIdentityTest {
    @TempDir
    Path root;

    @Test
    void stampsOnFirstStartAndAcceptsTheSameIdsLater() throws IOException {
        Path dir = root.resolve("data");
        assertEquals(new DataDirIdentity(3, "prod-a"), DataDirIdentity.stampOrVerify(Disk.local(), dir, 3, "prod-a"));
        assertTrue(Files.exists(dir.resolve("paddock-identity")));
        assertEquals(new DataDirIdentity(3, "prod-a"), DataDirIdentity.stampOrVerify(Disk.local(), dir, 3, "prod-a"));
    }

    @Test
    void refusesAnotherServersDirectory() throws IOException {
        DataDirIdentity.stampOrVerify(Disk.local(), root, 3, "prod-a");
        DataDirMismatchException e = assertThrows(DataDirMismatchException.class,
                () -> DataDirIdentity.stampOrVerify(Disk.local(), root, 5, "prod-a"));
        assertEquals("Data directory " + root + " belongs to server 3 of cluster 'prod-a', but this server is "
                + "server 5 of cluster 'prod-a'; refusing to start on another server's data "
                + "(check the dataDir setting and the server id)", e.getMessage());
        e = assertThrows(DataDirMismatchException.class, () -> DataDirIdentity.stampOrVerify(Disk.local(), root, 3, "prod-b"));
        assertTrue(e.getMessage().contains("cluster 'prod-a', but this server is server 3 of cluster 'prod-b'"),
                e.getMessage());
    }

    @Test
    void corruptStampIsAnErrorNotAFreshStart() throws IOException {
        DataDirIdentity.stampOrVerify(Disk.local(), root, 3, "prod-a");
        LogBytes.flipByte(root.resolve("paddock-identity"), 20);
        IOException e = assertThrows(IOException.class, () -> DataDirIdentity.stampOrVerify(Disk.local(), root, 3, "prod-a"));
        assertTrue(e.getMessage().contains(root.resolve("paddock-identity").toString()), e.getMessage());
    }
}
