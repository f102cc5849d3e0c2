package io.paddock.coordinator.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code paddock.quorum.secretFile}: the file holding the shared cluster secret that every peer
 * link proves in its handshake. Read once, when the configuration is built, so that a missing,
 * unreadable or empty file stops start-up as a configuration error rather than as refused peers.
 * The secret is the file's bytes without trailing line breaks and blanks, so {@code echo ... > file}
 * and an editor's final newline do not change it.
 */
final class SecretFile {
    private static final Logger LOG = LoggerFactory.getLogger(ServerConfig.class);
    /** A secret is a password, not a document: a larger file is a wrong path. */
    static final int MAX_BYTES = 64 * 1024;
    /** Below this a secret is guessable; warned about, not refused. */
    static final int RECOMMENDED_MIN_BYTES = 16;
    static final String EXPECT = "a readable file holding the cluster secret (1 byte to 64 KiB, trailing line breaks"
            + " and blanks ignored)";

    private SecretFile() {
    }

    /**
     * The secret in {@code file}; weak or exposed ones add a warning to {@code warnings}.
     *
     * @throws ConfigException naming the key and the file when it cannot be used
     */
    static byte[] read(Path file, List<String> warnings) {
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw invalid(file, "not a regular file");
        }
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                throw invalid(file, "it holds " + size + " bytes");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw invalid(file, "no such file");
        } catch (IOException e) {
            throw invalid(file, "cannot read it: " + e);
        }
        int end = bytes.length;
        while (end > 0 && (bytes[end - 1] == '\n' || bytes[end - 1] == '\r' || bytes[end - 1] == ' '
                || bytes[end - 1] == '\t')) {
            end--;
        }
        if (end == 0) {
            throw invalid(file, "it is empty");
        }
        byte[] secret = Arrays.copyOf(bytes, end);
        Arrays.fill(bytes, (byte) 0);
        if (secret.length < RECOMMENDED_MIN_BYTES) {
            warn(warnings, ServerConfig.QUORUM_SECRET_FILE + " " + file + " holds a secret of only " + secret.length
                    + " bytes: use at least " + RECOMMENDED_MIN_BYTES + " random ones (for example head -c 32"
                    + " /dev/urandom | base64)");
        }
        if (readableByOthers(file)) {
            warn(warnings, ServerConfig.QUORUM_SECRET_FILE + " " + file + " is readable by group or others: whoever"
                    + " can read it can join the ensemble's peer links (chmod 600 it)");
        }
        return secret;
    }

    private static boolean readableByOthers(Path file) {
        try {
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
            return p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.OTHERS_READ);
        } catch (UnsupportedOperationException | IOException e) {
            return false; // not a POSIX file system: nothing to say
        }
    }

    private static void warn(List<String> warnings, String message) {
        LOG.warn(message);
        warnings.add(message);
    }

    private static ConfigException invalid(Path file, String why) {
        return ConfigException.invalid(ServerConfig.QUORUM_SECRET_FILE, file.toString(), EXPECT + " (" + why + ")");
    }
}
