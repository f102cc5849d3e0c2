package io.paddock.coordinator.storage;

import io.paddock.coordinator.env.Disk;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The owner of a data directory. A server that starts on a directory copied from, or mounted for,
 * another server would replay a foreign history and could vote with it, so every directory is
 * stamped on first start and checked on every later one (DESIGN.md rule 10).
 */
public record DataDirIdentity(long serverId, String clusterId) {
    public static final String FILE_NAME = "paddock-identity";
    private static final Logger LOG = LoggerFactory.getLogger(DataDirIdentity.class);
    private static final String SERVER_ID_KEY = "serverId";
    private static final String CLUSTER_ID_KEY = "clusterId";

    public DataDirIdentity {
        Objects.requireNonNull(clusterId, "clusterId");
    }

    /**
     * Stamps {@code dir} when it carries no identity yet, otherwise checks the stamp.
     *
     * @throws DataDirMismatchException when the directory is stamped with other ids
     */
    public static DataDirIdentity stampOrVerify(Disk disk, Path dir, long serverId, String clusterId)
            throws IOException {
        DataDirIdentity expected = new DataDirIdentity(serverId, clusterId);
        disk.createDirectories(dir);
        Path file = dir.resolve(FILE_NAME);
        Optional<Properties> stored = AtomicStateFile.readProperties(disk, file);
        if (stored.isEmpty()) {
            Properties props = new Properties();
            props.setProperty(SERVER_ID_KEY, Long.toString(serverId));
            props.setProperty(CLUSTER_ID_KEY, clusterId);
            AtomicStateFile.write(disk, file, props);
            LOG.info("Stamped data directory {} for server {} of cluster '{}'", dir, serverId, clusterId);
            return expected;
        }
        DataDirIdentity stamped = parse(file, stored.get());
        if (!stamped.equals(expected)) {
            throw new DataDirMismatchException(dir, stamped, expected);
        }
        return stamped;
    }

    private static DataDirIdentity parse(Path file, Properties props) throws IOException {
        String server = props.getProperty(SERVER_ID_KEY);
        String cluster = props.getProperty(CLUSTER_ID_KEY);
        if (server == null || cluster == null) {
            throw new IOException("Identity file " + file + " lacks " + SERVER_ID_KEY + " or " + CLUSTER_ID_KEY);
        }
        try {
            return new DataDirIdentity(Long.parseLong(server.trim()), cluster);
        } catch (NumberFormatException e) {
            throw new IOException("Identity file " + file + " has a non-numeric " + SERVER_ID_KEY + ": " + server, e);
        }
    }
}
