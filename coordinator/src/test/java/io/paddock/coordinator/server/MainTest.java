package io.paddock.coordinator.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    @TempDir
    Path dir;

    private String runExpecting(int code, String... args) {
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertEquals(code, Main.run(args));
        } finally {
            System.setErr(saved);
        }
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void badValueStopsStartUpNamingKeyAndValue() throws Exception {
        Path cfg = dir.resolve("zoo.cfg");
        Files.writeString(cfg, "dataDir=" + dir + "\ntickTime=fast\n");
        String err = runExpecting(2, cfg.toString());
        assertTrue(err.contains("tickTime") && err.contains("'fast'"), err);
    }

    @Test
    void inconsistentTimeoutsAreRefused() throws Exception {
        Path cfg = dir.resolve("zoo.cfg");
        Files.writeString(cfg, "dataDir=" + dir + "\nminSessionTimeout=9000\nmaxSessionTimeout=5000\n");
        String err = runExpecting(2, cfg.toString());
        assertTrue(err.contains("9000") && err.contains("5000"), err);
    }

    @Test
    void missingConfigFileIsABadConfiguration() {
        String err = runExpecting(2, dir.resolve("nope.cfg").toString());
        assertTrue(err.contains("nope.cfg"), err);
    }

    @Test
    void portInUseIsAStartUpFailure() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Path cfg = dir.resolve("zoo.cfg");
            Files.writeString(cfg, "dataDir=" + dir.resolve("d") + "\nclientPortAddress=127.0.0.1\nclientPort="
                    + taken.getLocalPort() + "\n");
            String err = runExpecting(3, cfg.toString());
            assertTrue(err.contains("failed to start"), err);
        }
    }

    @Test
    void aMissingQuorumSecretFileIsABadConfiguration() throws Exception {
        Path cfg = dir.resolve("zoo.cfg");
        Path secret = dir.resolve("missing.secret");
        Files.writeString(cfg, "dataDir=" + dir.resolve("d") + "\npaddock.quorum.secretFile=" + secret + "\n");
        String err = runExpecting(2, cfg.toString());
        assertTrue(err.contains("paddock.quorum.secretFile") && err.contains(secret.toString()), err);
    }
}
