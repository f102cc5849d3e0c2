package io.paddock.coordinator.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.InvalidPathException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a ZooKeeper-style {@code zoo.cfg} into a {@link ServerConfig}.
 *
 * <p>The file is read exactly as Apache ZooKeeper's {@code QuorumPeerConfig} reads it: with
 * {@link java.util.Properties#load(InputStream)} (ISO-8859-1, {@code #}/{@code !} comments,
 * {@code =}, {@code :} or whitespace separators, backslash escapes and continuation lines, the last
 * occurrence of a key wins), then keys and values trimmed. commons-configuration2 is deliberately
 * not used for the file: its {@code PropertiesConfiguration} interpolates {@code ${...}}, treats an
 * {@code include} key as a directive, turns repeated keys into lists and handles backslashes
 * differently, so a file ZooKeeper accepts could mean something else here.
 *
 * <p>Known keys are validated; a bad value throws {@link ConfigException} naming the key, the
 * value and what was expected. Keys Paddock does not use are logged at WARN and listed in
 * {@link ServerConfig#warnings()}; they never stop start-up. A relative {@code dataDir} or
 * {@code dataLogDir} is resolved against the current directory, as ZooKeeper does.
 *
 * <p>Stateless: the static methods share nothing between calls.
 */
public final class ConfigLoader {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);

    /**
     * ZooKeeper settings Paddock recognises but does not implement: reported with a specific
     * warning rather than as unknown (the value is ignored).
     */
    private static final Set<String> ZOOKEEPER_KEYS_IGNORED = Set.of(
            "secureClientPort", "secureClientPortAddress", "observerMasterPort", "clientPortListenBacklog",
            "syncEnabled", "dynamicConfigFile", "standaloneEnabled", "reconfigEnabled", "sslQuorum",
            "portUnification", "sslQuorumReloadCertFiles", "localSessionsEnabled",
            "localSessionsUpgradingEnabled", "electionAlg", "quorumListenOnAllIPs",
            "connectToLearnerMasterLimit", "electionPortBindRetry", "multiAddress.enabled",
            "multiAddress.reachabilityCheckEnabled", "multiAddress.reachabilityCheckTimeoutMs",
            "quorum.auth.enableSasl", "quorum.auth.learnerRequireSasl", "quorum.auth.serverRequireSasl",
            "quorum.auth.learner.saslLoginContext", "quorum.auth.server.saslLoginContext",
            "quorum.auth.kerberos.servicePrincipal", "quorum.cnxn.threads.size",
            "metricsProvider.className", "jvm.pause.monitor", "jvm.pause.info-threshold.ms",
            "jvm.pause.warn-threshold.ms", "jvm.pause.sleep.time.ms", "oraclePath",
            "admin.enableServer", "admin.serverAddress", "admin.serverPort", "admin.idleTimeout",
            "admin.commandURL", "audit.enable", "skipACL", "maxCnxns",
            "serverCnxnFactory", "znode.container.maxNeverUsedIntervalMs", "fsync.warningthresholdms",
            "snapSizeLimitInKb", "txnLogSizeLimitInKb", "digest.enabled", "readonlymode.enabled");

    private ConfigLoader() {
    }

    /** Loads {@code zooCfg}; {@code dataDir} must be set in it. */
    public static ServerConfig load(Path zooCfg) {
        return load(zooCfg, null);
    }

    /**
     * Loads {@code zooCfg}, using {@code defaultDataDir} when the file sets no {@code dataDir}.
     *
     * @throws ConfigException if the file cannot be read or holds a bad value
     */
    public static ServerConfig load(Path zooCfg, Path defaultDataDir) {
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(zooCfg)) {
            props.load(in);
        } catch (IOException | IllegalArgumentException e) {
            // IllegalArgumentException: a malformed \\uXXXX escape
            throw new ConfigException(null, null,
                    "Cannot read configuration file " + zooCfg.toAbsolutePath() + ": " + e.getMessage(), e);
        }
        // sorted, so that the first bad key reported does not depend on hash order
        Map<String, String> entries = new TreeMap<>(toStringMap(props));
        LOG.info("Reading configuration from {}", zooCfg.toAbsolutePath());
        return fromProperties(entries, defaultDataDir);
    }

    /** Builds a configuration from key/value pairs spelled as in {@code zoo.cfg}. */
    public static ServerConfig fromProperties(Map<String, String> properties) {
        return fromProperties(properties, null);
    }

    /**
     * Builds a configuration from key/value pairs spelled as in {@code zoo.cfg}, using
     * {@code defaultDataDir} when no {@code dataDir} is given.
     *
     * @throws ConfigException naming the first bad key, its value and what was expected
     */
    public static ServerConfig fromProperties(Map<String, String> properties, Path defaultDataDir) {
        ServerConfigBuilder b = ServerConfig.builder();
        if (defaultDataDir != null) {
            b.dataDir(defaultDataDir);
        }
        String superDigestKey = null;
        String superDigest = null;
        for (Map.Entry<String, String> entry : properties.entrySet()) {
            String key = entry.getKey().trim();
            String value = entry.getValue() == null ? "" : entry.getValue().trim();
            switch (key) {
                case ServerConfig.TICK_TIME -> b.tickTimeMs(parseInt(key, value, ServerConfig.EXPECT_TICK_TIME));
                case ServerConfig.DATA_DIR -> b.dataDir(parsePath(key, value, b));
                case ServerConfig.DATA_LOG_DIR -> b.dataLogDir(parsePath(key, value, b));
                case ServerConfig.CLIENT_PORT -> b.clientPort(parseInt(key, value, ServerConfig.EXPECT_PORT));
                case ServerConfig.CLIENT_PORT_ADDRESS -> b.clientPortAddress(parseAddress(key, value));
                case ServerConfig.MAX_CLIENT_CNXNS ->
                        b.maxClientCnxns(parseInt(key, value, ServerConfig.EXPECT_MAX_CNXNS));
                case ServerConfig.MIN_SESSION_TIMEOUT ->
                        b.minSessionTimeoutMs(parseInt(key, value, ServerConfig.EXPECT_MIN_SESSION));
                case ServerConfig.MAX_SESSION_TIMEOUT ->
                        b.maxSessionTimeoutMs(parseInt(key, value, ServerConfig.EXPECT_MAX_SESSION));
                case ServerConfig.SNAP_RETAIN_COUNT ->
                        b.snapRetainCount(parseInt(key, value, ServerConfig.EXPECT_SNAP_RETAIN));
                case ServerConfig.PURGE_INTERVAL ->
                        b.purgeIntervalHours(parseInt(key, value, ServerConfig.EXPECT_PURGE_INTERVAL));
                case ServerConfig.FOUR_LETTER_WORD_WHITELIST -> b.fourLetterWords(parseWhitelist(value));
                case ServerConfig.EXTENDED_TYPES_ENABLED -> b.extendedTypesEnabled(parseBoolean(key, value));
                case ServerConfig.JUTE_MAX_BUFFER ->
                        b.juteMaxBufferBytes(parseInt(key, value, ServerConfig.EXPECT_POSITIVE_BYTES));
                case ServerConfig.GLOBAL_OUTSTANDING_LIMIT ->
                        b.globalOutstandingLimit(parseInt(key, value, ServerConfig.EXPECT_OUTSTANDING));
                case ServerConfig.SNAP_COUNT -> b.snapCount(parseInt(key, value, ServerConfig.EXPECT_SNAP_COUNT));
                case ServerConfig.PRE_ALLOC_SIZE -> b.preAllocSizeBytes(parsePreAllocKiB(key, value) * 1024);
                case ServerConfig.FORCE_SYNC -> b.forceSync(parseBoolean(key, value));
                case ServerConfig.CONTAINER_CHECK_INTERVAL ->
                        b.containerCheckIntervalMs(parseInt(key, value, ServerConfig.EXPECT_POSITIVE_MS));
                case ServerConfig.CONTAINER_MAX_PER_MINUTE ->
                        b.containerMaxPerMinute(parseInt(key, value, ServerConfig.EXPECT_PER_MINUTE));
                case ServerConfig.LOG_SEGMENT_BYTES ->
                        b.logSegmentBytes(parseLong(key, value, ServerConfig.EXPECT_POSITIVE_BYTES));
                case ServerConfig.CLUSTER_ID -> b.clusterId(value);
                case ServerConfig.QUORUM_SECRET_FILE -> b.quorumSecretFile(parseSecretFile(key, value));
                case ServerConfig.MAX_CNXNS -> b.maxCnxns(parseInt(key, value, ServerConfig.EXPECT_NON_NEGATIVE));
                case ServerConfig.MAX_PENDING_REPLY_BYTES ->
                        b.maxPendingReplyBytes(parseLong(key, value, ServerConfig.EXPECT_PENDING_REPLY_BYTES));
                case ServerConfig.FAULT_FSYNC_STALL_FILE -> b.faultFsyncStallFile(parsePath(key, value, b));
                case ServerConfig.FAULT_FSYNC_FAIL_FILE -> b.faultFsyncFailFile(parsePath(key, value, b));
                case ServerConfig.SUPER_DIGEST, ServerConfig.ZK_SUPER_DIGEST, ServerConfig.ZK_SUPER_DIGEST_PROPERTY -> {
                    if (!ServerConfig.isDigestId(value)) {
                        throw ConfigException.invalid(key, ServerConfig.redactDigest(value),
                                ServerConfig.EXPECT_SUPER_DIGEST);
                    }
                    if (superDigest != null && !superDigest.equals(value)) {
                        throw new ConfigException(key, ServerConfig.redactDigest(value),
                                "Conflicting values for " + superDigestKey + " and " + key
                                        + ": expected at most one super digest");
                    }
                    superDigestKey = key;
                    superDigest = value;
                }
                case "DigestAuthenticationProvider.digestAlg", "zookeeper.DigestAuthenticationProvider.digestAlg" -> {
                    // digests made with another algorithm would never match: refuse rather than ignore
                    String alg = value.toUpperCase(Locale.ROOT);
                    if (!alg.equals("SHA1") && !alg.equals("SHA-1")) {
                        throw ConfigException.invalid(key, value, "SHA1 (the only digest algorithm Paddock supports)");
                    }
                }
                case "DigestAuthenticationProvider.enabled", "zookeeper.DigestAuthenticationProvider.enabled" -> {
                    if (!parseBoolean(key, value)) {
                        throw ConfigException.invalid(key, value, "true (Paddock cannot disable digest authentication)");
                    }
                }
                case ServerConfig.INIT_LIMIT -> b.initLimitTicks(parseInt(key, value, ServerConfig.EXPECT_TICKS));
                case ServerConfig.SYNC_LIMIT -> b.syncLimitTicks(parseInt(key, value, ServerConfig.EXPECT_TICKS));
                case ServerConfig.PEER_TYPE -> b.peerType(value);
                default -> {
                    if (key.startsWith(ServerConfig.SERVER_PREFIX)) {
                        b.server(parseServerId(key), value);
                    } else {
                        warn(b, ZOOKEEPER_KEYS_IGNORED.contains(key) || key.startsWith("group.")
                                || key.startsWith("weight.") || key.startsWith("metricsProvider.")
                                || key.startsWith("authProvider.")
                                ? "Ignoring ZooKeeper setting '" + key + "' (not supported by Paddock)"
                                : "Unknown configuration key '" + key + "' ignored");
                    }
                }
            }
        }
        b.superDigest(superDigest);
        return b.build();
    }

    private static Map<String, String> toStringMap(Properties props) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String name : props.stringPropertyNames()) {
            m.put(name, props.getProperty(name));
        }
        return m;
    }

    private static void warn(ServerConfigBuilder b, String message) {
        LOG.warn(message);
        b.warning(message);
    }

    private static int parseInt(String key, String value, String expected) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw ConfigException.invalid(key, value, expected);
        }
    }

    private static long parseLong(String key, String value, String expected) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw ConfigException.invalid(key, value, expected);
        }
    }

    private static long parsePreAllocKiB(String key, String value) {
        long kib = parseLong(key, value, ServerConfig.EXPECT_PRE_ALLOC_KIB);
        if (kib < 0 || kib > Long.MAX_VALUE / 1024) {
            throw ConfigException.invalid(key, value, ServerConfig.EXPECT_PRE_ALLOC_KIB);
        }
        return kib;
    }

    /** yes/no/true/false, any case. */
    private static boolean parseBoolean(String key, String value) {
        switch (value.toLowerCase(Locale.ROOT)) {
            case "yes":
            case "true":
                return true;
            case "no":
            case "false":
                return false;
            default:
                throw ConfigException.invalid(key, value, ServerConfig.EXPECT_BOOLEAN);
        }
    }

    private static Path parsePath(String key, String value, ServerConfigBuilder b) {
        if (value.isEmpty()) {
            throw ConfigException.invalid(key, value, ServerConfig.EXPECT_DIR);
        }
        Path p;
        try {
            p = Path.of(value);
        } catch (InvalidPathException e) {
            throw ConfigException.invalid(key, value, ServerConfig.EXPECT_DIR + " (" + e.getReason() + ")");
        }
        if (!p.isAbsolute()) {
            warn(b, key + " '" + value + "' is relative; resolved against the current directory to "
                    + p.toAbsolutePath().normalize());
        }
        return p;
    }

    /** The secret file's path, a relative one against the current directory (read and checked by the builder). */
    private static Path parseSecretFile(String key, String value) {
        try {
            if (!value.isEmpty()) {
                return Path.of(value);
            }
        } catch (InvalidPathException e) {
            throw ConfigException.invalid(key, value, SecretFile.EXPECT + " (" + e.getReason() + ")");
        }
        throw ConfigException.invalid(key, value, SecretFile.EXPECT);
    }

    private static String parseAddress(String key, String value) {
        if (value.isEmpty()) {
            throw ConfigException.invalid(key, value, ServerConfig.EXPECT_ADDRESS);
        }
        try {
            // ZooKeeper resolves it while parsing, too; an unresolvable name fails start-up here
            InetAddress.getByName(value);
        } catch (UnknownHostException | SecurityException e) {
            throw ConfigException.invalid(key, value, ServerConfig.EXPECT_ADDRESS + " (cannot resolve it)");
        }
        return value;
    }

    /** Splits on commas and trims, as ZooKeeper does; each entry must be a known word or "*". */
    static List<String> parseWhitelist(String value) {
        List<String> words = new ArrayList<>();
        for (String w : value.split(",")) {
            String t = w.trim();
            if (t.isEmpty()) {
                continue;
            }
            if (!t.equals("*") && !ServerConfig.KNOWN_FOUR_LETTER_WORDS.contains(t)) {
                throw ConfigException.invalid(ServerConfig.FOUR_LETTER_WORD_WHITELIST, value,
                        ServerConfig.EXPECT_WHITELIST + " ('" + t + "' is not one)");
            }
            words.add(t);
        }
        return words;
    }

    private static long parseServerId(String key) {
        String id = key.substring(ServerConfig.SERVER_PREFIX.length());
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw new ConfigException(key, id, "Invalid key '" + key + "': expected server.<id> with a numeric id");
        }
    }
}
