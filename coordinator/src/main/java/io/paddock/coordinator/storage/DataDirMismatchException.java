package io.paddock.coordinator.storage;

import java.io.IOException;
import java.nio.file.Path;

/** A data directory stamped for another server or cluster; starting on it would mix histories. */
public final class DataDirMismatchException extends IOException {
    private static final long serialVersionUID = 1L;

    public DataDirMismatchException(Path dir, DataDirIdentity stamped, DataDirIdentity expected) {
        super(String.format("Data directory %s belongs to server %d of cluster '%s', but this server is "
                        + "server %d of cluster '%s'; refusing to start on another server's data "
                        + "(check the dataDir setting and the server id)",
                dir, stamped.serverId(), stamped.clusterId(), expected.serverId(), expected.clusterId()));
    }
}
