package io.paddock.coordinator.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MyIdFileTest {
    @TempDir
    Path tmp;

    private Path myid(String content) throws IOException {
        Path f = tmp.resolve("myid");
        Files.writeString(f, content, StandardCharsets.UTF_8);
        return f;
    }

    private List<String> listing() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void writeThenRead() throws IOException {
        MyIdFile.write(tmp, 3);
        assertEquals("3\n", Files.readString(tmp.resolve("myid")));
        assertEquals(OptionalLong.of(3), MyIdFile.read(tmp));
        assertEquals(List.of("myid"), listing()); // no temporary file left behind
    }

    @Test
    void writeReplacesAnExistingIdAndCreatesTheDirectory() throws IOException {
        Path dir = tmp.resolve("a/b");
        MyIdFile.write(dir, 1);
        MyIdFile.write(dir, 254);
        assertEquals("254\n", Files.readString(dir.resolve("myid")));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of("myid"), s.map(p -> p.getFileName().toString()).toList());
        }
    }

    @ParameterizedTest
    @CsvSource({"0", "255", "-1"})
    void writeRefusesIdsOutOfRange(long id) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MyIdFile.write(tmp, id));
        assertEquals("myid must be from 1 to 254: " + id, e.getMessage());
        assertTrue(Files.notExists(tmp.resolve("myid")));
    }

    @Test
    void absentFileReadsEmpty() {
        assertEquals(OptionalLong.empty(), MyIdFile.read(tmp));
        assertEquals(OptionalLong.empty(), MyIdFile.read(tmp.resolve("no-such-dir")));
        assertEquals(tmp.resolve("myid"), MyIdFile.path(tmp));
    }

    @Test
    void whiteSpaceAroundTheIdIsIgnored() throws IOException {
        for (String content : List.of("1", "1\n", "  7 \r\n", "\t12\n\n", "254", "\uFEFF5\n", "007\n")) {
            myid(content);
            long expected = Long.parseLong(content.replace("\uFEFF", "").trim());
            assertEquals(OptionalLong.of(expected), MyIdFile.read(tmp), "content '" + content + "'");
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '#', quoteCharacter = '"', value = {
        "abc # abc # is not a server id",
        "\"\" # \"\" # is not a server id",
        "1 2 # 1 2 # is not a server id",
        "0x1 # 0x1 # is not a server id",
        "+1 # +1 # is not a server id",
        "-1 # -1 # is not a server id",
        "1.0 # 1.0 # is not a server id",
        "99999999999999999999 # 99999999999999999999 # is not a server id",
        "0 # 0 # is out of range",
        "255 # 255 # is out of range",
        "9223372036854775807 # 9223372036854775807 # is out of range",
    })
    void badContentIsReportedWithTheFileAndContent(String content, String quoted, String problem) throws IOException {
        Path f = myid(content);
        ConfigException e = assertThrows(ConfigException.class, () -> MyIdFile.read(tmp));
        assertEquals("myid", e.key());
        assertEquals(quoted, e.value());
        assertEquals("Invalid myid file " + f + ": content '" + quoted + "' " + problem
                + "; expected a decimal integer from 1 to 254", e.getMessage());
    }

    @Test
    void aSecondLineIsNotIgnored() throws IOException {
        Path f = myid("1\n2\n");
        ConfigException e = assertThrows(ConfigException.class, () -> MyIdFile.read(tmp));
        assertEquals("1\\n2", e.value());
        assertEquals("Invalid myid file " + f + ": content '1\\n2' is not a server id;"
                + " expected a decimal integer from 1 to 254", e.getMessage());
    }

    @Test
    void controlCharactersAreEscapedInTheMessage() throws IOException {
        Path f = myid("4\u0000");
        ConfigException e = assertThrows(ConfigException.class, () -> MyIdFile.read(tmp));
        assertEquals("4\\u0000", e.value());
        assertEquals("Invalid myid file " + f + ": content '4\\u0000' is not a server id;"
                + " expected a decimal integer from 1 to 254", e.getMessage());
    }

    @Test
    void oversizedFileIsRefused() throws IOException {
        Path f = myid("1" + " ".repeat(64));
        ConfigException e = assertThrows(ConfigException.class, () -> MyIdFile.read(tmp));
        assertEquals("myid", e.key());
        assertNull(e.value());
        assertEquals("Invalid myid file " + f + ": 65 bytes, more than the 64 a myid file can need;"
                + " expected a decimal integer from 1 to 254", e.getMessage());
    }

    @Test
    void aDirectoryNamedMyIdIsRefused() throws IOException {
        Path f = Files.createDirectory(tmp.resolve("myid"));
        ConfigException e = assertThrows(ConfigException.class, () -> MyIdFile.read(tmp));
        assertEquals("Invalid myid file " + f + ": it is not a regular file;"
                + " expected one holding a decimal integer from 1 to 254", e.getMessage());
    }

    @Test
    void aDirectoryInPlaceOfTheFileIsRejected() throws IOException {
        // (an unreadable file cannot be staged here: tests run as root, which reads anything)
        Path f = tmp.resolve(MyIdFile.FILE_NAME);
        Files.createDirectory(f);
        ConfigException e = assertThrows(ConfigException.class, () -> MyIdFile.read(tmp));
        assertEquals("Invalid myid file " + f + ": it is not a regular file; expected one holding a decimal integer"
                + " from 1 to 254", e.getMessage());
    }

    @Test
    void standaloneNeedsNoMyIdFile() {
        ServerConfig c = ServerConfig.builder().dataDir(tmp).build();
        assertEquals(0, MyIdFile.forConfig(c));
    }

    @Test
    void replicatedConfigNeedsTheFile() throws IOException {
        ServerConfig c = ServerConfig.builder().dataDir(tmp)
                .server(1, "zk1:2888:3888").server(2, "zk2:2888:3888").server(3, "zk3:2888:3888").build();
        ConfigException e = assertThrows(ConfigException.class, () -> MyIdFile.forConfig(c));
        assertEquals("myid", e.key());
        assertNull(e.value());
        assertEquals("myid file is missing: " + tmp.resolve("myid").toAbsolutePath()
                + " must hold this server's id (one of 1, 2, 3) because the configuration lists server.N lines",
                e.getMessage());

        MyIdFile.write(tmp, 2);
        assertEquals(2, MyIdFile.forConfig(c));
        myid("two\n");
        e = assertThrows(ConfigException.class, () -> MyIdFile.forConfig(c));
        assertEquals("two", e.value());
    }
}
