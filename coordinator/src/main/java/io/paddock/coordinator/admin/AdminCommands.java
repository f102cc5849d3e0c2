package io.paddock.coordinator.admin;

import io.paddock.coordinator.tree.DataTree;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * Text of the four-letter words, in Apache ZooKeeper's line formats so that existing monitoring
 * scripts (which grep "Mode: ", "zk_server_state", "zk_znode_count", ...) keep working.
 */
public final class AdminCommands {
    /** The ZooKeeper release whose protocol and output formats Paddock follows, plus our own version. */
    public static final String VERSION = "3.9.4-paddock-0.1.0";
    private static final String BUILT = "built on 2026-11-22 00:00 UTC";

    /** The configuration conf and dirs print. */
    public record Settings(java.nio.file.Path dataDir, java.nio.file.Path dataLogDir, int tickTimeMs,
                           int maxClientCnxns, int minSessionTimeoutMs, int maxSessionTimeoutMs) {}

    private final Settings config;
    private final LongSupplier uptimeMs;
    private final IntSupplier openConnections;
    private final IntSupplier boundPort;
    /** ZooKeeper's default trace mask; gtmk/stmk read and set it (it gates nothing here). */
    private volatile long traceMask = 306;

    public AdminCommands(Settings config, LongSupplier uptimeMs, IntSupplier openConnections, IntSupplier boundPort) {
        this.config = config;
        this.uptimeMs = uptimeMs;
        this.openConnections = openConnections;
        this.boundPort = boundPort;
    }

    /** stmk: sets the trace mask from the 8 bytes after the word and prints it. */
    public String setTraceMask(long mask) {
        traceMask = mask;
        return Long.toString(mask);
    }

    /** ZooKeeper prints averages as Java doubles rounded to 4 decimals ("0.0", "8.875", "1.3333"). */
    static String avg(double v) {
        return Double.toString(Math.round(v * 10000.0) / 10000.0);
    }

    /** " /127.0.0.1:5555[1](queued=0,recved=3,sent=2" as ZooKeeper's dumpConnectionInfo starts. */
    private static void connectionPrefix(StringBuilder sb, ServerView.Connection c) {
        sb.append(" /").append(c.remoteAddress()).append('[').append(c.fourLetterWord() ? "0" : "1")
                .append("](queued=").append(c.queued()).append(",recved=").append(c.received())
                .append(",sent=").append(c.sent());
    }

    public String render(String word, ServerView v) {
        return switch (word) {
            case "srvr" -> srvr(v, false);
            case "stat" -> srvr(v, true);
            case "mntr" -> mntr(v);
            case "conf" -> conf();
            case "cons" -> cons(v);
            case "crst" -> "Connection stats reset.\n";
            case "envi" -> envi();
            case "wchs" -> wchs(v);
            case "wchc" -> wchc(v);
            case "wchp" -> wchp(v);
            case "dump" -> dump(v);
            case "isro" -> "rw";
            case "dirs" -> dirs();
            case "gtmk" -> Long.toString(traceMask);
            // ZooKeeper's line format "<zxid hex>: <digest>", for the current state only
            case "hash" -> Long.toHexString(v.lastZxid()) + ": " + Long.toUnsignedString(v.treeDigest()) + "\n";
            default -> word + " is not supported by this server.\n";
        };
    }

    private String srvr(ServerView v, boolean withClients) {
        StringBuilder sb = new StringBuilder();
        sb.append("Zookeeper version: ").append(VERSION).append(", ").append(BUILT).append('\n');
        if (withClients) {
            sb.append("Clients:\n");
            for (ServerView.Connection c : v.connections()) {
                connectionPrefix(sb, c);
                sb.append(")\n");
            }
            sb.append('\n');
        }
        ServerView.Stats s = v.stats();
        sb.append("Latency min/avg/max: ").append(s.minLatencyMs()).append('/')
                .append(avg(s.avgLatencyMs())).append('/').append(s.maxLatencyMs()).append('\n');
        sb.append("Received: ").append(s.packetsReceived()).append('\n');
        sb.append("Sent: ").append(s.packetsSent()).append('\n');
        sb.append("Connections: ").append(v.connections().size()).append('\n');
        sb.append("Outstanding: ").append(v.outstandingRequests()).append('\n');
        sb.append("Zxid: 0x").append(Long.toHexString(v.lastZxid())).append('\n');
        sb.append("Mode: ").append(v.quorum() == null ? "standalone" : v.quorum().mode()).append('\n');
        sb.append("Node count: ").append(zkNodeCount(v)).append('\n');
        return sb.toString();
    }

    /**
     * ZooKeeper's node map holds the root twice (as "" and "/"), so its counts are one higher than
     * the number of znodes; dashboards compare against those numbers, so report them the same way.
     */
    private static int zkNodeCount(ServerView v) {
        return v.nodeCount() + 1;
    }

