package io.paddock.coordinator.server;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One {@code server.N} line of a {@code zoo.cfg}, parsed with Apache ZooKeeper's syntax:
 * <pre>server.N=host:quorumPort:electionPort[:participant|:observer][;[clientAddress:]clientPort]</pre>
 * An IPv6 host or client address is written in brackets ({@code [2001:db8::1]:2888:3888}). The role
 * defaults to participant and is matched without regard to case. As in ZooKeeper a trailing
 * {@code ;} or {@code :} adds nothing ({@code zk1:2888:3888;} has no client address).
 *
 * <p>Addresses stay unresolved: host names are compared as written (ignoring case), IPv6 literals
 * after normalization; nothing here looks a name up.
 *
 * @param id the N of {@code server.N}, from {@link QuorumConfig#MIN_SERVER_ID} to {@link QuorumConfig#MAX_SERVER_ID}
 * @param host the host as written, without IPv6 brackets
 * @param quorumPort the port followers connect to the leader on
 * @param electionPort the leader-election port
 * @param type participant (votes) or observer
 * @param clientHost the client address as written (without brackets), or null when only a port was given
 * @param clientPort the client port, or 0 when the line has no client part
 */
public record QuorumPeerSpec(long id, String host, int quorumPort, int electionPort, Type type,
                             String clientHost, int clientPort) {

    /** ZooKeeper's LearnerType. */
    public enum Type {
        PARTICIPANT, OBSERVER;

        /** The spelling used in {@code zoo.cfg}: "participant" or "observer". */
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What a {@code server.N} value must look like (part of every parse error). */
    public static final String EXPECTED_FORM =
            "host:quorumPort:electionPort[:participant|:observer][;[clientAddress:]clientPort]";
    /** The address a client part with only a port listens on, as in ZooKeeper. */
    public static final String WILDCARD_HOST = "0.0.0.0";

    private static final Pattern HEX_GROUP = Pattern.compile("[0-9A-Fa-f]{1,4}");
    private static final Pattern IPV6_LITERAL = Pattern.compile("[0-9A-Fa-f:.]+(%[0-9A-Za-z._-]+)?");

    public QuorumPeerSpec {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(type, "type");
        if (clientHost != null && clientPort == 0) {
            throw new IllegalArgumentException("a client host needs a client port");
        }
    }

    /**
     * Parses the value of {@code server.<id>}.
     *
     * @throws ConfigException with key {@code server.<id>} and the value as written, saying what is wrong
     */
    public static QuorumPeerSpec parse(long id, String value) {
        String key = ServerConfig.SERVER_PREFIX + id;
        if (value == null) {
            throw new ConfigException(key, null, "Missing value for " + key + ": expected " + EXPECTED_FORM);
        }
        String raw = value.trim();
        if (id < QuorumConfig.MIN_SERVER_ID || id > QuorumConfig.MAX_SERVER_ID) {
            throw new ConfigException(key, Long.toString(id), "Invalid server id " + id + " in " + key
                    + ": expected an integer from " + QuorumConfig.MIN_SERVER_ID + " to " + QuorumConfig.MAX_SERVER_ID
                    + " (the server id is the top byte of session ids; 255 is reserved)");
        }
        if (raw.indexOf('|') >= 0) {
            throw bad(key, raw, "several addresses per server ('|') are not supported");
        }
        // String.split drops trailing empty strings, exactly as ZooKeeper's parser sees them
        String[] serverClient = raw.split(";");
        if (serverClient.length == 0 || serverClient[0].isEmpty()) {
            throw bad(key, raw, "the host is missing");
        }
        if (serverClient.length > 2) {
            throw bad(key, raw, "more than one ';'");
        }
        String[] parts = splitHost(key, raw, serverClient[0]);
        if (parts.length < 3) {
            throw bad(key, raw, parts.length == 1 ? "the quorum and election ports are missing"
                    : "the election port is missing");
        }
        if (parts.length > 4) {
            boolean looksIpv6 = !serverClient[0].startsWith("[")
                    && (serverClient[0].contains("::") || HEX_GROUP.matcher(parts[0]).matches());
            throw bad(key, raw, looksIpv6
                    ? "too many ':'-separated fields; write an IPv6 address in brackets: [2001:db8::1]:2888:3888"
                    : "too many ':'-separated fields");
        }
        String host = parts[0];
        checkHost(key, raw, host, serverClient[0].startsWith("["), "host");
        int quorumPort = parsePort(key, raw, "quorum port", parts[1]);
        int electionPort = parsePort(key, raw, "election port", parts[2]);
        if (quorumPort == electionPort) {
            throw bad(key, raw, "the quorum port and the election port must differ; both are " + quorumPort);
        }
        Type type = Type.PARTICIPANT;
        if (parts.length == 4) {
            switch (parts[3].toLowerCase(Locale.ROOT)) {
                case "participant" -> type = Type.PARTICIPANT;
                case "observer" -> type = Type.OBSERVER;
                default -> throw bad(key, raw, "unknown role '" + parts[3] + "', expected participant or observer");
            }
        }
        String clientHost = null;
        int clientPort = 0;
        if (serverClient.length == 2) {
            String clientPart = serverClient[1];
            if (clientPart.isEmpty()) {
                throw bad(key, raw, "the client port after ';' is missing");
            }
            String[] cp = splitHost(key, raw, clientPart);
            if (cp.length > 2) {
                throw bad(key, raw, "the client part '" + clientPart + "' has too many ':'-separated fields");
            }
            if (cp.length == 1 && clientPart.startsWith("[")) {
                throw bad(key, raw, "the client port after '" + clientPart + "' is missing");
            }
            if (cp.length == 2) {
                clientHost = cp[0];
                checkHost(key, raw, clientHost, clientPart.startsWith("["), "client address");
            }
            clientPort = parsePort(key, raw, "client port", cp[cp.length - 1]);
        }
        return new QuorumPeerSpec(id, host, quorumPort, electionPort, type, clientHost, clientPort);
    }

    public boolean isObserver() {
        return type == Type.OBSERVER;
    }

    public boolean isParticipant() {
        return type == Type.PARTICIPANT;
    }

    /** Where followers and observers connect to this server when it leads (unresolved). */
    public InetSocketAddress quorumAddress() {
        return InetSocketAddress.createUnresolved(host, quorumPort);
    }

    /** Where this server listens for leader-election connections (unresolved). */
    public InetSocketAddress electionAddress() {
        return InetSocketAddress.createUnresolved(host, electionPort);
    }

    /**
     * The client listen address of the line's client part (unresolved), as ZooKeeper reads it:
     * {@code 0.0.0.0:port} when only a port was given; empty without a client part.
     */
    public Optional<InetSocketAddress> clientAddress() {
        if (clientPort == 0) {
            return Optional.empty();
        }
        return Optional.of(InetSocketAddress.createUnresolved(clientHost != null ? clientHost : WILDCARD_HOST,
                clientPort));
    }

    /**
     * Where a client reaches this server (unresolved): the client address, or this server's host
     * when the client part names no host or a wildcard; empty without a client part.
     */
    public Optional<InetSocketAddress> clientConnectAddress() {
        if (clientPort == 0) {
            return Optional.empty();
        }
        String h = clientHost == null || isWildcard(clientHost) ? host : clientHost;
        return Optional.of(InetSocketAddress.createUnresolved(h, clientPort));
    }

    /** The host as compared across lines: lower case, IPv6 literals normalized. */
    public String canonicalHost() {
        return canonical(host);
    }

    /**
     * The membership-relevant part in canonical form, {@code host:quorumPort:electionPort:type}
     * (IPv6 in brackets). Client addresses are left out: they do not affect agreement.
     */
    public String canonicalForm() {
        return bracket(canonicalHost()) + ":" + quorumPort + ":" + electionPort + ":" + type.configName();
    }

    /** The line as it could be written back into a {@code zoo.cfg} (value of {@code server.N}). */
    public String toConfigValue() {
        StringBuilder sb = new StringBuilder().append(bracket(host)).append(':').append(quorumPort).append(':')
                .append(electionPort).append(':').append(type.configName());
        if (clientPort != 0) {
            sb.append(';');
            if (clientHost != null) {
                sb.append(bracket(clientHost)).append(':');
            }
            sb.append(clientPort);
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return ServerConfig.SERVER_PREFIX + id + "=" + toConfigValue();
    }

    // ---- parsing helpers ----

    /** ZooKeeper's ConfigUtils.getHostAndPort: a leading [IPv6] host, then ':'-separated fields. */
    private static String[] splitHost(String key, String raw, String s) {
        if (!s.startsWith("[")) {
            return s.split(":");
        }
        int close = s.indexOf(']');
        if (close < 0) {
            throw bad(key, raw, "'" + s + "' starts with '[' but has no matching ']'");
        }
        if (close + 1 < s.length() && s.charAt(close + 1) != ':') {
            throw bad(key, raw, "'" + s + "' has no ':' after ']'");
        }
        String host = s.substring(1, close);
        String rest = close + 2 <= s.length() ? s.substring(close + 2) : "";
        String[] fields = rest.isEmpty() ? new String[0] : rest.split(":");
        String[] out = new String[fields.length + 1];
        out[0] = host;
        System.arraycopy(fields, 0, out, 1, fields.length);
        return out;
    }

    private static void checkHost(String key, String raw, String host, boolean bracketed, String what) {
        if (host.isEmpty()) {
            throw bad(key, raw, "the " + what + " is empty");
        }
        for (int i = 0; i < host.length(); i++) {
            if (Character.isWhitespace(host.charAt(i)) || Character.isISOControl(host.charAt(i))) {
                throw bad(key, raw, "the " + what + " '" + host + "' contains white space");
            }
        }
        if (bracketed && !isIpv6Literal(host)) {
            throw bad(key, raw, "'[" + host + "]' is not an IPv6 address (only IPv6 addresses go in brackets)");
        }
    }

    private static int parsePort(String key, String raw, String what, String text) {
        int port;
        try {
            port = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw bad(key, raw, "the " + what + " '" + text + "' is not a number");
        }
        if (port < 1 || port > 65535) {
            throw bad(key, raw, "the " + what + " " + port + " is not from 1 to 65535");
        }
        return port;
    }

    private static ConfigException bad(String key, String raw, String detail) {
        return ConfigException.invalid(key, raw, EXPECTED_FORM + " (" + detail + ")");
    }

    // ---- host forms ----

    static boolean isIpv6Literal(String host) {
        if (host.indexOf(':') < 0 || !IPV6_LITERAL.matcher(host).matches()) {
            return false;
        }
        if (host.indexOf('%') >= 0) {
            return true; // a scope id names a local interface; checking it would depend on this machine
        }
        try {
            InetAddress.getByName("[" + host + "]"); // a bracketed literal is parsed, never looked up
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    static String canonical(String host) {
        if (host.indexOf(':') >= 0 && host.indexOf('%') < 0) {
            try {
                return InetAddress.getByName("[" + host + "]").getHostAddress().toLowerCase(Locale.ROOT);
            } catch (UnknownHostException e) {
                // not a literal (cannot happen for a parsed line): fall through to the plain form
            }
        }
        return host.toLowerCase(Locale.ROOT);
    }

    static boolean isWildcard(String host) {
        String c = canonical(host);
        return c.equals(WILDCARD_HOST) || c.equals("0:0:0:0:0:0:0:0");
    }

    private static String bracket(String host) {
        return host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    }
}
