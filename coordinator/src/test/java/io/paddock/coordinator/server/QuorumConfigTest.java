package io.paddock.coordinator.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QuorumConfigTest {
    private static final String FORM =
            "host:quorumPort:electionPort[:participant|:observer][;[clientAddress:]clientPort]";

    @TempDir
    Path tmp;

    /** A configuration from "server.N", "value" and "peerType", "value" pairs. */
    private ServerConfig config(String... kv) {
        ServerConfigBuilder b = ServerConfig.builder().dataDir(tmp.resolve("data"));
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i].equals(ServerConfig.PEER_TYPE)) {
                b.peerType(kv[i + 1]);
            } else {
                b.server(Long.parseLong(kv[i].substring(ServerConfig.SERVER_PREFIX.length())), kv[i + 1]);
            }
        }
        return b.build();
    }

    private static InetSocketAddress unresolved(String host, int port) {
        return InetSocketAddress.createUnresolved(host, port);
    }

    private static final String[] THREE = {
        "server.1", "zk1:2888:3888", "server.2", "zk2:2888:3888", "server.3", "zk3:2888:3888"};

    // ---------------------------------------------------------------- standalone

    @Test
    void noServerLinesIsStandalone() {
        ServerConfig c = config();
        QuorumConfig q = QuorumConfig.from(c, 0);
        assertTrue(q.isStandalone());
        assertEquals(QuorumConfig.standalone(), q);
        assertEquals(q, QuorumConfig.from(c, 7)); // myid is not used without server lines
        assertEquals(0, q.myId());
        assertFalse(q.isObserver());
        assertEquals(List.of(0L), List.copyOf(q.voters()));
        assertTrue(q.observers().isEmpty());
        assertTrue(q.peers().isEmpty());
        assertEquals(Optional.empty(), q.peer(0));
        assertEquals(Optional.empty(), q.self());
        assertEquals(1, q.quorumSize());
        assertTrue(q.isQuorum(Set.of(0L)));
        assertFalse(q.isQuorum(Set.of()));
        assertEquals("standalone", q.fingerprint());
        assertEquals(List.of(), q.warnings());
        assertEquals("QuorumConfig{standalone}", q.toString());
    }

    @Test
    void peerTypeWithoutServerLinesIsIgnored() {
        QuorumConfig q = QuorumConfig.from(config("peerType", "observer"), 0);
        assertTrue(q.isStandalone());
        assertFalse(q.isObserver());
    }

    @Test
    void standaloneCarriesTheConfiguredTickLimits() {
        ServerConfig c = ServerConfig.builder().dataDir(tmp).initLimitTicks(7).syncLimitTicks(3).build();
        QuorumConfig q = QuorumConfig.from(c, 0);
        assertEquals(7, q.initLimitTicks());
        assertEquals(3, q.syncLimitTicks());
        assertEquals(10, QuorumConfig.standalone().initLimitTicks());
        assertEquals(5, QuorumConfig.standalone().syncLimitTicks());
    }

    // ---------------------------------------------------------------- syntax variants

    @Test
    void plainLine() {
        QuorumConfig q = QuorumConfig.from(config(THREE), 2);
        assertFalse(q.isStandalone());
        assertEquals(2, q.myId());
        assertFalse(q.isObserver());
        assertEquals(List.of(1L, 2L, 3L), List.copyOf(q.voters()));
        assertEquals(List.of(), List.copyOf(q.observers()));
        assertEquals(List.of(1L, 2L, 3L), List.copyOf(q.members()));
        assertEquals(List.of(1L, 3L), List.copyOf(q.others()));
        QuorumPeerSpec p = q.peer(2).orElseThrow();
        assertEquals(new QuorumPeerSpec(2, "zk2", 2888, 3888, QuorumPeerSpec.Type.PARTICIPANT, null, 0), p);
        assertEquals(p, q.self().orElseThrow());
        assertEquals(unresolved("zk2", 2888), p.quorumAddress());
        assertEquals(unresolved("zk2", 3888), p.electionAddress());
        assertTrue(p.quorumAddress().isUnresolved());
        assertEquals(Optional.empty(), p.clientAddress());
        assertEquals(Optional.empty(), p.clientConnectAddress());
        assertEquals("server.2=zk2:2888:3888:participant", p.toString());
        assertEquals(Optional.empty(), q.peer(4));
    }

    @Test
    void explicitRolesAnyCase() {
        QuorumConfig q = QuorumConfig.from(config(
                "server.1", "zk1:2888:3888:participant",
                "server.2", "zk2:2888:3888:PARTICIPANT",
                "server.3", "zk3:2888:3888:participant",
                "server.4", "zk4:2888:3888:observer",
                "server.5", "zk5:2888:3888:Observer"), 4);
        assertTrue(q.isObserver());
        assertEquals(List.of(1L, 2L, 3L), List.copyOf(q.voters()));
        assertEquals(List.of(4L, 5L), List.copyOf(q.observers()));
        assertEquals(QuorumPeerSpec.Type.OBSERVER, q.peer(5).orElseThrow().type());
        assertTrue(q.peer(5).orElseThrow().isObserver());
        assertTrue(q.peer(2).orElseThrow().isParticipant());
        assertEquals("server.5=zk5:2888:3888:observer", q.peer(5).orElseThrow().toString());
    }

    @Test
    void clientPortOnly() {
        QuorumPeerSpec p = QuorumPeerSpec.parse(1, "zk1:2888:3888;2181");
        assertEquals(new QuorumPeerSpec(1, "zk1", 2888, 3888, QuorumPeerSpec.Type.PARTICIPANT, null, 2181), p);
        assertEquals(Optional.of(unresolved("0.0.0.0", 2181)), p.clientAddress());
        assertEquals(Optional.of(unresolved("zk1", 2181)), p.clientConnectAddress());
        assertEquals("zk1:2888:3888:participant;2181", p.toConfigValue());
    }

    @Test
    void clientAddressAndPortWithRole() {
        QuorumPeerSpec p = QuorumPeerSpec.parse(3, "zk3:2888:3888:observer;10.0.0.3:2182");
        assertEquals(new QuorumPeerSpec(3, "zk3", 2888, 3888, QuorumPeerSpec.Type.OBSERVER, "10.0.0.3", 2182), p);
        assertEquals(Optional.of(unresolved("10.0.0.3", 2182)), p.clientAddress());
        assertEquals(Optional.of(unresolved("10.0.0.3", 2182)), p.clientConnectAddress());
        assertEquals("zk3:2888:3888:observer;10.0.0.3:2182", p.toConfigValue());
    }

    @Test
    void wildcardClientAddressIsReachedThroughTheServerHost() {
        QuorumPeerSpec p = QuorumPeerSpec.parse(1, "zk1:2888:3888;0.0.0.0:2181");
        assertEquals(Optional.of(unresolved("0.0.0.0", 2181)), p.clientAddress());
        assertEquals(Optional.of(unresolved("zk1", 2181)), p.clientConnectAddress());
        QuorumPeerSpec v6 = QuorumPeerSpec.parse(1, "zk1:2888:3888;[::]:2181");
        assertEquals(Optional.of(unresolved("zk1", 2181)), v6.clientConnectAddress());
    }

    @Test
    void ipv6HostsInBrackets() {
        QuorumPeerSpec p = QuorumPeerSpec.parse(2, "[2001:db8::2]:2888:3888:observer;[2001:db8::2]:2181");
        assertEquals(new QuorumPeerSpec(2, "2001:db8::2", 2888, 3888, QuorumPeerSpec.Type.OBSERVER,
                "2001:db8::2", 2181), p);
        assertEquals(unresolved("2001:db8::2", 2888), p.quorumAddress());
        assertEquals(unresolved("2001:db8::2", 3888), p.electionAddress());
        assertEquals(Optional.of(unresolved("2001:db8::2", 2181)), p.clientAddress());
        assertEquals("[2001:db8::2]:2888:3888:observer;[2001:db8::2]:2181", p.toConfigValue());
        assertEquals("[2001:db8:0:0:0:0:0:2]:2888:3888:observer", p.canonicalForm());

        QuorumPeerSpec plain = QuorumPeerSpec.parse(1, "[::1]:2888:3888");
        assertEquals("::1", plain.host());
        assertEquals(QuorumPeerSpec.Type.PARTICIPANT, plain.type());
        QuorumPeerSpec clientOnly = QuorumPeerSpec.parse(1, "[::1]:2888:3888;2181");
        assertEquals(Optional.of(unresolved("::1", 2181)), clientOnly.clientConnectAddress());
        QuorumPeerSpec scoped = QuorumPeerSpec.parse(1, "[fe80::1%eth0]:2888:3888");
        assertEquals("fe80::1%eth0", scoped.host());
    }

    @Test
    void trailingSeparatorsAddNothingAsInZooKeeper() {
        assertEquals(QuorumPeerSpec.parse(1, "zk1:2888:3888"), QuorumPeerSpec.parse(1, "zk1:2888:3888;"));
        assertEquals(QuorumPeerSpec.parse(1, "zk1:2888:3888"), QuorumPeerSpec.parse(1, "zk1:2888:3888:"));
        assertEquals(QuorumPeerSpec.parse(1, "zk1:2888:3888"), QuorumPeerSpec.parse(1, "  zk1:2888:3888 "));
    }

    @Test
    void readsLinesLoadedFromAZooCfg() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("dataDir", tmp.toString());
        m.put("server.1", "127.0.0.1:2888:3888;2181");
        m.put("server.2", "127.0.0.1:2889:3889;2182");
        m.put("server.3", "127.0.0.1:2890:3890:observer;2183");
        m.put("peerType", "observer");
        QuorumConfig q = QuorumConfig.from(ConfigLoader.fromProperties(m), 3);
        assertTrue(q.isObserver());
        assertEquals(List.of(1L, 2L), List.copyOf(q.voters()));
        assertEquals(Optional.of(unresolved("127.0.0.1", 2183)), q.peer(3).orElseThrow().clientConnectAddress());
    }

    // ---------------------------------------------------------------- line errors

    @ParameterizedTest
    @CsvSource(delimiter = '#', quoteCharacter = '"', value = {
        "zk1 # the quorum and election ports are missing",
        "zk1:2888 # the election port is missing",
        "; # the host is missing",
        ";2181 # the host is missing",
        ":2888:3888 # the host is empty",
        "zk 1:2888:3888 # the host 'zk 1' contains white space",
        "zk1:2888:3888:observer:extra # too many ':'-separated fields",
        "2001:db8::1:2888:3888 # too many ':'-separated fields; write an IPv6 address in brackets: [2001:db8::1]:2888:3888",
        "[::1:2888:3888 # '[::1:2888:3888' starts with '[' but has no matching ']'",
        "[::1]2888:3888 # '[::1]2888:3888' has no ':' after ']'",
        "[::1]: # the quorum and election ports are missing",
        "[zk1]:2888:3888 # '[zk1]' is not an IPv6 address (only IPv6 addresses go in brackets)",
        "[1::2::3]:2888:3888 # '[1::2::3]' is not an IPv6 address (only IPv6 addresses go in brackets)",
        "zk1:abc:3888 # the quorum port 'abc' is not a number",
        "zk1:2888: # the election port is missing",
        "zk1::3888 # the quorum port '' is not a number",
        "zk1:2888:x3888 # the election port 'x3888' is not a number",
        "zk1:0:3888 # the quorum port 0 is not from 1 to 65535",
        "zk1:70000:3888 # the quorum port 70000 is not from 1 to 65535",
        "zk1:2888:65536 # the election port 65536 is not from 1 to 65535",
        "zk1:2888:-1 # the election port -1 is not from 1 to 65535",
        "zk1:2888:2888 # the quorum port and the election port must differ; both are 2888",
        "[::1]:3888:3888:observer # the quorum port and the election port must differ; both are 3888",
        "zk1:2888:3888:leader # unknown role 'leader', expected participant or observer",
        "zk1:2888:3888;abc # the client port 'abc' is not a number",
        "zk1:2888:3888;0 # the client port 0 is not from 1 to 65535",
        "zk1:2888:3888;65536 # the client port 65536 is not from 1 to 65535",
        "zk1:2888:3888;h:1:2 # the client part 'h:1:2' has too many ':'-separated fields",
        "zk1:2888:3888;:2181 # the client address is empty",
        "zk1:2888:3888;[::1] # the client port after '[::1]' is missing",
        "zk1:2888:3888;[zk1]:2181 # '[zk1]' is not an IPv6 address (only IPv6 addresses go in brackets)",
        "zk1:2888:3888;2181;2182 # more than one ';'",
        "zk1|zk1b:2888:3888 # several addresses per server ('|') are not supported",
    })
    void malformedLineIsRejectedNamingKeyAndValue(String value, String detail) {
        ConfigException e = assertThrows(ConfigException.class,
                () -> QuorumConfig.from(config("server.1", value, "server.2", "zk2:2888:3888"), 1));
        assertEquals("server.1", e.key());
        assertEquals(value, e.value());
        assertEquals("Invalid value '" + value + "' for server.1: expected " + FORM + " (" + detail + ")",
                e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"0", "255", "1000", "-3"})
    void serverIdOutOfRange(long id) {
        ConfigException e = assertThrows(ConfigException.class,
                () -> QuorumConfig.from(config("server.1", "zk1:2888:3888", "server." + id, "zkx:2888:3888"), 1));
        assertEquals("server." + id, e.key());
        assertEquals(Long.toString(id), e.value());
        assertEquals("Invalid server id " + id + " in server." + id + ": expected an integer from 1 to 254"
                + " (the server id is the top byte of session ids; 255 is reserved)", e.getMessage());
    }

    @Test
    void largestAndSmallestServerIdsAreAccepted() {
        QuorumConfig q = QuorumConfig.from(config("server.1", "a:1:2", "server.254", "b:1:2", "server.100", "c:1:2"),
                254);
        assertEquals(List.of(1L, 100L, 254L), List.copyOf(q.voters()));
        assertEquals(254, q.myId());
    }

    // ---------------------------------------------------------------- duplicate addresses

    private static ConfigException duplicate(QuorumConfigTest t, String... kv) {
        return assertThrows(ConfigException.class, () -> QuorumConfig.from(t.config(kv), 1));
    }

    @Test
    void sameQuorumAddressOnTwoLines() {
        ConfigException e = duplicate(this, "server.1", "zk1:2888:3888", "server.2", "ZK1:2888:3889");
        assertEquals("server.2", e.key());
        assertEquals("ZK1:2888:3889", e.value());
        assertEquals("Invalid value 'ZK1:2888:3889' for server.2: expected an address used by no other line"
                + " (the quorum address zk1:2888 is already the quorum address of server.1)", e.getMessage());
    }

    @Test
    void electionAddressClashingWithAnotherServersQuorumAddress() {
        ConfigException e = duplicate(this, "server.1", "h:2888:3888", "server.2", "h:2889:2888");
        assertEquals("server.2", e.key());
        assertEquals("Invalid value 'h:2889:2888' for server.2: expected an address used by no other line"
                + " (the election address h:2888 is already the quorum address of server.1)", e.getMessage());
    }

    @Test
    void clientAddressesCount() {
        ConfigException e = duplicate(this, "server.1", "h:2888:3888;2181", "server.2", "h:2889:3889;2181");
        assertEquals("Invalid value 'h:2889:3889;2181' for server.2: expected an address used by no other line"
                + " (the client address h:2181 is already the client address of server.1)", e.getMessage());
        e = duplicate(this, "server.1", "h:2888:3888;h:3888", "server.2", "g:2888:3888");
        assertEquals("server.1", e.key());
        assertEquals("Invalid value 'h:2888:3888;h:3888' for server.1: expected an address used by no other line"
                + " (the client address h:3888 is already the election address of server.1)", e.getMessage());
        // a client address on another host does not clash with the same port on this one
        QuorumConfig q = QuorumConfig.from(config("server.1", "h:2888:3888;10.0.0.9:2888", "server.2", "g:2888:3888"),
                1);
        assertEquals(2, q.voters().size());
    }

    @Test
    void ipv6SpellingsAreTheSameAddress() {
        ConfigException e = duplicate(this, "server.1", "[::1]:2888:3888", "server.2", "[0:0:0:0:0:0:0:1]:2888:3889");
        assertEquals("server.2", e.key());
        assertEquals("Invalid value '[0:0:0:0:0:0:0:1]:2888:3889' for server.2: expected an address used by no"
                + " other line (the quorum address [0:0:0:0:0:0:0:1]:2888 is already the quorum address of server.1)",
                e.getMessage());
    }

    @Test
    void oneHostWithDistinctPortsIsALocalEnsemble() {
        QuorumConfig q = QuorumConfig.from(config(
                "server.1", "127.0.0.1:2888:3888;2181",
                "server.2", "127.0.0.1:2889:3889;2182",
                "server.3", "127.0.0.1:2890:3890;2183"), 3);
        assertEquals(List.of(1L, 2L, 3L), List.copyOf(q.voters()));
        assertEquals(unresolved("127.0.0.1", 3890), q.self().orElseThrow().electionAddress());
    }

    // ---------------------------------------------------------------- membership errors

    @Test
    void peerTypeObserverNeedsAnObserverLine() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> QuorumConfig.from(config("server.1", "zk1:2888:3888", "server.2", "zk2:2888:3888",
                        "peerType", "observer"), 2));
        assertEquals("peerType", e.key());
        assertEquals("observer", e.value());
        assertEquals("Invalid value 'observer' for peerType: this server (myid 2) is a participant according to"
                + " its line server.2=zk2:2888:3888; make them agree (end the line in :observer or remove peerType)",
                e.getMessage());
    }

    @Test
    void peerTypeParticipantContradictsAnObserverLine() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> QuorumConfig.from(config("server.1", "zk1:2888:3888", "server.2", "zk2:2888:3888:observer",
                        "peerType", "participant"), 2));
        assertEquals("peerType", e.key());
        assertEquals("participant", e.value());
        assertEquals("Invalid value 'participant' for peerType: this server (myid 2) is an observer according to"
                + " its line server.2=zk2:2888:3888:observer; make them agree (end the line in :participant or"
                + " remove peerType)", e.getMessage());
    }

    @Test
    void agreeingPeerTypeIsAccepted() {
        String[] lines = {"server.1", "zk1:2888:3888", "server.2", "zk2:2888:3888:observer"};
        assertTrue(QuorumConfig.from(config(lines[0], lines[1], lines[2], lines[3], "peerType", "Observer"), 2)
                .isObserver());
        assertFalse(QuorumConfig.from(config(lines[0], lines[1], lines[2], lines[3], "peerType", "participant"), 1)
                .isObserver());
        // peerType only describes this server: another server's observer line is no contradiction
        assertFalse(QuorumConfig.from(config(lines), 1).isObserver());
    }

    @Test
    void myIdNotListed() {
        ConfigException e = assertThrows(ConfigException.class, () -> QuorumConfig.from(config(THREE), 4));
        assertEquals("myid", e.key());
        assertEquals("4", e.value());
        assertEquals("myid 4 is not among the configured servers (server.1, server.2, server.3): add a server.4 line"
                + " or correct " + tmp.resolve("data").resolve("myid").toAbsolutePath(), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"0", "255", "-1"})
    void myIdOutOfRange(long myId) {
        ConfigException e = assertThrows(ConfigException.class, () -> QuorumConfig.from(config(THREE), myId));
        assertEquals("myid", e.key());
        assertEquals(Long.toString(myId), e.value());
        assertEquals("Invalid myid " + myId + ": expected an integer from 1 to 254 naming one of the configured"
                + " servers (server.1, server.2, server.3)", e.getMessage());
    }

    @Test
    void zeroVoters() {
        ConfigException e = assertThrows(ConfigException.class, () -> QuorumConfig.from(config(
                "server.2", "zk2:2888:3888:observer", "server.5", "zk5:2888:3888:observer"), 2));
        assertEquals("server.2", e.key());
        assertEquals("zk2:2888:3888:observer", e.value());
        assertEquals("No participant: every server.N line is an observer (server.2, server.5); at least one server"
                + " must be a participant (ZooKeeper: Observers w/o participants is an invalid configuration)",
                e.getMessage());
    }

    @Test
    void lineErrorsComeBeforeMyIdErrors() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> QuorumConfig.from(config("server.1", "zk1:2888:3888", "server.2", "zk2:2888"), 9));
        assertEquals("server.2", e.key());
    }

    // ---------------------------------------------------------------- quorum math

    @Test
    void oneVoterWithObservers() {
        QuorumConfig q = QuorumConfig.from(config(
                "server.1", "zk1:2888:3888", "server.2", "zk2:2888:3888:observer", "server.3", "zk3:2888:3888:observer"),
                1);
        assertEquals(List.of(1L), List.copyOf(q.voters()));
        assertEquals(List.of(2L, 3L), List.copyOf(q.observers()));
        assertEquals(1, q.quorumSize());
        assertTrue(q.isQuorum(Set.of(1L)));
        assertFalse(q.isQuorum(Set.of(2L, 3L)));
        assertFalse(q.isQuorum(Set.of()));
        assertEquals(List.of("No server failure will be tolerated. You need at least 3 servers."), q.warnings());
    }

    @Test
    void threeVotersWithAnObserver() {
        QuorumConfig q = QuorumConfig.from(config(
                "server.1", "zk1:2888:3888", "server.2", "zk2:2888:3888", "server.3", "zk3:2888:3888",
                "server.4", "zk4:2888:3888:observer"), 1);
        assertEquals(2, q.quorumSize());
        assertFalse(q.isQuorum(Set.of(1L)));
        assertFalse(q.isQuorum(Set.of(1L, 4L)));
        assertTrue(q.isQuorum(Set.of(1L, 2L)));
        assertTrue(q.isQuorum(Set.of(2L, 3L)));
        assertTrue(q.isQuorum(Set.of(1L, 2L, 3L, 4L)));
        assertFalse(q.isQuorum(Set.of(3L, 4L, 99L)));
        assertEquals(List.of(), q.warnings());
    }

    @Test
    void fiveVotersWithTwoObservers() {
        QuorumConfig q = QuorumConfig.from(config(
                "server.1", "zk1:2888:3888", "server.2", "zk2:2888:3888", "server.3", "zk3:2888:3888",
                "server.4", "zk4:2888:3888", "server.5", "zk5:2888:3888",
                "server.6", "zk6:2888:3888:observer", "server.7", "zk7:2888:3888:observer"), 6);
        assertTrue(q.isObserver());
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), List.copyOf(q.voters()));
        assertEquals(List.of(6L, 7L), List.copyOf(q.observers()));
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 7L), List.copyOf(q.others()));
        assertEquals(3, q.quorumSize());
        assertFalse(q.isQuorum(Set.of(1L, 2L)));
        assertFalse(q.isQuorum(Set.of(1L, 2L, 6L, 7L)));
        assertTrue(q.isQuorum(Set.of(1L, 2L, 3L)));
        assertTrue(q.isQuorum(Set.of(3L, 4L, 5L, 6L)));
        assertEquals(List.of(), q.warnings());
    }

    @Test
    void evenAndTinyEnsemblesGetZooKeepersWarnings() {
        QuorumConfig two = QuorumConfig.from(config("server.1", "a:1:2", "server.2", "b:1:2"), 1);
        assertEquals(2, two.quorumSize());
        assertFalse(two.isQuorum(Set.of(1L)));
        assertEquals(List.of("No server failure will be tolerated. You need at least 3 servers."), two.warnings());
        QuorumConfig four = QuorumConfig.from(config("server.1", "a:1:2", "server.2", "b:1:2", "server.3", "c:1:2",
                "server.4", "d:1:2"), 1);
        assertEquals(3, four.quorumSize());
        assertEquals(List.of("Non-optimal configuration, consider an odd number of servers."), four.warnings());
    }

    @Test
    void viewsAreImmutable() {
        QuorumConfig q = QuorumConfig.from(config(THREE), 1);
        assertThrows(UnsupportedOperationException.class, () -> q.voters().add(9L));
        assertThrows(UnsupportedOperationException.class, () -> q.observers().add(9L));
        assertThrows(UnsupportedOperationException.class, () -> q.members().add(9L));
        assertThrows(UnsupportedOperationException.class, () -> q.peers().remove(1L));
        assertThrows(UnsupportedOperationException.class, () -> q.warnings().add("x"));
    }

    // ---------------------------------------------------------------- fingerprint

    @Test
    void fingerprintIsACanonicalMemberList() {
        QuorumConfig q = QuorumConfig.from(config("server.1", "zk1:2888:3888;2181", "server.2", "[::1]:2888:3888",
                "server.3", "zk3:2888:3888:observer"), 1);
        assertEquals("v1:1=zk1:2888:3888:participant,2=[0:0:0:0:0:0:0:1]:2888:3888:participant,"
                + "3=zk3:2888:3888:observer", q.fingerprint());
    }

    @Test
    void fingerprintIsTheSameOnEveryServerOfAnEnsemble() {
        QuorumConfig a = QuorumConfig.from(config(
                "server.1", "zk1:2888:3888;2181", "server.2", "[2001:db8::2]:2888:3888;2181",
                "server.3", "zk3:2888:3888:observer"), 1);
        QuorumConfig b = QuorumConfig.from(config(
                "server.3", "ZK3:2888:3888:OBSERVER;10.0.0.3:2182", "server.2", "[2001:DB8:0::2]:2888:3888:participant",
                "server.1", "Zk1:2888:3888", "peerType", "observer"), 3);
        assertEquals(a.fingerprint(), b.fingerprint());
        assertTrue(a.sameMembers(b.fingerprint()));
        assertNotEquals(a, b); // different servers of the same ensemble
    }

    @Test
    void fingerprintDiffersWhenTheMemberListDiffers() {
        String base = QuorumConfig.from(config(THREE), 1).fingerprint();
        String[][] variants = {
            {"server.1", "zk1:2888:3888", "server.2", "zk2:2888:3888", "server.3", "zk3:2888:3888:observer"},
            {"server.1", "zk1:2888:3888", "server.2", "zk2:2888:3888", "server.3", "zk3:2889:3888"},
            {"server.1", "zk1:2888:3888", "server.2", "zk2:2888:3888", "server.3", "zk3:2888:3889"},
            {"server.1", "zk1:2888:3888", "server.2", "zk2:2888:3888", "server.3", "zk9:2888:3888"},
            {"server.1", "zk1:2888:3888", "server.2", "zk2:2888:3888", "server.4", "zk3:2888:3888"},
            {"server.1", "zk1:2888:3888", "server.2", "zk2:2888:3888", "server.3", "zk3:2888:3888",
                "server.4", "zk4:2888:3888:observer"},
            {"server.1", "zk1:2888:3888", "server.2", "zk2:2888:3888"},
        };
        for (String[] v : variants) {
            String other = QuorumConfig.from(config(v), 1).fingerprint();
            assertNotEquals(base, other, String.join(" ", v));
            assertFalse(QuorumConfig.from(config(THREE), 1).sameMembers(other));
        }
        assertNotEquals(base, QuorumConfig.standalone().fingerprint());
    }

    @Test
    void equalConfigurationsAreEqual() {
        QuorumConfig a = QuorumConfig.from(config(THREE), 2);
        QuorumConfig b = QuorumConfig.from(config(THREE), 2);
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertEquals("QuorumConfig{myId=2, voters=[1, 2, 3], observers=[], quorumSize=2, peers=["
                + "server.1=zk1:2888:3888:participant, server.2=zk2:2888:3888:participant, "
                + "server.3=zk3:2888:3888:participant]}", a.toString());
        assertNull(a.peer(1).orElseThrow().clientHost());
    }

    // ---------------------------------------------------------------- load

    @Test
    void loadReadsMyIdFromTheDataDirectory() throws Exception {
        ServerConfig c = config(THREE);
        MyIdFile.write(c.dataDir(), 3);
        QuorumConfig q = QuorumConfig.load(c);
        assertEquals(3, q.myId());
        assertTrue(QuorumConfig.load(config()).isStandalone());
    }
}