    private String mntr(ServerView v) {
        ServerView.Stats s = v.stats();
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("zk_version", VERSION + ", " + BUILT);
        m.put("zk_server_state", v.quorum() == null ? "standalone" : v.quorum().mode());
        m.put("zk_ephemerals_count", v.ephemeralCount());
        m.put("zk_num_alive_connections", v.connections().size());
        m.put("zk_avg_latency", avg(s.avgLatencyMs()));
        m.put("zk_outstanding_requests", v.outstandingRequests());
        m.put("zk_znode_count", zkNodeCount(v));
        m.put("zk_global_sessions", v.sessionCount());
        m.put("zk_local_sessions", 0);
        m.put("zk_packets_sent", s.packetsSent());
        m.put("zk_packets_received", s.packetsReceived());
        m.put("zk_watch_count", v.watchCount());
        m.put("zk_min_latency", s.minLatencyMs());
        m.put("zk_max_latency", s.maxLatencyMs());
        m.put("zk_approximate_data_size", v.approximateDataSize());
        m.put("zk_uptime", uptimeMs.getAsLong());
        m.put("zk_last_zxid", "0x" + Long.toHexString(v.lastZxid()));
        m.put("zk_tree_digest", Long.toUnsignedString(v.treeDigest()));
        m.put("zk_txns_applied", s.txnsApplied());
        m.put("zk_sessions_expired", s.sessionsExpired());
        ServerView.Quorum q = v.quorum();
        if (q != null) {
            if ("leader".equals(q.mode())) {
                m.put("zk_learners", q.followers());
                m.put("zk_followers", q.followers());
                m.put("zk_synced_followers", q.syncedFollowers());
                m.put("zk_pending_syncs", q.pendingSyncs());
            }
            m.put("zk_peer_state", q.mode() + (q.serving() ? " - broadcast" : " - synchronization"));
            m.put("zk_quorum_leader_id", q.leaderId());
            m.put("zk_zab_epoch", q.epoch());
            m.put("zk_zab_accepted_epoch", q.acceptedEpoch());
            m.put("zk_zab_current_epoch", q.currentEpoch());
            m.put("zk_zab_last_logged_zxid", "0x" + Long.toHexString(q.lastLoggedZxid()));
            m.put("zk_zab_committed_zxid", "0x" + Long.toHexString(q.committedZxid()));
        }
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            m.put("zk_open_file_descriptor_count", unix.getOpenFileDescriptorCount());
            m.put("zk_max_file_descriptor_count", unix.getMaxFileDescriptorCount());
        }
        StringBuilder sb = new StringBuilder();
        m.forEach((k, val) -> sb.append(k).append('\t').append(val).append('\n'));
        return sb.toString();
    }

    private String conf() {
        StringBuilder sb = new StringBuilder();
        sb.append("clientPort=").append(boundPort.getAsInt()).append('\n');
        sb.append("secureClientPort=-1\n");
        sb.append("dataDir=").append(config.dataDir().toAbsolutePath()).append('\n');
        sb.append("dataDirSize=").append(DirSize.of(config.dataDir())).append('\n');
        sb.append("dataLogDir=").append(config.dataLogDir().toAbsolutePath()).append('\n');
        sb.append("dataLogSize=").append(DirSize.of(config.dataLogDir())).append('\n');
        sb.append("tickTime=").append(config.tickTimeMs()).append('\n');
        sb.append("maxClientCnxns=").append(config.maxClientCnxns()).append('\n');
        sb.append("minSessionTimeout=").append(config.minSessionTimeoutMs()).append('\n');
        sb.append("maxSessionTimeout=").append(config.maxSessionTimeoutMs()).append('\n');
        sb.append("clientPortListenBacklog=-1\n");
        sb.append("serverId=0\n");
        return sb.toString();
    }

    private String cons(ServerView v) {
        StringBuilder sb = new StringBuilder();
        for (ServerView.Connection c : v.connections()) {
            connectionPrefix(sb, c);
            if (c.sessionId() != 0) {
                sb.append(",sid=0x").append(Long.toHexString(c.sessionId()))
                        .append(",lop=").append(c.lastOp())
                        .append(",est=").append(c.connectedAtMs())
                        .append(",to=").append(c.timeoutMs());
                if (c.lastCxid() >= 0) {
                    sb.append(",lcxid=0x").append(Integer.toHexString(c.lastCxid()));
                }
                sb.append(",lzxid=0x").append(Long.toHexString(c.lastZxid()))
                        .append(",lresp=").append(c.lastResponseMs())
                        .append(",llat=").append(c.lastLatencyMs())
                        .append(",minlat=").append(c.minLatencyMs())
                        .append(",avglat=").append(c.avgLatencyMs())
                        .append(",maxlat=").append(c.maxLatencyMs());
            }
            sb.append(")\n");
        }
        sb.append('\n');
        return sb.toString();
    }

    private String envi() {
        StringBuilder sb = new StringBuilder("Environment:\n");
        sb.append("zookeeper.version=").append(VERSION).append(", ").append(BUILT).append('\n');
        String host;
        try {
            host = InetAddress.getLocalHost().getCanonicalHostName();
        } catch (java.io.IOException e) {
            host = "<NA>";
        }
        sb.append("host.name=").append(host).append('\n');
        for (String key : List.of("java.version", "java.vendor", "java.home", "java.class.path", "java.library.path",
                "java.io.tmpdir", "java.compiler", "os.name", "os.arch", "os.version", "user.name", "user.home",
                "user.dir")) {
            sb.append(key).append('=').append(System.getProperty(key, "<NA>")).append('\n');
        }
        Runtime rt = Runtime.getRuntime();
        sb.append("os.memory.free=").append(rt.freeMemory() / (1024 * 1024)).append("MB\n");
        sb.append("os.memory.max=").append(rt.maxMemory() / (1024 * 1024)).append("MB\n");
        sb.append("os.memory.total=").append(rt.totalMemory() / (1024 * 1024)).append("MB\n");
        return sb.toString();
    }

    private String wchs(ServerView v) {
        return v.dataWatches().connections() + " connections watching " + v.dataWatches().paths() + " paths\n"
                + "Total watches:" + v.dataWatches().watches() + "\n";
    }

    private String wchc(ServerView v) {
        StringBuilder sb = new StringBuilder();
        for (ServerView.Connection c : v.connections()) {
            List<String> paths = v.watchesByConnection().get(c.sink());
            if (paths == null || paths.isEmpty()) {
                continue;
            }
            sb.append("0x").append(Long.toHexString(c.sessionId())).append('\n');
            for (String p : paths) {
                sb.append('\t').append(p).append('\n');
            }
        }
        return sb.append('\n').toString();
    }

    private String wchp(ServerView v) {
        Map<String, List<Long>> byPath = new TreeMap<>();
        for (ServerView.Connection c : v.connections()) {
            List<String> paths = v.watchesByConnection().get(c.sink());
            if (paths != null) {
                for (String p : paths) {
                    byPath.computeIfAbsent(p, k -> new ArrayList<>()).add(c.sessionId());
                }
            }
        }
        StringBuilder sb = new StringBuilder();
        byPath.forEach((p, ids) -> {
            sb.append(p).append('\n');
            ids.forEach(id -> sb.append("\t0x").append(Long.toHexString(id)).append('\n'));
        });
        return sb.append('\n').toString();
    }

    private String dump(ServerView v) {
        StringBuilder sb = new StringBuilder("SessionTracker dump:\n");
        int sessions = v.expiryBuckets().values().stream().mapToInt(List::size).sum();
        sb.append("Session Sets (").append(v.expiryBuckets().size()).append(")/(").append(sessions).append("):\n");
        v.expiryBuckets().forEach((at, ids) -> {
            sb.append(ids.size()).append(" expire at ").append(new Date(at)).append(":\n");
            ids.forEach(id -> sb.append("\t0x").append(Long.toHexString(id)).append('\n'));
        });
        sb.append("ephemeral nodes dump:\n");
        sb.append("Sessions with Ephemerals (").append(v.ephemeralsBySession().size()).append("):\n");
        for (Map.Entry<Long, Set<String>> e : new TreeMap<>(v.ephemeralsBySession()).entrySet()) {
            sb.append("0x").append(Long.toHexString(e.getKey())).append(":\n");
            e.getValue().stream().sorted().forEach(p -> sb.append('\t').append(p).append('\n'));
        }
        // Connections grouped by when their session would expire (sessionless ones by their handshake deadline).
        Map<Long, List<ServerView.Connection>> byExpiry = new TreeMap<>();
        for (ServerView.Connection c : v.connections()) {
            long at = -1;
            for (Map.Entry<Long, List<Long>> b : v.expiryBuckets().entrySet()) {
                if (b.getValue().contains(c.sessionId())) {
                    at = b.getKey();
                }
            }
            byExpiry.computeIfAbsent(at < 0 ? c.connectedAtMs() + 10_000 : at, k -> new ArrayList<>()).add(c);
        }
        sb.append("Connections dump:\n");
        sb.append("Connections Sets (").append(byExpiry.size()).append(")/(").append(v.connections().size())
                .append("):\n");
        byExpiry.forEach((at, conns) -> {
            sb.append(conns.size()).append(" expire at ").append(new Date(at)).append(":\n");
            conns.forEach(c -> sb.append("\tip: /").append(c.remoteAddress()).append(" sessionId: 0x")
                    .append(Long.toHexString(c.sessionId())).append('\n'));
        });
        return sb.toString();
    }

    private String dirs() {
        return "datadir_size: " + DirSize.of(config.dataDir()) + "\nlogdir_size: " + DirSize.of(config.dataLogDir())
                + "\n";
    }
}
