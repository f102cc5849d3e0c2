package io.paddock.coordinator.storage;

import io.paddock.coordinator.env.Disk;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicStateFileTest {
    @TempDir
    Path dir;

    @Test
    void roundTripsBytesAndReplacesWithoutLeftovers() throws IOException {
        Path file = dir.resolve("currentEpoch");
        assertEquals(Optional.empty(), AtomicStateFile.read(Disk.local(), file));
        AtomicStateFile.write(Disk.local(), file, "5".getBytes());
        assertEquals(16 + 1, Files.size(file));
        AtomicStateFile.write(Disk.local(), file, "6".getBytes());
        assertArrayEquals("6".getBytes(), AtomicStateFile.read(Disk.local(), file).orElseThrow());
        AtomicStateFile.write(Disk.local(), file, new byte[0]);
        assertArrayEquals(new byte[0], AtomicStateFile.read(Disk.local(), file).orElseThrow());
        assertFalse(Files.exists(dir.resolve("currentEpoch.tmp")));
    }

    @Test
    void roundTripsProperties() throws IOException {
        Path file = dir.resolve("vote");
        Properties p = new Properties();
        p.setProperty("leader", "3");
        p.setProperty("note", "line\nbreak = ünïcode");
        AtomicStateFile.write(Disk.local(), file, p);
        assertEquals(p, AtomicStateFile.readProperties(Disk.local(), file).orElseThrow());
        assertEquals(Optional.empty(), AtomicStateFile.readProperties(Disk.local(), dir.resolve("missing")));
    }

    @Test
    void detectsAFlippedByteAnywhere() throws IOException {
        Path file = dir.resolve("acceptedEpoch");
        AtomicStateFile.write(Disk.local(), file, "12345".getBytes());
        byte[] good = Files.readAllBytes(file);
        for (int i = 0; i < good.length; i++) {
            Files.write(file, good);
            LogBytes.flipByte(file, i);
            IOException e = assertThrows(IOException.class, () -> AtomicStateFile.read(Disk.local(), file), "byte " + i);
            assertTrue(e.getMessage().startsWith("State file " + file + " is corrupt: "), e.getMessage());
        }
        Files.write(file, good);
        LogBytes.flipByte(file, 13);
        IOException e = assertThrows(IOException.class, () -> AtomicStateFile.read(Disk.local(), file));
        assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
    }

    @Test
    void detectsATruncatedFile() throws IOException {
        Path file = dir.resolve("acceptedEpoch");
        AtomicStateFile.write(Disk.local(), file, "12345".getBytes());
        LogBytes.truncate(file, Files.size(file) - 1);
        IOException e = assertThrows(IOException.class, () -> AtomicStateFile.read(Disk.local(), file));
        assertTrue(e.getMessage().contains("content length 5 does not match file size 20"), e.getMessage());
        LogBytes.truncate(file, 3);
        e = assertThrows(IOException.class, () -> AtomicStateFile.read(Disk.local(), file));
        assertTrue(e.getMessage().contains("only 3 bytes"), e.getMessage());
    }
}
