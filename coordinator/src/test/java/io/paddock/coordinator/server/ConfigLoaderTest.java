package io.paddock.coordinator.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.coordinator.acl.DigestAuthProvider;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {
    @TempDir
    Path tmp;

    private static final String SUPER = DigestAuthProvider.generateDigest("super:secret");

    private ServerConfig fromMap(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("dataDir", tmp.resolve("data").toString());
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return ConfigLoader.fromProperties(m);
    }

    private Path write(String content) throws IOException {
        Path f = tmp.resolve("zoo.cfg");
        Files.writeString(f, content, StandardCharsets.ISO_8859_1);
        return f;
    }

    @Test
    void defaultsAreZooKeepers() {
        ServerConfig c = fromMap();
        assertEquals(2000, c.tickTimeMs());
        assertEquals(tmp.resolve("data").toAbsolutePath(), c.dataDir());
        assertEquals(c.dataDir(), c.dataLogDir());
        assertEquals(2181, c.clientPort());
        assertTrue(c.clientPortAddress().isEmpty());
        assertTrue(c.clientBindAddress().getAddress().isAnyLocalAddress());
        assertEquals(60, c.maxClientCnxns());
        assertEquals(4000, c.minSessionTimeoutMs());
        assertEquals(40000, c.maxSessionTimeoutMs());
        assertEquals(3, c.snapRetainCount());
        assertEquals(0, c.purgeIntervalHours());
        assertEquals(Set.of("srvr"), c.fourLetterWords());
        assertFalse(c.extendedTypesEnabled());
        assertEquals(1048575, c.juteMaxBufferBytes());
        assertEquals(1000, c.globalOutstandingLimit());
        assertEquals(100000, c.snapCount());
        assertEquals(64L * 1024 * 1024, c.preAllocSizeBytes());
        assertTrue(c.forceSync());
        assertEquals(60000, c.containerCheckIntervalMs());
        assertEquals(10000, c.containerMaxPerMinute());
        assertEquals(64L * 1024 * 1024, c.logSegmentBytes());
        assertEquals("paddock", c.clusterId());
        assertTrue(c.superDigest().isEmpty());
        assertEquals(10, c.initLimitTicks());
        assertEquals(5, c.syncLimitTicks());
        assertTrue(c.servers().isEmpty());
        assertTrue(c.peerType().isEmpty());
        assertEquals(List.of(), c.warnings());
    }

    @Test
    void builderHasTheSameDefaults() {
        ServerConfig b = ServerConfig.builder().dataDir(tmp.resolve("data")).build();
        assertEquals(fromMap().toString(), b.toString());
        ServerConfig eph = ServerConfig.builder().dataDir(tmp).clientPort(0).tickTimeMs(100).build();
        assertEquals(0, eph.clientPort());
        assertEquals(200, eph.minSessionTimeoutMs());
        assertEquals(eph.toString(), eph.toBuilder().build().toString());
    }

    @Test
    void everyKeyIsParsed() throws IOException {
        Path f = write(String.join("\n",
                "tickTime=3000",
                "dataDir=" + tmp.resolve("d"),
                "dataLogDir=" + tmp.resolve("l"),
                "clientPort=2999",
                "clientPortAddress=127.0.0.1",
                "maxClientCnxns=0",
                "minSessionTimeout=5000",
                "maxSessionTimeout=90000",
                "autopurge.snapRetainCount=7",
                "autopurge.purgeInterval=24",
                "4lw.commands.whitelist=ruok,stat",
                "extendedTypesEnabled=true",
                "jute.maxbuffer=4194304",
                "globalOutstandingLimit=5000",
                "snapCount=50000",
                "preAllocSize=1024",
                "forceSync=no",
                "znode.container.checkIntervalMs=1000",
                "znode.container.maxPerMinute=50",
                "paddock.logSegmentBytes=1048576",
                "paddock.clusterId=prod-east.1",
                "paddock.superDigest=" + SUPER,
                "initLimit=20",
                "syncLimit=8",
                "server.1=zk1:2888:3888",
                "server.2=zk2:2888:3888;2181",
                "server.3=zk3:2888:3888:observer",
                "peerType=observer",
                ""));
        ServerConfig c = ConfigLoader.load(f);
        assertEquals(3000, c.tickTimeMs());
        assertEquals(tmp.resolve("d"), c.dataDir());
        assertEquals(tmp.resolve("l"), c.dataLogDir());
        assertEquals(2999, c.clientPort());
        assertEquals("127.0.0.1", c.clientPortAddress().orElseThrow());
        assertEquals(new InetSocketAddress("127.0.0.1", 2999), c.clientBindAddress());
        assertEquals(0, c.maxClientCnxns());
        assertEquals(5000, c.minSessionTimeoutMs());
        assertEquals(90000, c.maxSessionTimeoutMs());
        assertEquals(7, c.snapRetainCount());
        assertEquals(24, c.purgeIntervalHours());
        assertEquals(Set.of("ruok", "stat", "srvr"), c.fourLetterWords());
        assertTrue(c.extendedTypesEnabled());
        assertEquals(4194304, c.juteMaxBufferBytes());
        assertEquals(5000, c.globalOutstandingLimit());
        assertEquals(50000, c.snapCount());
        assertEquals(1024L * 1024, c.preAllocSizeBytes());
        assertFalse(c.forceSync());
        assertEquals(1000, c.containerCheckIntervalMs());
        assertEquals(50, c.containerMaxPerMinute());
        assertEquals(1048576L, c.logSegmentBytes());
        assertEquals("prod-east.1", c.clusterId());
        assertEquals(SUPER, c.superDigest().orElseThrow());
        assertEquals(20, c.initLimitTicks());
        assertEquals(8, c.syncLimitTicks());
        assertEquals(new TreeMap<>(Map.of(1L, "zk1:2888:3888", 2L, "zk2:2888:3888;2181",
                3L, "zk3:2888:3888:observer")), c.servers());
        assertEquals("observer", c.peerType().orElseThrow());
        assertEquals(List.of(), c.warnings(), "replication keys are kept, not reported as unknown");
        assertFalse(c.toString().contains(SUPER.substring(6)), "toString must not print the digest");
    }

    @Test
    void sessionTimeoutsDeriveFromTickTime() {
        ServerConfig c = fromMap("tickTime", "3000");
        assertEquals(6000, c.minSessionTimeoutMs());
        assertEquals(60000, c.maxSessionTimeoutMs());
        c = fromMap("tickTime", "3000", "minSessionTimeout", "-1", "maxSessionTimeout", "-1");
        assertEquals(6000, c.minSessionTimeoutMs());
        assertEquals(60000, c.maxSessionTimeoutMs());
        c = fromMap("tickTime", "1000", "minSessionTimeout", "500");
        assertEquals(500, c.minSessionTimeoutMs());
        assertEquals(20000, c.maxSessionTimeoutMs());
        c = fromMap("tickTime", "1000", "maxSessionTimeout", "3000");
        assertEquals(2000, c.minSessionTimeoutMs());
        assertEquals(3000, c.maxSessionTimeoutMs());
        c = fromMap("minSessionTimeout", "7000", "maxSessionTimeout", "7000");
        assertEquals(7000, c.minSessionTimeoutMs());
        assertEquals(7000, c.maxSessionTimeoutMs());
    }

    @Test
    void minSessionTimeoutAboveMaxIsRejected() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> fromMap("minSessionTimeout", "50000", "maxSessionTimeout", "30000"));
        assertEquals("minSessionTimeout", e.key());
        assertEquals("50000", e.value());
        assertTrue(e.getMessage().contains("'50000'") && e.getMessage().contains("maxSessionTimeout")
                && e.getMessage().contains("30000"), e.getMessage());
        // derived maximum: 20 * 2000 = 40000
        e = assertThrows(ConfigException.class, () -> fromMap("minSessionTimeout", "40001"));
        assertEquals("Invalid value '40001' for minSessionTimeout: expected at most maxSessionTimeout"
                + " (40000 ms = 20 * tickTime)", e.getMessage());
        // only the maximum written, below the derived minimum 2 * 2000: the maximum is at fault
        e = assertThrows(ConfigException.class, () -> fromMap("maxSessionTimeout", "3000"));
        assertEquals("Invalid value '3000' for maxSessionTimeout: expected at least minSessionTimeout"
                + " (4000 ms = 2 * tickTime)", e.getMessage());
        assertEquals("maxSessionTimeout", e.key());
    }

    @Test
    void exampleMessageFromTheDesign() {
        ConfigException e = assertThrows(ConfigException.class, () -> fromMap("tickTime", "abc"));
        assertEquals("Invalid value 'abc' for tickTime: expected a positive integer (milliseconds)", e.getMessage());
        assertEquals("tickTime", e.key());
        assertEquals("abc", e.value());
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "tickTime|abc|positive integer (milliseconds)",
        "tickTime|0|positive integer (milliseconds)",
        "tickTime|-2000|positive integer (milliseconds)",
        "tickTime|2000000000|no larger than",
        "tickTime|2.5|positive integer",
        "tickTime|99999999999|positive integer",
        "clientPort|65536|0 to 65535",
        "clientPort|-1|0 to 65535",
        "clientPort|http|0 to 65535",
        "clientPortAddress|no-such-host.invalid|host name or IP address",
        "maxClientCnxns|-1|non-negative integer",
        "maxClientCnxns|lots|non-negative integer",
        "minSessionTimeout|0|or -1 for 2 * tickTime",
        "minSessionTimeout|-2|or -1 for 2 * tickTime",
        "maxSessionTimeout|1min|or -1 for 20 * tickTime",
        "autopurge.snapRetainCount|three|at least 3",
        "autopurge.purgeInterval|-1|hours",
        "autopurge.purgeInterval|1.5|hours",
        "4lw.commands.whitelist|ruok,bogus|four-letter words",
        "4lw.commands.whitelist|RUOK|four-letter words",
        "extendedTypesEnabled|maybe|yes, no, true or false",
        "forceSync|1|yes, no, true or false",
        "jute.maxbuffer|0|positive integer (bytes)",
        "jute.maxbuffer|1M|positive integer (bytes)",
        "globalOutstandingLimit|0|positive integer (requests)",
        "snapCount|1|at least 2",
        "snapCount|x|at least 2",
        "preAllocSize|-1|KiB",
        "preAllocSize|64M|KiB",
        "znode.container.checkIntervalMs|0|positive integer (milliseconds)",
        "znode.container.maxPerMinute|none|positive integer",
        "paddock.logSegmentBytes|0|positive integer (bytes)",
        "paddock.logSegmentBytes|big|positive integer (bytes)",
        "paddock.clusterId|a b|letters, digits",
        "initLimit|0|positive integer (ticks)",
        "syncLimit|five|positive integer (ticks)",
        "peerType|leader|participant or observer",
        "dataLogDir|''|directory path",
        "DigestAuthenticationProvider.digestAlg|SHA-256|SHA1",
        "DigestAuthenticationProvider.enabled|false|cannot disable",
    })
    void badValueNamesKeyValueAndExpectation(String key, String value, String expected) {
        ConfigException e = assertThrows(ConfigException.class, () -> fromMap(key, value));
        String msg = e.getMessage();
        assertTrue(msg.startsWith("Invalid value '" + value + "' for " + key + ": expected "), msg);
        assertTrue(msg.contains(expected), msg);
        assertEquals(key, e.key());
        assertEquals(value, e.value());
    }

    @Test
    void badValueInAFileIsReportedTrimmed() throws IOException {
        Path f = write("dataDir=" + tmp + "\nclientPort =  21x81   \n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f));
        assertTrue(e.getMessage().startsWith("Invalid value '21x81' for clientPort: expected"), e.getMessage());
    }

    @Test
    void badServerIdIsReported() {
        ConfigException e = assertThrows(ConfigException.class, () -> fromMap("server.one", "h:1:2"));
        assertEquals("server.one", e.key());
        assertTrue(e.getMessage().contains("server.one") && e.getMessage().contains("numeric id"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> fromMap("server.1", ""));
        assertEquals("server.1", e.key());
    }

    @Test
    void superDigestIsValidatedWithoutEchoingTheSecret() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> fromMap("paddock.superDigest", "super:mypassword"));
        assertEquals("paddock.superDigest", e.key());
        assertFalse(e.getMessage().contains("mypassword"), e.getMessage());
        assertTrue(e.getMessage().contains("super:") && e.getMessage().contains("base64 SHA-1"), e.getMessage());
    }

    @Test
    void superDigestAcceptsZooKeeperKeyNames() {
        assertEquals(SUPER, fromMap("DigestAuthenticationProvider.superDigest", SUPER).superDigest().orElseThrow());
        assertEquals(SUPER, fromMap("zookeeper.DigestAuthenticationProvider.superDigest", SUPER)
                .superDigest().orElseThrow());
        assertEquals(SUPER, fromMap("paddock.superDigest", SUPER,
                "DigestAuthenticationProvider.superDigest", SUPER).superDigest().orElseThrow());
        String other = DigestAuthProvider.generateDigest("super:other");
        ConfigException e = assertThrows(ConfigException.class, () -> fromMap("paddock.superDigest", SUPER,
                "DigestAuthenticationProvider.superDigest", other));
        assertTrue(e.getMessage().contains("Conflicting"), e.getMessage());
        ConfigException bad = assertThrows(ConfigException.class,
                () -> fromMap("DigestAuthenticationProvider.superDigest", "nocolon"));
        assertEquals("DigestAuthenticationProvider.superDigest", bad.key());
    }

    @Test
    void zooKeeperDigestSettingsThatMatchPaddockAreAccepted() {
        ServerConfig c = fromMap("DigestAuthenticationProvider.digestAlg", "SHA1",
                "DigestAuthenticationProvider.enabled", "true", "authProvider.1", "some.Provider");
        assertEquals(1, c.warnings().size(), c.warnings().toString());
        assertTrue(c.warnings().get(0).contains("'authProvider.1'"), c.warnings().toString());
    }

    @Test
    void unknownKeysAreWarnedNotFatal() {
        ServerConfig c = fromMap("tickTyme", "2000", "admin.enableServer", "false", "standaloneEnabled", "false");
        assertEquals(3, c.warnings().size(), c.warnings().toString());
        assertTrue(c.warnings().stream().anyMatch(w -> w.contains("'tickTyme'") && w.contains("Unknown")));
        assertTrue(c.warnings().stream().anyMatch(w -> w.contains("'admin.enableServer'")
                && w.contains("not supported")));
        assertTrue(c.warnings().stream().anyMatch(w -> w.contains("'standaloneEnabled'")));
        assertEquals(2000, c.tickTimeMs());
    }

    @Test
    void whitelistParsing() {
        assertEquals(Set.of("srvr"), fromMap("4lw.commands.whitelist", "").fourLetterWords());
        assertEquals(Set.of("srvr", "ruok", "stat", "mntr"),
                fromMap("4lw.commands.whitelist", " ruok , stat,mntr ,").fourLetterWords());
        assertEquals(Set.of("srvr", "ruok"), fromMap("4lw.commands.whitelist", ",,ruok,,").fourLetterWords());
        ServerConfig all = fromMap("4lw.commands.whitelist", "*");
        assertEquals(ServerConfig.KNOWN_FOUR_LETTER_WORDS, all.fourLetterWords());
        assertEquals(18, all.fourLetterWords().size());
        assertEquals(ServerConfig.KNOWN_FOUR_LETTER_WORDS,
                fromMap("4lw.commands.whitelist", "ruok, *").fourLetterWords());
        ServerConfig some = fromMap("4lw.commands.whitelist", "ruok");
        assertTrue(some.fourLetterWordEnabled("ruok"));
        assertTrue(some.fourLetterWordEnabled("srvr"), "srvr is always enabled, as in ZooKeeper");
        assertFalse(some.fourLetterWordEnabled("dump"));
        assertEquals(new TreeSet<>(List.of("ruok", "srvr", "stat", "mntr", "conf", "cons", "crst", "srst",
                "envi", "wchs", "wchc", "wchp", "dump", "isro", "dirs", "gtmk", "stmk", "hash")),
                ServerConfig.KNOWN_FOUR_LETTER_WORDS);
    }

    @Test
    void commentsWhitespaceAndPropertiesSyntax() throws IOException {
        Path f = write(String.join("\n",
                "# The number of milliseconds of each tick",
                "   # indented comment",
                "! bang comment",
                "",
                "   tickTime   =   3000   ",
                "dataDir=" + tmp.resolve("data") + "   ",
                "clientPort:2182",
                "maxClientCnxns 17",
                "4lw.commands.whitelist=ruok, \\",
                "     stat,\\",
                "     mntr",
                "tickTime=2500",
                "paddock.clusterId=\\u0070addock-x",
                "\t\t"));
        ServerConfig c = ConfigLoader.load(f);
        assertEquals(2500, c.tickTimeMs(), "the last occurrence wins, as with java.util.Properties");
        assertEquals(tmp.resolve("data"), c.dataDir());
        assertEquals(2182, c.clientPort());
        assertEquals(17, c.maxClientCnxns());
        assertEquals(Set.of("ruok", "stat", "mntr", "srvr"), c.fourLetterWords());
        assertEquals("paddock-x", c.clusterId());
        assertEquals(List.of(), c.warnings());
    }

    @Test
    void relativeDataDirIsResolvedAgainstTheCurrentDirectory() {
        ServerConfig c = ConfigLoader.fromProperties(Map.of("dataDir", "rel/data", "dataLogDir", "./logs"));
        assertEquals(Path.of("").toAbsolutePath().resolve("rel/data"), c.dataDir());
        assertEquals(Path.of("").toAbsolutePath().resolve("logs"), c.dataLogDir());
        assertTrue(c.dataDir().isAbsolute());
        assertEquals(2, c.warnings().size(), "relative paths are warned about, as ZooKeeper does");
    }

    @Test
    void dataDirIsRequiredUnlessTheCallerGivesADefault() throws IOException {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.fromProperties(Map.of("tickTime", "2000")));
        assertEquals("dataDir", e.key());
        assertNull(e.value());
        assertTrue(e.getMessage().contains("dataDir"), e.getMessage());

        Path f = write("clientPort=0\n");
        assertThrows(ConfigException.class, () -> ConfigLoader.load(f));
        ServerConfig c = ConfigLoader.load(f, tmp.resolve("fallback"));
        assertEquals(tmp.resolve("fallback"), c.dataDir());
        assertEquals(tmp.resolve("fallback"), c.dataLogDir());
        assertEquals(0, c.clientPort());

        Path g = write("dataDir=" + tmp.resolve("own") + "\n");
        assertEquals(tmp.resolve("own"), ConfigLoader.load(g, tmp.resolve("fallback")).dataDir());
    }

    @Test
    void snapRetainCountBelowThreeIsRaisedWithAWarning() {
        ServerConfig c = fromMap("autopurge.snapRetainCount", "1");
        assertEquals(3, c.snapRetainCount());
        assertTrue(c.warnings().stream().anyMatch(w -> w.contains("autopurge.snapRetainCount")), c.warnings().toString());
    }

    @ParameterizedTest
    @CsvSource({"yes,true", "no,false", "true,true", "false,false", "YES,true", "False,false", "' no ',false"})
    void booleans(String written, boolean expected) {
        assertEquals(expected, fromMap("forceSync", written).forceSync());
        assertEquals(expected, fromMap("extendedTypesEnabled", written).extendedTypesEnabled());
    }

    @Test
    void portZeroMeansEphemeral() {
        assertEquals(0, fromMap("clientPort", "0").clientPort());
        assertEquals(65535, fromMap("clientPort", "65535").clientPort());
    }

    @Test
    void missingFileIsAConfigException() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(tmp.resolve("nope.cfg")));
        assertTrue(e.getMessage().contains("nope.cfg"), e.getMessage());
    }

    @Test
    void fromPropertiesDoesNotDependOnMapType() {
        Map<String, String> m = new HashMap<>();
        m.put("dataDir", tmp.toString());
        m.put(" tickTime ", " 1500 ");
        assertEquals(1500, ConfigLoader.fromProperties(m).tickTimeMs());
    }

    @Test
    void severalConfigsCoexist() {
        ServerConfig a = fromMap("tickTime", "100", "clientPort", "0");
        ServerConfig b = fromMap("tickTime", "5000", "clientPort", "0");
        assertEquals(100, a.tickTimeMs());
        assertEquals(5000, b.tickTimeMs());
    }
}
