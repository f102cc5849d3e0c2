package io.paddock.coordinator.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code paddock.quorum.secretFile}: read when the configuration is built, checked, never printed. */
class SecretFileTest {
    private static final String SECRET = "0123456789abcdef-cluster-secret";

    @TempDir
    Path tmp;

    private ServerConfig withSecretFile(String value) {
        return ConfigLoader.fromProperties(Map.of("dataDir", tmp.resolve("data").toString(),
                ServerConfig.QUORUM_SECRET_FILE, value));
    }

    private Path secretFile(String content, String permissions) throws IOException {
        Path f = tmp.resolve("quorum.secret");
        Files.writeString(f, content, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(permissions));
        return f;
    }

    @Test
    void theSecretIsTheFileWithoutTrailingLineBreaksAndIsNeverPrinted() throws IOException {
        Path f = secretFile(SECRET + "\r\n\n", "rw-------");
        ServerConfig c = withSecretFile(f.toString());
        assertArrayEquals(SECRET.getBytes(StandardCharsets.UTF_8), c.quorumSecret().orElseThrow());
        assertEquals(f, c.quorumSecretFile().orElseThrow());
        assertEquals(List.of(), c.warnings());
        assertTrue(c.toString().contains("quorumSecretFile=" + f), c.toString());
        assertFalse(c.toString().contains(SECRET), c.toString());
        assertArrayEquals(c.quorumSecret().orElseThrow(), c.toBuilder().build().quorumSecret().orElseThrow());
    }

    @Test
    void withoutTheKeyThereIsNoSecret() {
        ServerConfig c = ConfigLoader.fromProperties(Map.of("dataDir", tmp.toString()));
        assertEquals(Optional.empty(), c.quorumSecretFile());
        assertTrue(c.quorumSecret().isEmpty());
        assertTrue(c.toString().contains("quorumSecretFile=none"), c.toString());
    }

    @Test
    void aMissingEmptyOrWrongFileStopsStartUpNamingTheKeyAndTheFile() throws IOException {
        Path missing = tmp.resolve("nope.secret");
        assertRefused(missing.toString(), "no such file");
        assertRefused(secretFile("\n \n", "rw-------").toString(), "it is empty");
        assertRefused(tmp.toString(), "not a regular file");
        assertRefused(secretFile("x".repeat(SecretFile.MAX_BYTES + 1), "rw-------").toString(),
                "it holds " + (SecretFile.MAX_BYTES + 1) + " bytes");
        ConfigException blank = assertThrows(ConfigException.class, () -> withSecretFile(""));
        assertEquals(ServerConfig.QUORUM_SECRET_FILE, blank.key());
    }

    private void assertRefused(String value, String why) {
        ConfigException e = assertThrows(ConfigException.class, () -> withSecretFile(value));
        assertEquals(ServerConfig.QUORUM_SECRET_FILE, e.key());
        assertEquals(value, e.value());
        assertEquals("Invalid value '" + value + "' for paddock.quorum.secretFile: expected " + SecretFile.EXPECT + " ("
                + why + ")", e.getMessage());
    }

    @Test
    void aShortOrWorldReadableSecretIsWarnedAbout() throws IOException {
        Path f = secretFile("abc\n", "rw-r--r--");
        ServerConfig c = withSecretFile(f.toString());
        assertArrayEquals("abc".getBytes(StandardCharsets.UTF_8), c.quorumSecret().orElseThrow());
        assertEquals(2, c.warnings().size(), c.warnings().toString());
        assertTrue(c.warnings().get(0).contains("only 3 bytes"), c.warnings().get(0));
        assertTrue(c.warnings().get(1).contains("readable by group or others"), c.warnings().get(1));
    }
}
