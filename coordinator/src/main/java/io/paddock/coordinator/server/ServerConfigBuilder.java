package io.paddock.coordinator.server;

import static io.paddock.coordinator.server.ServerConfig.*;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects settings; {@link #build()} validates them. Every setting starts at ZooKeeper's
 * default except {@code dataDir}, which must be given.
 */
public final class ServerConfigBuilder {
    private static final Logger LOG = LoggerFactory.getLogger(ServerConfig.class);

    int tickTimeMs = DEFAULT_TICK_TIME_MS;
    Path dataDir;
    Path dataLogDir;
    int clientPort = DEFAULT_CLIENT_PORT;
    String clientPortAddress;
    int maxClientCnxns = DEFAULT_MAX_CLIENT_CNXNS;
    int minSessionTimeoutMs = -1;
    int maxSessionTimeoutMs = -1;
    int snapRetainCount = DEFAULT_SNAP_RETAIN_COUNT;
    int purgeIntervalHours = 0;
    final Set<String> fourLetterWords = new TreeSet<>(Set.of("srvr"));
    boolean extendedTypesEnabled = false;
    int juteMaxBufferBytes = DEFAULT_JUTE_MAX_BUFFER_BYTES;
    int globalOutstandingLimit = DEFAULT_GLOBAL_OUTSTANDING_LIMIT;
    int snapCount = DEFAULT_SNAP_COUNT;
    long preAllocSizeBytes = DEFAULT_PRE_ALLOC_SIZE_BYTES;
    boolean forceSync = true;
    int containerCheckIntervalMs = DEFAULT_CONTAINER_CHECK_INTERVAL_MS;
    int containerMaxPerMinute = DEFAULT_CONTAINER_MAX_PER_MINUTE;
    long logSegmentBytes = DEFAULT_LOG_SEGMENT_BYTES;
    String clusterId = DEFAULT_CLUSTER_ID;
    String superDigest;
    Path quorumSecretFile;
    int initLimitTicks = DEFAULT_INIT_LIMIT_TICKS;
    int syncLimitTicks = DEFAULT_SYNC_LIMIT_TICKS;
    final SortedMap<Long, String> servers = new TreeMap<>();
    String peerType;
    int maxCnxns = 0;
    long maxPendingReplyBytes = DEFAULT_MAX_PENDING_REPLY_BYTES;
    Path faultFsyncStallFile;
    Path faultFsyncFailFile;
    final List<String> warnings = new ArrayList<>();

    ServerConfigBuilder() {
    }

    public ServerConfigBuilder tickTimeMs(int v) {
        this.tickTimeMs = v;
        return this;
    }

    /** Made absolute against the current directory, as ZooKeeper resolves a relative dataDir. */
    public ServerConfigBuilder dataDir(Path v) {
        this.dataDir = v == null ? null : v.toAbsolutePath().normalize();
        return this;
    }

    /** Null means "same as dataDir". */
    public ServerConfigBuilder dataLogDir(Path v) {
        this.dataLogDir = v == null ? null : v.toAbsolutePath().normalize();
        return this;
    }

    public ServerConfigBuilder clientPort(int v) {
        this.clientPort = v;
        return this;
    }

    /** Null means all interfaces. */
    public ServerConfigBuilder clientPortAddress(String v) {
        this.clientPortAddress = v;
        return this;
    }

    public ServerConfigBuilder maxClientCnxns(int v) {
        this.maxClientCnxns = v;
        return this;
    }

    /** -1 (the default) means 2 * tickTime. */
    public ServerConfigBuilder minSessionTimeoutMs(int v) {
        this.minSessionTimeoutMs = v;
        return this;
    }

    /** -1 (the default) means 20 * tickTime. */
    public ServerConfigBuilder maxSessionTimeoutMs(int v) {
        this.maxSessionTimeoutMs = v;
        return this;
    }

    /** Values below 3 are raised to 3 with a warning, as ZooKeeper does. */
    public ServerConfigBuilder snapRetainCount(int v) {
        this.snapRetainCount = v;
        return this;
    }

    public ServerConfigBuilder purgeIntervalHours(int v) {
        this.purgeIntervalHours = v;
        return this;
    }

    /**
     * Replaces the whitelist: known words, or "*" for all. "srvr" is always enabled, as in
     * ZooKeeper (zkServer.sh status depends on it).
     */
    public ServerConfigBuilder fourLetterWords(Collection<String> words) {
        Set<String> copy = new TreeSet<>();
        for (String w : words) {
            String t = Objects.requireNonNull(w, "four-letter word").trim();
            if (t.equals("*")) {
                copy.addAll(KNOWN_FOUR_LETTER_WORDS);
            } else if (!t.isEmpty()) {
                if (!KNOWN_FOUR_LETTER_WORDS.contains(t)) {
                    throw ConfigException.invalid(FOUR_LETTER_WORD_WHITELIST, t, EXPECT_WHITELIST);
                }
                copy.add(t);
            }
        }
        copy.add("srvr");
        this.fourLetterWords.clear();
        this.fourLetterWords.addAll(copy);
        return this;
    }

    public ServerConfigBuilder extendedTypesEnabled(boolean v) {
        this.extendedTypesEnabled = v;
        return this;
    }

    public ServerConfigBuilder juteMaxBufferBytes(int v) {
        this.juteMaxBufferBytes = v;
        return this;
    }

    public ServerConfigBuilder globalOutstandingLimit(int v) {
        this.globalOutstandingLimit = v;
        return this;
    }

    public ServerConfigBuilder snapCount(int v) {
        this.snapCount = v;
        return this;
    }

    public ServerConfigBuilder preAllocSizeBytes(long v) {
        this.preAllocSizeBytes = v;
        return this;
    }

    public ServerConfigBuilder forceSync(boolean v) {
        this.forceSync = v;
        return this;
    }

    public ServerConfigBuilder containerCheckIntervalMs(int v) {
        this.containerCheckIntervalMs = v;
        return this;
    }

    public ServerConfigBuilder containerMaxPerMinute(int v) {
        this.containerMaxPerMinute = v;
        return this;
    }

    public ServerConfigBuilder logSegmentBytes(long v) {
        this.logSegmentBytes = v;
        return this;
    }

    public ServerConfigBuilder clusterId(String v) {
        this.clusterId = v;
        return this;
    }

    /** {@code user:base64(sha1(user:password))}; null for no super user. */
    public ServerConfigBuilder superDigest(String v) {
        this.superDigest = v;
        return this;
    }

    /** A file holding the cluster secret peer links prove; null for none. Read by {@link #build()}. */
    public ServerConfigBuilder quorumSecretFile(Path v) {
        this.quorumSecretFile = v == null ? null : v.toAbsolutePath().normalize();
        return this;
    }

    public ServerConfigBuilder initLimitTicks(int v) {
        this.initLimitTicks = v;
        return this;
    }

    public ServerConfigBuilder syncLimitTicks(int v) {
        this.syncLimitTicks = v;
        return this;
    }

    /** One {@code server.<id>=<raw>} line, kept verbatim for the replication layer. */
    public ServerConfigBuilder server(long id, String raw) {
        this.servers.put(id, Objects.requireNonNull(raw, "server line"));
        return this;
    }

    public ServerConfigBuilder peerType(String v) {
        this.peerType = v;
        return this;
    }

    public ServerConfigBuilder maxCnxns(int v) {
        this.maxCnxns = v;
        return this;
    }

    public ServerConfigBuilder maxPendingReplyBytes(long v) {
        this.maxPendingReplyBytes = v;
        return this;
    }

    public ServerConfigBuilder faultFsyncStallFile(Path v) {
        this.faultFsyncStallFile = v;
        return this;
    }

    public ServerConfigBuilder faultFsyncFailFile(Path v) {
        this.faultFsyncFailFile = v;
        return this;
    }

    /** Records a warning raised by the loader (already logged there). */
    ServerConfigBuilder warning(String message) {
        this.warnings.add(message);
        return this;
    }

    /**
     * Validates and freezes the settings.
     *
     * @throws ConfigException naming the first bad key, its value and what was expected
     */
    public ServerConfig build() {
        List<String> allWarnings = new ArrayList<>(warnings);
        if (tickTimeMs <= 0 || tickTimeMs > Integer.MAX_VALUE / 20) {
            throw ConfigException.invalid(TICK_TIME, Integer.toString(tickTimeMs), EXPECT_TICK_TIME
                    + (tickTimeMs > 0 ? " no larger than " + Integer.MAX_VALUE / 20 : ""));
        }
        if (dataDir == null) {
            throw new ConfigException(DATA_DIR, null,
                    "Missing required setting " + DATA_DIR + ": expected " + EXPECT_DIR
                            + " for snapshots and server state");
        }
        if (clientPort < 0 || clientPort > 65535) {
            throw ConfigException.invalid(CLIENT_PORT, Integer.toString(clientPort), EXPECT_PORT);
        }
        if (clientPortAddress != null && clientPortAddress.isBlank()) {
            throw ConfigException.invalid(CLIENT_PORT_ADDRESS, clientPortAddress, EXPECT_ADDRESS);
        }
        if (maxClientCnxns < 0) {
            throw ConfigException.invalid(MAX_CLIENT_CNXNS, Integer.toString(maxClientCnxns), EXPECT_MAX_CNXNS);
        }
        if (minSessionTimeoutMs != -1 && minSessionTimeoutMs <= 0) {
            throw ConfigException.invalid(MIN_SESSION_TIMEOUT, Integer.toString(minSessionTimeoutMs),
                    EXPECT_MIN_SESSION);
        }
        if (maxSessionTimeoutMs != -1 && maxSessionTimeoutMs <= 0) {
            throw ConfigException.invalid(MAX_SESSION_TIMEOUT, Integer.toString(maxSessionTimeoutMs),
                    EXPECT_MAX_SESSION);
        }
        int minSession = minSessionTimeoutMs == -1 ? 2 * tickTimeMs : minSessionTimeoutMs;
        int maxSession = maxSessionTimeoutMs == -1 ? 20 * tickTimeMs : maxSessionTimeoutMs;
        if (minSession > maxSession) {
            if (minSessionTimeoutMs == -1) {
                // only the maximum was written: it is the value at fault
                throw ConfigException.invalid(MAX_SESSION_TIMEOUT, Integer.toString(maxSession),
                        "at least minSessionTimeout (" + minSession + " ms = 2 * tickTime)");
            }
            throw ConfigException.invalid(MIN_SESSION_TIMEOUT, Integer.toString(minSession),
                    "at most maxSessionTimeout (" + maxSession + " ms"
                            + (maxSessionTimeoutMs == -1 ? " = 20 * tickTime" : "") + ")");
        }
        int retain = snapRetainCount;
        if (retain < MIN_SNAP_RETAIN_COUNT) {
            String w = "Invalid " + SNAP_RETAIN_COUNT + ": " + retain + ". Defaulting to "
                    + MIN_SNAP_RETAIN_COUNT;
            LOG.warn(w);
            allWarnings.add(w);
            retain = MIN_SNAP_RETAIN_COUNT;
        }
        if (purgeIntervalHours < 0) {
            throw ConfigException.invalid(PURGE_INTERVAL, Integer.toString(purgeIntervalHours),
                    EXPECT_PURGE_INTERVAL);
        }
        if (juteMaxBufferBytes <= 0) {
            throw ConfigException.invalid(JUTE_MAX_BUFFER, Integer.toString(juteMaxBufferBytes),
                    EXPECT_POSITIVE_BYTES);
        }
        if (globalOutstandingLimit <= 0) {
            throw ConfigException.invalid(GLOBAL_OUTSTANDING_LIMIT, Integer.toString(globalOutstandingLimit),
                    EXPECT_OUTSTANDING);
        }
        if (snapCount < 2) {
            throw ConfigException.invalid(SNAP_COUNT, Integer.toString(snapCount), EXPECT_SNAP_COUNT);
        }
        if (preAllocSizeBytes < 0) {
            throw ConfigException.invalid(PRE_ALLOC_SIZE, Long.toString(preAllocSizeBytes / 1024),
                    EXPECT_PRE_ALLOC_KIB);
        }
        if (containerCheckIntervalMs <= 0) {
            throw ConfigException.invalid(CONTAINER_CHECK_INTERVAL, Integer.toString(containerCheckIntervalMs),
                    EXPECT_POSITIVE_MS);
        }
        if (containerMaxPerMinute <= 0) {
            throw ConfigException.invalid(CONTAINER_MAX_PER_MINUTE, Integer.toString(containerMaxPerMinute),
                    EXPECT_PER_MINUTE);
        }
        if (logSegmentBytes <= 0) {
            throw ConfigException.invalid(LOG_SEGMENT_BYTES, Long.toString(logSegmentBytes),
                    EXPECT_POSITIVE_BYTES);
        }
        if (clusterId == null || !CLUSTER_ID_PATTERN.matcher(clusterId).matches()) {
            throw ConfigException.invalid(CLUSTER_ID, String.valueOf(clusterId), EXPECT_CLUSTER_ID);
        }
        if (superDigest != null && !isDigestId(superDigest)) {
            // the value may be a mistyped plain password: never echo what follows the colon
            throw ConfigException.invalid(SUPER_DIGEST, redactDigest(superDigest), EXPECT_SUPER_DIGEST);
        }
        if (initLimitTicks <= 0) {
            throw ConfigException.invalid(INIT_LIMIT, Integer.toString(initLimitTicks), EXPECT_TICKS);
        }
        if (syncLimitTicks <= 0) {
            throw ConfigException.invalid(SYNC_LIMIT, Integer.toString(syncLimitTicks), EXPECT_TICKS);
        }
        if (maxCnxns < 0) {
            throw ConfigException.invalid(MAX_CNXNS, Integer.toString(maxCnxns), EXPECT_NON_NEGATIVE);
        }
        if (maxPendingReplyBytes < 1024 * 1024) {
            throw ConfigException.invalid(MAX_PENDING_REPLY_BYTES, Long.toString(maxPendingReplyBytes),
                    EXPECT_PENDING_REPLY_BYTES);
        }
        if (peerType != null) {
            String t = peerType.trim().toLowerCase(Locale.ROOT);
            if (!t.equals("participant") && !t.equals("observer")) {
                throw ConfigException.invalid(PEER_TYPE, peerType, EXPECT_PEER_TYPE);
            }
        }
        for (var e : servers.entrySet()) {
            if (e.getValue().isBlank()) {
                throw ConfigException.invalid(SERVER_PREFIX + e.getKey(), e.getValue(), EXPECT_SERVER_LINE);
            }
        }
        byte[] quorumSecret = quorumSecretFile == null ? null : SecretFile.read(quorumSecretFile, allWarnings);
        Set<String> words = Collections.unmodifiableSet(new TreeSet<>(fourLetterWords));
        return new ServerConfig(this, minSession, maxSession, retain, words, quorumSecret, allWarnings);
    }
}
