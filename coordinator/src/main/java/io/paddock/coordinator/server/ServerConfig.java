package io.paddock.coordinator.server;

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
 * The settings of one Paddock server, immutable once built. Keys, defaults and meanings follow
 * Apache ZooKeeper's {@code zoo.cfg}; every time or size carries its unit in the accessor name.
 * Several servers with different configurations can live in one JVM: nothing here is global.
 *
 * <p>Built by {@link ConfigLoader} from a {@code zoo.cfg}, or directly in tests:
 * <pre>{@code ServerConfig.builder().dataDir(dir).clientPort(0).build()}</pre>
 * {@link Builder#build()} validates every value and throws {@link ConfigException} naming the key,
 * the value and what was expected.
 */
public final class ServerConfig {
    private static final Logger LOG = LoggerFactory.getLogger(ServerConfig.class);

    // ---- zoo.cfg keys (ZooKeeper's spelling) ----
    public static final String TICK_TIME = "tickTime";
    public static final String DATA_DIR = "dataDir";
    public static final String DATA_LOG_DIR = "dataLogDir";
    public static final String CLIENT_PORT = "clientPort";
    public static final String CLIENT_PORT_ADDRESS = "clientPortAddress";
    public static final String MAX_CLIENT_CNXNS = "maxClientCnxns";
    public static final String MIN_SESSION_TIMEOUT = "minSessionTimeout";
    public static final String MAX_SESSION_TIMEOUT = "maxSessionTimeout";
    public static final String SNAP_RETAIN_COUNT = "autopurge.snapRetainCount";
    public static final String PURGE_INTERVAL = "autopurge.purgeInterval";
    public static final String FOUR_LETTER_WORD_WHITELIST = "4lw.commands.whitelist";
    public static final String EXTENDED_TYPES_ENABLED = "extendedTypesEnabled";
    public static final String JUTE_MAX_BUFFER = "jute.maxbuffer";
    public static final String GLOBAL_OUTSTANDING_LIMIT = "globalOutstandingLimit";
    public static final String SNAP_COUNT = "snapCount";
    public static final String PRE_ALLOC_SIZE = "preAllocSize";
    public static final String FORCE_SYNC = "forceSync";
    public static final String CONTAINER_CHECK_INTERVAL = "znode.container.checkIntervalMs";
    public static final String CONTAINER_MAX_PER_MINUTE = "znode.container.maxPerMinute";
    public static final String LOG_SEGMENT_BYTES = "paddock.logSegmentBytes";
    public static final String CLUSTER_ID = "paddock.clusterId";
    /** ZooKeeper 3.6+'s cap on client connections to this server, all clients together. */
    public static final String MAX_CNXNS = "maxCnxns";
    public static final String MAX_PENDING_REPLY_BYTES = "paddock.client.maxPendingReplyBytes";
    /** Test-only: while this file exists, every fsync of the server waits (a stalled disk). */
    public static final String FAULT_FSYNC_STALL_FILE = "paddock.faultInjection.fsyncStallFile";
    /** Test-only: while this file exists, every fsync of the server fails (a failing disk). */
    public static final String FAULT_FSYNC_FAIL_FILE = "paddock.faultInjection.fsyncFailFile";
    public static final String SUPER_DIGEST = "paddock.superDigest";
    /** A file holding the shared secret every peer link proves; none by default. */
    public static final String QUORUM_SECRET_FILE = "paddock.quorum.secretFile";
    /** The key as written in a ZooKeeper {@code zoo.cfg} (ZooKeeper prefixes it with "zookeeper."). */
    public static final String ZK_SUPER_DIGEST = "DigestAuthenticationProvider.superDigest";
    /** The ZooKeeper system-property name of the super digest, also accepted in the file. */
    public static final String ZK_SUPER_DIGEST_PROPERTY = "zookeeper.DigestAuthenticationProvider.superDigest";
    public static final String INIT_LIMIT = "initLimit";
    public static final String SYNC_LIMIT = "syncLimit";
    public static final String PEER_TYPE = "peerType";
    /** Prefix of the {@code server.N=host:port:port[:role][;clientPort]} lines. */
    public static final String SERVER_PREFIX = "server.";

    // ---- defaults ----
    public static final int DEFAULT_TICK_TIME_MS = 2000;
    public static final int DEFAULT_CLIENT_PORT = 2181;
    public static final int DEFAULT_MAX_CLIENT_CNXNS = 60;
    public static final int DEFAULT_SNAP_RETAIN_COUNT = 3;
    public static final int MIN_SNAP_RETAIN_COUNT = 3;
    public static final int DEFAULT_JUTE_MAX_BUFFER_BYTES = 0xfffff;
    public static final int DEFAULT_GLOBAL_OUTSTANDING_LIMIT = 1000;
    public static final int DEFAULT_SNAP_COUNT = 100_000;
    public static final long DEFAULT_PRE_ALLOC_SIZE_BYTES = 65536L * 1024;
    public static final int DEFAULT_CONTAINER_CHECK_INTERVAL_MS = 60_000;
    public static final int DEFAULT_CONTAINER_MAX_PER_MINUTE = 10_000;
    public static final long DEFAULT_LOG_SEGMENT_BYTES = 64L * 1024 * 1024;
    public static final String DEFAULT_CLUSTER_ID = "paddock";
    public static final long DEFAULT_MAX_PENDING_REPLY_BYTES = 64L * 1024 * 1024;
    public static final int DEFAULT_INIT_LIMIT_TICKS = 10;
    public static final int DEFAULT_SYNC_LIMIT_TICKS = 5;

    /** Every four-letter word ZooKeeper 3.9 knows; "*" in the whitelist enables all of them. */
    public static final Set<String> KNOWN_FOUR_LETTER_WORDS = Collections.unmodifiableSet(new TreeSet<>(List.of(
            "ruok", "srvr", "stat", "mntr", "conf", "cons", "crst", "srst", "envi",
            "wchs", "wchc", "wchp", "dump", "isro", "dirs", "gtmk", "stmk", "hash")));

    // ---- what each key expects; shared by the loader (parse errors) and build() (range errors) ----
    static final String EXPECT_TICK_TIME = "a positive integer (milliseconds)";
    static final String EXPECT_DIR = "a directory path";
    static final String EXPECT_PORT = "an integer port number from 0 to 65535 (0 = any free port)";
    static final String EXPECT_ADDRESS = "a host name or IP address of this machine to listen on";
    static final String EXPECT_MAX_CNXNS = "a non-negative integer (connections per client address; 0 = unlimited)";
    static final String EXPECT_MIN_SESSION = "a positive integer (milliseconds), or -1 for 2 * tickTime";
    static final String EXPECT_MAX_SESSION = "a positive integer (milliseconds), or -1 for 20 * tickTime";
    static final String EXPECT_SNAP_RETAIN = "an integer (number of snapshots to keep, at least "
            + MIN_SNAP_RETAIN_COUNT + ")";
    static final String EXPECT_PURGE_INTERVAL = "a non-negative integer (hours; 0 disables purging)";
    static final String EXPECT_WHITELIST = "a comma-separated list of four-letter words from "
            + KNOWN_FOUR_LETTER_WORDS + ", or *";
    static final String EXPECT_BOOLEAN = "yes, no, true or false";
    static final String EXPECT_POSITIVE_BYTES = "a positive integer (bytes)";
    static final String EXPECT_OUTSTANDING = "a positive integer (requests)";
    static final String EXPECT_SNAP_COUNT = "an integer of at least 2 (transactions between snapshots)";
    static final String EXPECT_PRE_ALLOC_KIB = "a non-negative integer (KiB; 0 disables preallocation)";
    static final String EXPECT_POSITIVE_MS = "a positive integer (milliseconds)";
    static final String EXPECT_PER_MINUTE = "a positive integer (containers per minute)";
    static final String EXPECT_NON_NEGATIVE = "a number >= 0 (0 = unlimited)";
    static final String EXPECT_PENDING_REPLY_BYTES = "a number of bytes >= 1048576";
    static final String EXPECT_CLUSTER_ID = "a non-empty name of letters, digits, '.', '_' or '-'";
    static final String EXPECT_SUPER_DIGEST = "<user>:<base64 SHA-1 digest>, as printed by "
            + "DigestAuthProvider.generateDigest(\"<user>:<password>\")";
    static final String EXPECT_TICKS = "a positive integer (ticks)";
    static final String EXPECT_PEER_TYPE = "participant or observer";
    static final String EXPECT_SERVER_LINE = "host:quorumPort:electionPort[:role][;[clientAddress:]clientPort]";

    static final Pattern CLUSTER_ID_PATTERN = Pattern.compile("[A-Za-z0-9._-]+");

    private final int tickTimeMs;
    private final Path dataDir;
    private final Path dataLogDir;
    private final int clientPort;
    private final String clientPortAddress;
    private final int maxClientCnxns;
    private final int minSessionTimeoutMs;
    private final int maxSessionTimeoutMs;
    private final int snapRetainCount;
    private final int purgeIntervalHours;
    private final Set<String> fourLetterWords;
    private final boolean extendedTypesEnabled;
    private final int juteMaxBufferBytes;
    private final int globalOutstandingLimit;
    private final int snapCount;
    private final long preAllocSizeBytes;
    private final boolean forceSync;
    private final int containerCheckIntervalMs;
    private final int containerMaxPerMinute;
    private final long logSegmentBytes;
    private final String clusterId;
    private final String superDigest;
    private final Path quorumSecretFile;
    private final byte[] quorumSecret;
    private final int initLimitTicks;
    private final int syncLimitTicks;
    private final SortedMap<Long, String> servers;
    private final String peerType;
    private final int maxCnxns;
    private final long maxPendingReplyBytes;
    private final Path faultFsyncStallFile;
    private final Path faultFsyncFailFile;
    private final List<String> warnings;

    ServerConfig(ServerConfigBuilder b, int minSessionTimeoutMs, int maxSessionTimeoutMs, int snapRetainCount,
            Set<String> fourLetterWords, byte[] quorumSecret, List<String> warnings) {
        this.tickTimeMs = b.tickTimeMs;
        this.dataDir = b.dataDir;
        this.dataLogDir = b.dataLogDir != null ? b.dataLogDir : b.dataDir;
        this.clientPort = b.clientPort;
        this.clientPortAddress = b.clientPortAddress;
        this.maxClientCnxns = b.maxClientCnxns;
        this.minSessionTimeoutMs = minSessionTimeoutMs;
        this.maxSessionTimeoutMs = maxSessionTimeoutMs;
        this.snapRetainCount = snapRetainCount;
        this.purgeIntervalHours = b.purgeIntervalHours;
        this.fourLetterWords = fourLetterWords;
        this.extendedTypesEnabled = b.extendedTypesEnabled;
        this.juteMaxBufferBytes = b.juteMaxBufferBytes;
        this.globalOutstandingLimit = b.globalOutstandingLimit;
        this.snapCount = b.snapCount;
        this.preAllocSizeBytes = b.preAllocSizeBytes;
        this.forceSync = b.forceSync;
        this.containerCheckIntervalMs = b.containerCheckIntervalMs;
        this.containerMaxPerMinute = b.containerMaxPerMinute;
        this.logSegmentBytes = b.logSegmentBytes;
        this.clusterId = b.clusterId;
        this.superDigest = b.superDigest;
        this.quorumSecretFile = b.quorumSecretFile;
        this.quorumSecret = quorumSecret;
        this.initLimitTicks = b.initLimitTicks;
        this.syncLimitTicks = b.syncLimitTicks;
        this.servers = Collections.unmodifiableSortedMap(new TreeMap<>(b.servers));
        this.peerType = b.peerType;
        this.maxCnxns = b.maxCnxns;
        this.maxPendingReplyBytes = b.maxPendingReplyBytes;
        this.faultFsyncStallFile = b.faultFsyncStallFile;
        this.faultFsyncFailFile = b.faultFsyncFailFile;
        this.warnings = List.copyOf(warnings);
    }

    public static ServerConfigBuilder builder() {
        return new ServerConfigBuilder();
    }

    /** A builder preloaded with every setting of this configuration (warnings are not carried over). */
    public ServerConfigBuilder toBuilder() {
        ServerConfigBuilder b = new ServerConfigBuilder()
                .tickTimeMs(tickTimeMs).dataDir(dataDir).dataLogDir(dataLogDir)
                .clientPort(clientPort).clientPortAddress(clientPortAddress)
                .maxClientCnxns(maxClientCnxns)
                .minSessionTimeoutMs(minSessionTimeoutMs).maxSessionTimeoutMs(maxSessionTimeoutMs)
                .snapRetainCount(snapRetainCount).purgeIntervalHours(purgeIntervalHours)
                .fourLetterWords(fourLetterWords).extendedTypesEnabled(extendedTypesEnabled)
                .juteMaxBufferBytes(juteMaxBufferBytes).globalOutstandingLimit(globalOutstandingLimit)
                .snapCount(snapCount).preAllocSizeBytes(preAllocSizeBytes).forceSync(forceSync)
                .containerCheckIntervalMs(containerCheckIntervalMs)
                .containerMaxPerMinute(containerMaxPerMinute)
                .logSegmentBytes(logSegmentBytes).clusterId(clusterId).superDigest(superDigest)
                .quorumSecretFile(quorumSecretFile)
                .initLimitTicks(initLimitTicks).syncLimitTicks(syncLimitTicks).peerType(peerType)
                .maxCnxns(maxCnxns).maxPendingReplyBytes(maxPendingReplyBytes)
                .faultFsyncStallFile(faultFsyncStallFile).faultFsyncFailFile(faultFsyncFailFile);
        servers.forEach(b::server);
        return b;
    }

    /** {@code tickTime}: the basic time unit; session timeouts and sync limits are multiples of it. */
    public int tickTimeMs() {
        return tickTimeMs;
    }

    /** {@code dataDir}: snapshots, epoch files and the identity stamp (absolute). */
    public Path dataDir() {
        return dataDir;
    }

    /** {@code dataLogDir}: the transaction log; {@link #dataDir()} when not set. */
    public Path dataLogDir() {
        return dataLogDir;
    }

    /** {@code clientPort}; 0 means an ephemeral port chosen at bind time. */
    public int clientPort() {
        return clientPort;
    }

    /** {@code clientPortAddress} as written, or empty to listen on all interfaces. */
    public Optional<String> clientPortAddress() {
        return Optional.ofNullable(clientPortAddress);
    }

    /** The address to bind the client port to (resolves {@link #clientPortAddress()} if set). */
    public InetSocketAddress clientBindAddress() {
        return clientPortAddress == null
                ? new InetSocketAddress(clientPort)
                : new InetSocketAddress(clientPortAddress, clientPort);
    }

    /** {@code maxClientCnxns}: concurrent connections per client IP address; 0 = unlimited. */
    public int maxClientCnxns() {
        return maxClientCnxns;
    }

    /** Effective minimum negotiated session timeout ({@code minSessionTimeout}, default 2 * tickTime). */
    public int minSessionTimeoutMs() {
        return minSessionTimeoutMs;
    }

    /** Effective maximum negotiated session timeout ({@code maxSessionTimeout}, default 20 * tickTime). */
    public int maxSessionTimeoutMs() {
        return maxSessionTimeoutMs;
    }

    /** {@code autopurge.snapRetainCount}: snapshots (and their logs) kept by purging; at least 3. */
    public int snapRetainCount() {
        return snapRetainCount;
    }

    /** {@code autopurge.purgeInterval}: hours between purges; 0 = purging disabled. */
    public int purgeIntervalHours() {
        return purgeIntervalHours;
    }

    /** The enabled four-letter words ({@code 4lw.commands.whitelist}); always contains "srvr". */
    public Set<String> fourLetterWords() {
        return fourLetterWords;
    }

    public boolean fourLetterWordEnabled(String word) {
        return fourLetterWords.contains(word);
    }

    /** {@code extendedTypesEnabled}: TTL nodes allowed. */
    public boolean extendedTypesEnabled() {
        return extendedTypesEnabled;
    }

    /** {@code jute.maxbuffer}: the largest request or reply record, in bytes. */
    public int juteMaxBufferBytes() {
        return juteMaxBufferBytes;
    }

    /** {@code globalOutstandingLimit}: requests in flight before reading from clients pauses. */
    public int globalOutstandingLimit() {
        return globalOutstandingLimit;
    }

    /** {@code snapCount}: transactions logged between snapshots. */
    public int snapCount() {
        return snapCount;
    }

    /** {@code preAllocSize} (written in KiB in zoo.cfg), in bytes; 0 = no preallocation. */
    public long preAllocSizeBytes() {
        return preAllocSizeBytes;
    }

    /** {@code forceSync}: fsync the transaction log before acknowledging. */
    public boolean forceSync() {
        return forceSync;
    }

    /** {@code znode.container.checkIntervalMs}: how often empty containers and expired TTL nodes are looked for. */
    public int containerCheckIntervalMs() {
        return containerCheckIntervalMs;
    }

    /** {@code znode.container.maxPerMinute}: the most container/TTL deletions issued per minute. */
    public int containerMaxPerMinute() {
        return containerMaxPerMinute;
    }

    /** {@code paddock.logSegmentBytes}: size at which a transaction log segment is rolled. */
    public long logSegmentBytes() {
        return logSegmentBytes;
    }

    /** {@code paddock.clusterId}: stamped into each data directory. */
    public String clusterId() {
        return clusterId;
    }

    /** The super user's digest id {@code "user:base64(sha1(user:password))"}, if configured. */
    public Optional<String> superDigest() {
        return Optional.ofNullable(superDigest);
    }

    /** {@code paddock.quorum.secretFile}: where the cluster secret was read from, if one is configured. */
    public Optional<Path> quorumSecretFile() {
        return Optional.ofNullable(quorumSecretFile);
    }

    /** The cluster secret peer links prove (a copy), read from {@link #quorumSecretFile()} when built. */
    public Optional<byte[]> quorumSecret() {
        return Optional.ofNullable(quorumSecret).map(byte[]::clone);
    }

    /** Client connections this server accepts at once, all clients together; 0 = unlimited. */
    public int maxCnxns() {
        return maxCnxns;
    }

    /** Reply bytes one client connection may leave unread before it is closed. */
    public long maxPendingReplyBytes() {
        return maxPendingReplyBytes;
    }

    /** Test-only fault injection: see {@link #FAULT_FSYNC_STALL_FILE}. */
    public Optional<Path> faultFsyncStallFile() {
        return Optional.ofNullable(faultFsyncStallFile);
    }

    /** Test-only fault injection: see {@link #FAULT_FSYNC_FAIL_FILE}. */
    public Optional<Path> faultFsyncFailFile() {
        return Optional.ofNullable(faultFsyncFailFile);
    }

    /** {@code initLimit}: ticks a follower may take to connect and sync to the leader. */
    public int initLimitTicks() {
        return initLimitTicks;
    }

    /** {@code syncLimit}: ticks a follower may lag behind the leader. */
    public int syncLimitTicks() {
        return syncLimitTicks;
    }

    /** The {@code server.N} lines: id to the raw value as written (parsed by the replication layer). */
    public SortedMap<Long, String> servers() {
        return servers;
    }

    /** {@code peerType} as written (participant or observer), if set. */
    public Optional<String> peerType() {
        return Optional.ofNullable(peerType);
    }

    /** Every warning raised while loading (unknown keys, adjusted values), each also logged at WARN. */
    public List<String> warnings() {
        return warnings;
    }

    @Override
    public String toString() {
        return "ServerConfig{tickTimeMs=" + tickTimeMs
                + ", dataDir=" + dataDir
                + ", dataLogDir=" + dataLogDir
                + ", clientPort=" + clientPort
                + ", clientPortAddress=" + (clientPortAddress == null ? "*" : clientPortAddress)
                + ", maxClientCnxns=" + maxClientCnxns
                + ", minSessionTimeoutMs=" + minSessionTimeoutMs
                + ", maxSessionTimeoutMs=" + maxSessionTimeoutMs
                + ", snapRetainCount=" + snapRetainCount
                + ", purgeIntervalHours=" + purgeIntervalHours
                + ", fourLetterWords=" + fourLetterWords
                + ", extendedTypesEnabled=" + extendedTypesEnabled
                + ", juteMaxBufferBytes=" + juteMaxBufferBytes
                + ", globalOutstandingLimit=" + globalOutstandingLimit
                + ", snapCount=" + snapCount
                + ", preAllocSizeBytes=" + preAllocSizeBytes
                + ", forceSync=" + forceSync
                + ", containerCheckIntervalMs=" + containerCheckIntervalMs
                + ", containerMaxPerMinute=" + containerMaxPerMinute
                + ", logSegmentBytes=" + logSegmentBytes
                + ", clusterId=" + clusterId
                + ", superDigest=" + (superDigest == null ? "none" : redactDigest(superDigest))
                + ", quorumSecretFile=" + (quorumSecretFile == null ? "none" : quorumSecretFile)
                + ", initLimitTicks=" + initLimitTicks
                + ", syncLimitTicks=" + syncLimitTicks
                + ", servers=" + servers
                + ", peerType=" + peerType
                + "}";
    }

    /** Shows only the user part of a digest id, so configuration dumps never carry the hash. */
    static String redactDigest(String digest) {
        int colon = digest.indexOf(':');
        return colon < 0 ? "<redacted>" : digest.substring(0, colon + 1) + "<redacted>";
    }

    /** True when {@code s} looks like {@code user:base64(20-byte SHA-1)}. */
    static boolean isDigestId(String s) {
        int colon = s.indexOf(':');
        if (colon < 0) {
            return false;
        }
        String hash = s.substring(colon + 1);
        if (hash.length() != 28 || hash.indexOf(':') >= 0) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(hash).length == 20;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
