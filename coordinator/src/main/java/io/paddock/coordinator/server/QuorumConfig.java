package io.paddock.coordinator.server;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ensemble this server belongs to, immutable: every {@code server.N} line of the
 * {@code zoo.cfg} parsed ({@link QuorumPeerSpec}), this server's id (its {@code myid}), and the
 * majority-quorum arithmetic over the participants. Observers never count towards a quorum.
 *
 * <p>A configuration without {@code server.N} lines is {@link #standalone()}: an ensemble of one
 * voter, id {@link #STANDALONE_ID}, with no peer addresses.
 *
 * <p>Differences from Apache ZooKeeper 3.9, all deliberate:
 * <ul>
 *   <li>ZooKeeper (with its default {@code standaloneEnabled=true}) runs a configuration with a
 *       single participant as a standalone server and rejects a single participant with observers;
 *       Paddock runs it as a one-voter ensemble (as ZooKeeper does with {@code standaloneEnabled=false}).
 *   <li>ZooKeeper logs "Peer type from servers list (..) doesn't match peerType (..). Defaulting to
 *       servers list." and carries on; Paddock refuses a {@code peerType} that contradicts this
 *       server's own {@code server.N} line, since the two readings give different quorums.
 *   <li>ZooKeeper accepts the same address on two lines when it is a loopback or wildcard address;
 *       Paddock refuses any (host, port) used twice, counting client ports, because a local ensemble
 *       on loopback is exactly where such a clash makes a server fail to bind.
 *   <li>Server ids are limited to 1..254 (ZooKeeper enforces 254 only with extended types): the id
 *       is the top byte of session ids, and 255 is reserved.
 * </ul>
 */
public final class QuorumConfig {
    private static final Logger LOG = LoggerFactory.getLogger(QuorumConfig.class);

    public static final long MIN_SERVER_ID = 1;
    public static final long MAX_SERVER_ID = 254;
    /** The id of a standalone server (the top byte of its session ids). */
    public static final long STANDALONE_ID = 0;
    /** The key used in errors about this server's id. */
    public static final String MYID_KEY = MyIdFile.FILE_NAME;
    /** {@link #fingerprint()} of every standalone configuration. */
    public static final String STANDALONE_FINGERPRINT = "standalone";
    static final String FINGERPRINT_VERSION = "v1";

    static final String WARN_NO_FAILURE_TOLERATED = "No server failure will be tolerated. You need at least 3 servers.";
    static final String WARN_EVEN_VOTERS = "Non-optimal configuration, consider an odd number of servers.";

    private final long myId;
    private final boolean standalone;
    private final SortedMap<Long, QuorumPeerSpec> peers;
    private final SortedSet<Long> voters;
    private final SortedSet<Long> observers;
    private final int initLimitTicks;
    private final int syncLimitTicks;
    private final List<String> warnings;
    private final String fingerprint;

    private QuorumConfig(long myId, boolean standalone, SortedMap<Long, QuorumPeerSpec> peers, SortedSet<Long> voters,
            SortedSet<Long> observers, int initLimitTicks, int syncLimitTicks, List<String> warnings) {
        this.myId = myId;
        this.standalone = standalone;
        this.peers = Collections.unmodifiableSortedMap(new TreeMap<>(peers));
        this.voters = Collections.unmodifiableSortedSet(new TreeSet<>(voters));
        this.observers = Collections.unmodifiableSortedSet(new TreeSet<>(observers));
        this.initLimitTicks = initLimitTicks;
        this.syncLimitTicks = syncLimitTicks;
        this.warnings = List.copyOf(warnings);
        this.fingerprint = standalone ? STANDALONE_FINGERPRINT : renderFingerprint(this.peers);
    }

    /** A server without peers: one voter, {@link #STANDALONE_ID}; ZooKeeper's default tick limits. */
    public static QuorumConfig standalone() {
        return standalone(ServerConfig.DEFAULT_INIT_LIMIT_TICKS, ServerConfig.DEFAULT_SYNC_LIMIT_TICKS);
    }

    private static QuorumConfig standalone(int initLimitTicks, int syncLimitTicks) {
        return new QuorumConfig(STANDALONE_ID, true, new TreeMap<>(), new TreeSet<>(Set.of(STANDALONE_ID)),
                new TreeSet<>(), initLimitTicks, syncLimitTicks, List.of());
    }

    /**
     * Reads this server's id from {@code <dataDir>/myid} when the configuration lists servers, then
     * {@link #from(ServerConfig, long)}.
     */
    public static QuorumConfig load(ServerConfig config) {
        return from(config, MyIdFile.forConfig(config));
    }

    /**
     * Parses the {@code server.N} lines and {@code peerType} of {@code config} for the server
     * {@code myId}. Without {@code server.N} lines the result is {@link #standalone()} (with the
     * configured tick limits) and {@code myId} is not used.
     *
     * @throws ConfigException naming the key and value at fault: a malformed line, an id outside
     *     1..254, an address used twice, no participant, {@code myId} not listed, or a
     *     {@code peerType} contradicting this server's line
     */
    public static QuorumConfig from(ServerConfig config, long myId) {
        Objects.requireNonNull(config, "config");
        Optional<String> peerType = config.peerType().map(t -> t.trim().toLowerCase(Locale.ROOT));
        if (config.servers().isEmpty()) {
            if (peerType.isPresent()) {
                LOG.warn("{}={} ignored: no {}N lines, so this server runs standalone",
                        ServerConfig.PEER_TYPE, config.peerType().get(), ServerConfig.SERVER_PREFIX);
            }
            return standalone(config.initLimitTicks(), config.syncLimitTicks());
        }

        SortedMap<Long, QuorumPeerSpec> peers = new TreeMap<>();
        for (Map.Entry<Long, String> e : config.servers().entrySet()) {
            peers.put(e.getKey(), QuorumPeerSpec.parse(e.getKey(), e.getValue()));
        }
        checkDistinctAddresses(peers, config.servers());

        SortedSet<Long> voters = new TreeSet<>();
        SortedSet<Long> observers = new TreeSet<>();
        for (QuorumPeerSpec p : peers.values()) {
            (p.isObserver() ? observers : voters).add(p.id());
        }
        if (voters.isEmpty()) {
            long first = observers.first();
            throw new ConfigException(ServerConfig.SERVER_PREFIX + first, config.servers().get(first),
                    "No participant: every " + ServerConfig.SERVER_PREFIX + "N line is an observer ("
                            + keys(observers) + "); at least one server must be a participant"
                            + " (ZooKeeper: Observers w/o participants is an invalid configuration)");
        }

        if (myId < MIN_SERVER_ID || myId > MAX_SERVER_ID) {
            throw new ConfigException(MYID_KEY, Long.toString(myId), "Invalid myid " + myId
                    + ": expected an integer from " + MIN_SERVER_ID + " to " + MAX_SERVER_ID
                    + " naming one of the configured servers (" + keys(peers.keySet()) + ")");
        }
        QuorumPeerSpec self = peers.get(myId);
        if (self == null) {
            throw new ConfigException(MYID_KEY, Long.toString(myId), "myid " + myId
                    + " is not among the configured servers (" + keys(peers.keySet()) + "): add a "
                    + ServerConfig.SERVER_PREFIX + myId + " line or correct " + config.dataDir().resolve(MyIdFile.FILE_NAME));
        }
        if (peerType.isPresent()) {
            QuorumPeerSpec.Type declared = peerType.get().equals("observer")
                    ? QuorumPeerSpec.Type.OBSERVER : QuorumPeerSpec.Type.PARTICIPANT;
            if (declared != self.type()) {
                String raw = config.peerType().get();
                throw new ConfigException(ServerConfig.PEER_TYPE, raw, "Invalid value '" + raw + "' for "
                        + ServerConfig.PEER_TYPE + ": this server (myid " + myId + ") is "
                        + (self.isObserver() ? "an observer" : "a participant") + " according to its line "
                        + ServerConfig.SERVER_PREFIX + myId + "=" + config.servers().get(myId)
                        + "; make them agree (end the line in :" + declared.configName() + " or remove "
                        + ServerConfig.PEER_TYPE + ")");
            }
        }

        List<String> warnings = new ArrayList<>();
        if (voters.size() <= 2) {
            warnings.add(WARN_NO_FAILURE_TOLERATED);
        } else if (voters.size() % 2 == 0) {
            warnings.add(WARN_EVEN_VOTERS);
        }
        for (String w : warnings) {
            LOG.warn(w);
        }
        return new QuorumConfig(myId, false, peers, voters, observers, config.initLimitTicks(),
                config.syncLimitTicks(), warnings);
    }

    /** Every (host, port) a line names, across all lines and within one, must be distinct. */
    private static void checkDistinctAddresses(SortedMap<Long, QuorumPeerSpec> peers, SortedMap<Long, String> raw) {
        Map<String, String> seen = new HashMap<>();
        for (QuorumPeerSpec p : peers.values()) {
            String host = p.canonicalHost();
            List<String[]> endpoints = new ArrayList<>();
            endpoints.add(new String[] {"quorum address", host, Integer.toString(p.quorumPort())});
            endpoints.add(new String[] {"election address", host, Integer.toString(p.electionPort())});
            if (p.clientPort() != 0) {
                String clientHost = p.clientHost() == null || QuorumPeerSpec.isWildcard(p.clientHost())
                        ? host : QuorumPeerSpec.canonical(p.clientHost());
                endpoints.add(new String[] {"client address", clientHost, Integer.toString(p.clientPort())});
            }
            for (String[] ep : endpoints) {
                String address = (ep[1].indexOf(':') >= 0 ? "[" + ep[1] + "]" : ep[1]) + ":" + ep[2];
                String use = ep[0] + " of " + ServerConfig.SERVER_PREFIX + p.id();
                String earlier = seen.putIfAbsent(address, use);
                if (earlier != null) {
                    String key = ServerConfig.SERVER_PREFIX + p.id();
                    throw ConfigException.invalid(key, raw.get(p.id()), "an address used by no other line ("
                            + "the " + ep[0] + " " + address + " is already the " + earlier + ")");
                }
            }
        }
    }

    private static String renderFingerprint(SortedMap<Long, QuorumPeerSpec> peers) {
        StringJoiner j = new StringJoiner(",", FINGERPRINT_VERSION + ":", "");
        for (QuorumPeerSpec p : peers.values()) {
            j.add(p.id() + "=" + p.canonicalForm());
        }
        return j.toString();
    }

    private static String keys(Set<Long> ids) {
        StringJoiner j = new StringJoiner(", ");
        for (long id : ids) {
            j.add(ServerConfig.SERVER_PREFIX + id);
        }
        return j.toString();
    }

    // ---- accessors ----

    /** True when the configuration has no {@code server.N} lines. */
    public boolean isStandalone() {
        return standalone;
    }

    /** This server's id: its {@code myid}, or {@link #STANDALONE_ID} when standalone. */
    public long myId() {
        return myId;
    }

    /** True when this server is an observer (never for a standalone server). */
    public boolean isObserver() {
        return observers.contains(myId);
    }

    /** This server's own line; empty when standalone. */
    public Optional<QuorumPeerSpec> self() {
        return peer(myId);
    }

    /** The line of server {@code id}; empty for an id not in the configuration (and always when standalone). */
    public Optional<QuorumPeerSpec> peer(long id) {
        return Optional.ofNullable(peers.get(id));
    }

    /** Every configured server by id (this one included); empty when standalone. */
    public SortedMap<Long, QuorumPeerSpec> peers() {
        return peers;
    }

    /** The participants' ids, ascending; {@code [0]} when standalone. */
    public SortedSet<Long> voters() {
        return voters;
    }

    /** The observers' ids, ascending. */
    public SortedSet<Long> observers() {
        return observers;
    }

    /** Voters and observers, ascending. */
    public SortedSet<Long> members() {
        SortedSet<Long> all = new TreeSet<>(voters);
        all.addAll(observers);
        return Collections.unmodifiableSortedSet(all);
    }

    /** The other members this server talks to (every member but itself), ascending. */
    public SortedSet<Long> others() {
        SortedSet<Long> all = new TreeSet<>(members());
        all.remove(myId);
        return Collections.unmodifiableSortedSet(all);
    }

    /** The fewest voters that form a quorum: a strict majority of the voters. */
    public int quorumSize() {
        return voters.size() / 2 + 1;
    }

    /** True when {@code ids} contains a strict majority of the voters; observers and strangers do not count. */
    public boolean isQuorum(Set<Long> ids) {
        int n = 0;
        for (Long id : ids) {
            if (id != null && voters.contains(id)) {
                n++;
            }
        }
        return n >= quorumSize();
    }

    /** {@code initLimit}, in ticks. */
    public int initLimitTicks() {
        return initLimitTicks;
    }

    /** {@code syncLimit}, in ticks. */
    public int syncLimitTicks() {
        return syncLimitTicks;
    }

    /** Warnings ZooKeeper would also give (too few or an even number of voters); each was logged. */
    public List<String> warnings() {
        return warnings;
    }

    /**
     * A canonical rendering of the member list, the same on every server of a correctly configured
     * ensemble whatever its myid, peerType, client addresses, line order, host-name case or IPv6
     * spelling: {@code v1:1=zk1:2888:3888:participant,2=...}. Peers exchange it at connection time
     * and refuse a peer whose fingerprint differs. {@value #STANDALONE_FINGERPRINT} when standalone.
     */
    public String fingerprint() {
        return fingerprint;
    }

    /** True when {@code other} is this ensemble's {@link #fingerprint()}. */
    public boolean sameMembers(String other) {
        return fingerprint.equals(other);
    }

    /** Same server, same members, same tick limits. */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof QuorumConfig q)) {
            return false;
        }
        return myId == q.myId && standalone == q.standalone && initLimitTicks == q.initLimitTicks
                && syncLimitTicks == q.syncLimitTicks && peers.equals(q.peers);
    }

    @Override
    public int hashCode() {
        return Objects.hash(myId, standalone, peers, initLimitTicks, syncLimitTicks);
    }

    @Override
    public String toString() {
        if (standalone) {
            return "QuorumConfig{standalone}";
        }
        return "QuorumConfig{myId=" + myId + (isObserver() ? " (observer)" : "") + ", voters=" + voters
                + ", observers=" + observers + ", quorumSize=" + quorumSize() + ", peers=" + peers.values() + "}";
    }
}
