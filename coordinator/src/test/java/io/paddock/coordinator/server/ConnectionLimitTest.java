package io.paddock.coordinator.server;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.testkit.Await;
import io.paddock.testkit.RawClient;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** maxCnxns caps all clients' connections together; maxClientCnxns caps one address's. */
class ConnectionLimitTest {
    @TempDir
    Path dir;

    private PaddockServer start(String maxCnxns, String maxClientCnxns) throws IOException {
        return PaddockServer.start(ConfigLoader.fromProperties(Map.of("dataDir", dir.resolve("data").toString(),
                "clientPort", "0", "clientPortAddress", "127.0.0.1", "preAllocSize", "16", "tickTime", "200",
                "maxCnxns", maxCnxns, "maxClientCnxns", maxClientCnxns)));
    }

    /**
     * A refused connection is closed before it can say anything: its handshake reads end of stream,
     * or a reset when the close met the request in flight.
     */
    private static void assertRefused(String connectString) throws IOException {
        try (RawClient c = RawClient.open(connectString)) {
            IOException e = assertThrows(IOException.class, c::handshake);
            assertTrue(e instanceof EOFException || e instanceof java.net.SocketException, e.toString());
        }
    }

    /** Once the server has seen a connection close, its slot is free again. */
    private static void awaitAccepted(String connectString) throws InterruptedException {
        Await.until(Duration.ofSeconds(30), "a connection to be accepted again", () -> {
            try (RawClient c = RawClient.open(connectString)) {
                return c.handshake().sessionId() != 0;
            } catch (IOException e) {
                return false;
            }
        });
    }

    @Test
    void theGlobalCapRefusesTheConnectionPastItAndFreesSlotsOnClose() throws Exception {
        try (PaddockServer server = start("2", "0")) {
            String cs = server.connectString();
            RawClient a = RawClient.open(cs);
            try (RawClient b = RawClient.open(cs)) {
                assertTrue(a.handshake().sessionId() != 0);
                assertTrue(b.handshake().sessionId() != 0);
                assertRefused(cs);
                a.close();
                awaitAccepted(cs);
            } finally {
                a.close();
            }
        }
    }

    @Test
    void thePerAddressCapRefusesTheSecondConnectionOfOneAddress() throws Exception {
        try (PaddockServer server = start("0", "1")) {
            String cs = server.connectString();
            try (RawClient a = RawClient.open(cs)) {
                assertTrue(a.handshake().sessionId() != 0);
                assertRefused(cs);
            }
            awaitAccepted(cs);
        }
    }
}
