package io.paddock.coordinator.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;
import java.util.StringJoiner;

/**
 * {@code <dataDir>/myid}: this server's id as ZooKeeper keeps it, one decimal number in a text
 * file (for example written by {@code echo 3 > myid}). White space around the number
 * (and a leading byte-order mark) is ignored.
 *
 * <p>ZooKeeper reads only the first line and does not trim it; Paddock trims the whole file and
 * accepts nothing but the number, so a stray second line is reported rather than ignored.
 */
public final class MyIdFile {
    public static final String FILE_NAME = "myid";
    /** The largest myid file accepted; a real one holds at most four bytes ("254\n"). */
    public static final int MAX_FILE_BYTES = 64;
    /** How much of a bad file's content an error message quotes. */
    static final int MAX_QUOTED_CHARS = 32;
    static final String EXPECTED = "a decimal integer from " + QuorumConfig.MIN_SERVER_ID + " to "
            + QuorumConfig.MAX_SERVER_ID;

    private MyIdFile() {
    }

    /** {@code <dataDir>/myid}. */
    public static Path path(Path dataDir) {
        return dataDir.resolve(FILE_NAME);
    }

    /**
     * The id stored in {@code <dataDir>/myid}, or empty when there is no such file.
     *
     * @throws ConfigException (key {@code myid}) naming the file and its content when the content is
     *     not an id from 1 to 254, or when the file cannot be read
     */
    public static OptionalLong read(Path dataDir) {
        Path file = path(dataDir);
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return OptionalLong.empty();
        }
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(QuorumConfig.MYID_KEY, null,
                    "Invalid myid file " + file + ": it is not a regular file; expected one holding " + EXPECTED);
        }
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new ConfigException(QuorumConfig.MYID_KEY, null, "Invalid myid file " + file + ": " + size
                        + " bytes, more than the " + MAX_FILE_BYTES + " a myid file can need; expected " + EXPECTED);
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        } catch (IOException e) {
            throw new ConfigException(QuorumConfig.MYID_KEY, null, "Cannot read myid file " + file + ": " + e, e);
        }
        String content = new String(bytes, StandardCharsets.UTF_8);
        String text = (content.startsWith("\uFEFF") ? content.substring(1) : content).strip();
        String quoted = quote(text);
        if (text.isEmpty() || text.length() > 19 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new ConfigException(QuorumConfig.MYID_KEY, quoted, "Invalid myid file " + file + ": content '"
                    + quoted + "' is not a server id; expected " + EXPECTED);
        }
        long id = Long.parseLong(text);
        if (id < QuorumConfig.MIN_SERVER_ID || id > QuorumConfig.MAX_SERVER_ID) {
            throw new ConfigException(QuorumConfig.MYID_KEY, quoted, "Invalid myid file " + file + ": content '"
                    + quoted + "' is out of range; expected " + EXPECTED);
        }
        return OptionalLong.of(id);
    }

    /**
     * This server's id for {@code config}: {@link QuorumConfig#STANDALONE_ID} when it lists no
     * {@code server.N} lines (no file needed, as in ZooKeeper), otherwise the content of
     * {@code <dataDir>/myid}, which must exist.
     *
     * @throws ConfigException "myid file is missing ..." or as {@link #read(Path)}
     */
    public static long forConfig(ServerConfig config) {
        if (config.servers().isEmpty()) {
            return QuorumConfig.STANDALONE_ID;
        }
        OptionalLong id = read(config.dataDir());
        if (id.isEmpty()) {
            StringJoiner ids = new StringJoiner(", ");
            config.servers().keySet().forEach(n -> ids.add(Long.toString(n)));
            throw new ConfigException(QuorumConfig.MYID_KEY, null, "myid file is missing: " + path(config.dataDir())
                    + " must hold this server's id (one of " + ids + ") because the configuration lists "
                    + ServerConfig.SERVER_PREFIX + "N lines");
        }
        return id.getAsLong();
    }

    /**
     * Writes {@code id} as ZooKeeper does ("3\n"), atomically: a temporary file in {@code dataDir}
     * is written and fsynced, renamed over {@code myid}, and the directory fsynced. Creates
     * {@code dataDir} if needed. For launchers and tests.
     *
     * @throws IllegalArgumentException when {@code id} is not from 1 to 254
     */
    public static void write(Path dataDir, long id) throws IOException {
        if (id < QuorumConfig.MIN_SERVER_ID || id > QuorumConfig.MAX_SERVER_ID) {
            throw new IllegalArgumentException("myid must be from " + QuorumConfig.MIN_SERVER_ID + " to "
                    + QuorumConfig.MAX_SERVER_ID + ": " + id);
        }
        Path dir = dataDir.toAbsolutePath();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, FILE_NAME + ".", ".tmp");
        boolean moved = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap((id + "\n").getBytes(StandardCharsets.US_ASCII));
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            Files.move(tmp, path(dir), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            }
        } finally {
            if (!moved) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /** The content for an error message: control characters escaped, long content cut short. */
    private static String quote(String text) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (Character.isISOControl(c)) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.length() <= MAX_QUOTED_CHARS ? sb.toString() : sb.substring(0, MAX_QUOTED_CHARS) + "...";
    }
}
