package io.paddock.coordinator.compat;

import io.paddock.testkit.RawClient;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.paddock.testkit.RawClient.Connected;
import io.paddock.testkit.RawClient.Reply;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.proto.AddWatchRequest;
import org.apache.zookeeper.proto.AuthPacket;
import org.apache.zookeeper.proto.CheckVersionRequest;
import org.apache.zookeeper.proto.Create2Response;
import org.apache.zookeeper.proto.CreateRequest;
import org.apache.zookeeper.proto.CreateResponse;
import org.apache.zookeeper.proto.CreateTTLRequest;
import org.apache.zookeeper.proto.ExistsRequest;
import org.apache.zookeeper.proto.GetDataRequest;
import org.apache.zookeeper.proto.GetDataResponse;
import org.apache.zookeeper.proto.MultiHeader;
import org.apache.zookeeper.proto.ReconfigRequest;
import org.apache.zookeeper.proto.SetDataRequest;
import org.apache.zookeeper.proto.WatcherEvent;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The client protocol at the byte level, below what the stock client lets a test express: handshake
 * sizes, refusals, error codes with their reply zxids, and what closes a connection. Every scenario
 * runs against Apache ZooKeeper (the reference) and Paddock and asserts ZooKeeper's behaviour.
 */
class RawProtocolTest {
    private static final List<ACL> OPEN = ZooDefs.Ids.OPEN_ACL_UNSAFE;

    // opcodes and error codes as the wire spells them
    private static final int CREATE = 1;
    private static final int EXISTS = 3;
    private static final int GET_DATA = 4;
    private static final int SET_DATA = 5;
    private static final int PING = 11;
    private static final int CHECK = 13;
    private static final int MULTI = 14;
    private static final int RECONFIG = 16;
    private static final int CREATE_TTL = 21;
    private static final int ADD_WATCH = 106;
    private static final int AUTH = 100;

    private static final int OK = 0;
    private static final int MARSHALLING_ERROR = -5;
    private static final int UNIMPLEMENTED = -6;
    private static final int BAD_ARGUMENTS = -8;
    private static final int NO_NODE = -101;
    private static final int NODE_EXISTS = -110;
    private static final int AUTH_FAILED = -115;
    private static final int RECONFIG_DISABLED = -123;

    private static final long TTL_MAX = (1L << 40) - 1;

    @TempDir
    Path dir;

    private ServerUnderTest start(ServerUnderTest.Kind kind, Map<String, String> overrides) throws Exception {
        return kind.start(dir, ServerUnderTest.defaults(overrides));
    }

    private static Reply create(RawClient c, int xid, String path, int flags) throws Exception {
        return c.call(xid, CREATE, new CreateRequest(path, new byte[0], OPEN, flags));
    }

    private static Reply createTtl(RawClient c, int xid, String path, int flags, long ttl) throws Exception {
        return c.call(xid, CREATE_TTL, new CreateTTLRequest(path, new byte[0], OPEN, flags, ttl));
    }

    private static void assertReply(Reply r, int xid, int err) {
        assertEquals(xid, r.xid(), "xid of " + r);
        assertEquals(err, r.err(), "err of " + r);
        if (err != OK) {
            assertEquals(0, r.body().length, "a reply with an error has an empty body: " + r);
        }
    }

    /** Opens a raw connection with a fresh session. */
    private static RawClient session(ServerUnderTest server) throws Exception {
        RawClient c = RawClient.open(server.connectString());
        Connected ok = c.handshake();
        assertNotEquals(0L, ok.sessionId());
        return c;
    }

    // ---------------------------------------------------------------------------------- handshake

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void connectResponseCarriesReadOnlyByteOnlyWhenTheClientSentOne(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind, Map.of())) {
            try (RawClient old = RawClient.open(server.connectString())) {
                Connected r = old.connect(0, 30_000, 0, new byte[16], null);
                assertEquals(36, r.bodyLength(), "pre-3.3 handshake: no readOnly byte in the response");
                assertNull(r.readOnly());
                assertEquals(0, r.protocolVersion());
                assertNotEquals(0L, r.sessionId());
                assertEquals(16, r.passwd().length);
                assertEquals(4000, r.timeOut(), "30 s clamped to maxSessionTimeout = 20 * tickTime(200)");
            }
            try (RawClient current = RawClient.open(server.connectString())) {
                // a read-only-capable client on a read-write standalone server gets a normal session
                Connected r = current.connect(0, 1, 0, new byte[16], true);
                assertEquals(37, r.bodyLength());
                assertEquals(Boolean.FALSE, r.readOnly());
                assertEquals(400, r.timeOut(), "1 ms clamped to minSessionTimeout = 2 * tickTime(200)");
                assertEquals(16, r.passwd().length);
                // the session works
                Reply ping = current.call(-2, PING, null);
                assertReply(ping, -2, OK);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void wrongPasswordReattachIsRefusedWithZeroedResponseThenClosed(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind, Map.of());
             RawClient owner = RawClient.open(server.connectString())) {
            Connected s = owner.handshake();
            byte[] wrong = s.passwd().clone();
            wrong[0] ^= 0x5a;

            try (RawClient thief = RawClient.open(server.connectString())) {
                Connected r = thief.connect(0, 30_000, s.sessionId(), wrong, false);
                assertEquals(37, r.bodyLength());
                assertEquals(0, r.protocolVersion());
                assertEquals(0, r.timeOut());
                assertEquals(0L, r.sessionId());
                assertArrayEquals(new byte[16], r.passwd());
                assertEquals(Boolean.FALSE, r.readOnly());
                RawClient.expectEof(thief, "after a refused re-attach");
            }
            // the attempt first dropped the session's live connection (ZooKeeper closes it before checking)
            RawClient.expectEof(owner, "the session's previous connection");

            try (RawClient oldClient = RawClient.open(server.connectString())) {
                Connected r = oldClient.connect(0, 30_000, s.sessionId(), wrong, null);
                assertEquals(36, r.bodyLength(), "refusal has no readOnly byte when none was sent");
                assertEquals(0L, r.sessionId());
                assertArrayEquals(new byte[16], r.passwd());
                RawClient.expectEof(oldClient, "after a refused re-attach (old client)");
            }

            // the session itself survived: the right password re-attaches it
            try (RawClient back = RawClient.open(server.connectString())) {
                Connected r = back.connect(0, 30_000, s.sessionId(), s.passwd(), false);
                assertEquals(s.sessionId(), r.sessionId());
                assertArrayEquals(s.passwd(), r.passwd());
                assertEquals(4000, r.timeOut());
                assertReply(back.call(1, EXISTS, new ExistsRequest("/", false)), 1, OK);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void clientAheadOfServerIsClosedWithoutResponse(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind, Map.of());
             RawClient c = RawClient.open(server.connectString())) {
            c.sendFrame(RawClient.connectRequest(1L << 40, 30_000, 0, new byte[16], false));
            RawClient.expectEof(c, "lastZxidSeen beyond the server's last zxid");
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void requestsPipelinedBehindTheConnectRequestAreAnsweredAfterIt(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind, Map.of()); RawClient c = RawClient.open(server.connectString())) {
            // one write: handshake, auth, a read and a ping (ZooKeeper stops reading until the session exists)
            c.sendRaw(RawClient.concat(
                    RawClient.frame(RawClient.connectRequest(0, 30_000, 0, new byte[16], false)),
                    RawClient.frame(RawClient.request(-4, AUTH, new AuthPacket(0, "digest", "u:p".getBytes()))),
                    RawClient.frame(RawClient.request(1, EXISTS, new ExistsRequest("/", false))),
                    RawClient.frame(RawClient.request(-2, PING, null))));
            byte[] first = c.readFrame();
            assertEquals(37, first.length, "the ConnectResponse comes first");
            assertReply(c.readReply(), -4, OK);
            assertReply(c.readReply(), 1, OK);
            assertReply(c.readReply(), -2, OK);
        }
    }

    // ---------------------------------------------------------------------------------- create modes

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void ttlBoundsWithExtendedTypes(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind, Map.of("extendedTypesEnabled", "true"));
             RawClient c = session(server)) {
            assertReply(createTtl(c, 1, "/ttl0", 5, 0), 1, BAD_ARGUMENTS);
            assertReply(createTtl(c, 2, "/ttlneg", 5, -5), 2, BAD_ARGUMENTS);
            assertReply(createTtl(c, 3, "/ttlbig", 5, 1L << 40), 3, BAD_ARGUMENTS);
            Reply ok = createTtl(c, 4, "/ttlmax", 5, TTL_MAX);
            assertReply(ok, 4, OK);
            Create2Response created = ok.read(new Create2Response());
            assertEquals("/ttlmax", created.getPath());
            assertEquals(0L, created.getStat().getEphemeralOwner(), "clients never see the TTL owner encoding");
            // a ttl with a non-TTL mode is a bad argument, and so is a TTL mode without createTTL
            assertReply(createTtl(c, 5, "/ttlplain", 0, 1000), 5, BAD_ARGUMENTS);
            assertReply(c.call(6, 15, new CreateRequest("/c2ttl", new byte[0], OPEN, 5)), 6, BAD_ARGUMENTS);
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void ttlWithoutExtendedTypesIsUnimplemented(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind, Map.of("extendedTypesEnabled", "false"));
             RawClient c = session(server)) {
            assertReply(createTtl(c, 1, "/t", 5, 1000), 1, UNIMPLEMENTED);
            assertReply(createTtl(c, 2, "/t", 6, 0), 2, UNIMPLEMENTED);
            // the connection stays usable: UNIMPLEMENTED here is a create error, not an unknown opcode
            assertReply(create(c, 3, "/plain", 0), 3, OK);
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void invalidCreateFlagsAreBadArguments(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind, Map.of()); RawClient c = session(server)) {
            assertReply(create(c, 1, "/f7", 7), 1, BAD_ARGUMENTS);
            assertReply(create(c, 2, "/f99", 99), 2, BAD_ARGUMENTS);
            assertReply(create(c, 3, "/fneg", -1), 3, BAD_ARGUMENTS);
            assertReply(c.call(4, EXISTS, new ExistsRequest("/f7", false)), 4, NO_NODE);
        }
    }

    // ---------------------------------------------------------------------------------- bad requests

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void bareCheckIsUnimplementedAndCloses(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind, Map.of()); RawClient c = session(server)) {
            Reply r = c.call(7, CHECK, new CheckVersionRequest("/", -1));
            assertReply(r, 7, UNIMPLEMENTED);
            assertEquals(-1L, r.zxid());
            RawClient.expectEof(c, "after an invalid opcode");
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void unknownOpcodeIsUnimplementedAndCloses(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind, Map.of()); RawClient c = session(server)) {
            Reply r = c.call(8, 55, null);
            assertReply(r, 8, UNIMPLEMENTED);
            assertEquals(-1L, r.zxid());
            RawClient.expectEof(c, "after opcode 55");
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void malformedBodyIsMarshallingErrorAndConsumesNoZxid(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind, Map.of()); RawClient c = session(server)) {
            Reply made = create(c, 1, "/m", 0);
            assertReply(made, 1, OK);
            long z = made.zxid();

            // getData whose path claims 100 bytes but carries 2
            byte[] truncated = RawClient.serialize(a -> {
                new org.apache.zookeeper.proto.RequestHeader(2, GET_DATA).serialize(a, "header");
                a.writeInt(100, "len");
                a.writeByte((byte) '/', "b");
                a.writeByte((byte) 'm', "b");
            });
            c.sendFrame(truncated);
            Reply bad = c.readReply();
            assertReply(bad, 2, MARSHALLING_ERROR);
            assertEquals(z, bad.zxid(), "the reply carries the current last zxid");

            // a getData with only the header (no body at all)
            c.sendFrame(RawClient.request(3, GET_DATA, null));
            Reply empty = c.readReply();
            assertReply(empty, 3, MARSHALLING_ERROR);
            assertEquals(z, empty.zxid());

            // a malformed write: create with the ACL vector cut off
            byte[] badCreate = RawClient.serialize(a -> {
                new org.apache.zookeeper.proto.RequestHeader(4, CREATE).serialize(a, "header");
                a.writeString("/never", "path");
                a.writeBuffer(new byte[0], "data");
                a.writeInt(3, "acl count");
            });
            c.sendFrame(badCreate);
            Reply badWrite = c.readReply();
            assertReply(badWrite, 4, MARSHALLING_ERROR);
            assertEquals(z, badWrite.zxid(), "a write that fails to decode uses up no zxid");

            // the connection keeps working
            Reply read = c.call(5, GET_DATA, new GetDataRequest("/m", false));
            assertReply(read, 5, OK);
            assertEquals(z, read.read(new GetDataResponse()).getStat().getCzxid());
            Reply next = create(c, 6, "/m2", 0);
            assertReply(next, 6, OK);
            assertEquals(z + 1, next.zxid(), "no zxid was consumed by the malformed requests");
            assertReply(c.call(7, EXISTS, new ExistsRequest("/never", false)), 7, NO_NODE);
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void failedWriteConsumesZxid(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind, Map.of()); RawClient c = session(server)) {
            Reply first = create(c, 1, "/a", 0);
            assertReply(first, 1, OK);
            assertEquals("/a", first.read(new CreateResponse()).getPath());
            long z = first.zxid();
            Reply again = create(c, 2, "/a", 0);
            assertReply(again, 2, NODE_EXISTS);
            assertEquals(z + 1, again.zxid());
            Reply missing = c.call(3, SET_DATA, new SetDataRequest("/nope", new byte[0], -1));
            assertReply(missing, 3, NO_NODE);
            assertEquals(z + 2, missing.zxid());
            Reply next = create(c, 4, "/b", 0);
            assertReply(next, 4, OK);
            assertEquals(z + 3, next.zxid());
            // reads carry the last processed zxid
            Reply read = c.call(5, EXISTS, new ExistsRequest("/b", false));
            assertReply(read, 5, OK);
            assertEquals(z + 3, read.zxid());
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void multiContainingReadIsMarshallingError(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind, Map.of()); RawClient c = session(server)) {
            Reply base = create(c, 1, "/base", 0);
            long z = base.zxid();
            byte[] multi = RawClient.serialize(a -> {
                new org.apache.zookeeper.proto.RequestHeader(2, MULTI).serialize(a, "header");
                new MultiHeader(CREATE, false, -1).serialize(a, "h");
                new CreateRequest("/mx", new byte[0], OPEN, 0).serialize(a, "op");
                new MultiHeader(GET_DATA, false, -1).serialize(a, "h");
                new GetDataRequest("/base", false).serialize(a, "op");
                new MultiHeader(-1, true, -1).serialize(a, "end");
            });
            c.sendFrame(multi);
            Reply r = c.readReply();
            assertReply(r, 2, MARSHALLING_ERROR);
            assertReply(c.call(3, EXISTS, new ExistsRequest("/mx", false)), 3, NO_NODE);
            // ZooKeeper stamps the multi's txn header before decoding its ops, so the zxid is used up
            Reply next = create(c, 4, "/after", 0);
            assertReply(next, 4, OK);
            assertEquals(z + 2, next.zxid(), "a multi that fails to decode still uses up a zxid");
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void reconfigIsDisabledInStandalone(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind, Map.of()); RawClient c = session(server)) {
            long z = create(c, 1, "/r", 0).zxid();
            Reply r = c.call(2, RECONFIG, new ReconfigRequest("server.2=127.0.0.1:1:2;3", null, null, -1));
            assertReply(r, 2, RECONFIG_DISABLED);
            assertEquals(z + 1, r.zxid(), "reconfig is a write: it uses up a zxid");
            assertReply(create(c, 3, "/r2", 0), 3, OK);
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void addWatchModes(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind, Map.of()); RawClient c = session(server)) {
            assertReply(c.call(1, ADD_WATCH, new AddWatchRequest("/w", 2)), 1, MARSHALLING_ERROR);
            assertReply(c.call(2, ADD_WATCH, new AddWatchRequest("/w", -1)), 2, MARSHALLING_ERROR);
            Reply ok = c.call(3, ADD_WATCH, new AddWatchRequest("/w", 0));
            assertReply(ok, 3, OK);
            assertArrayEquals(new byte[4], ok.body(), "addWatch answers ErrorResponse(0)");
            assertReply(c.call(4, ADD_WATCH, new AddWatchRequest("/w", 1)), 4, OK);
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void pingIsAnsweredWithXidMinus2AndLastZxid(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind, Map.of()); RawClient c = session(server)) {
            long z = create(c, 1, "/p", 0).zxid();
            Reply pong = c.call(-2, PING, null);
            assertReply(pong, -2, OK);
            assertEquals(z, pong.zxid());
            assertEquals(0, pong.body().length);
            // pings keep their place behind earlier requests
            c.send(2, EXISTS, new ExistsRequest("/p", false));
            c.send(-2, PING, null);
            assertReply(c.readReply(), 2, OK);
            assertReply(c.readReply(), -2, OK);
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void authWithWorldSchemeFailsAndCloses(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind, Map.of()); RawClient c = session(server)) {
            Reply r = c.call(-4, AUTH, new AuthPacket(0, "world", "anyone".getBytes()));
            assertReply(r, -4, AUTH_FAILED);
            assertEquals(0L, r.zxid());
            RawClient.expectEof(c, "after AUTHFAILED");
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void digestAuthEchoesXid(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind, Map.of()); RawClient c = session(server)) {
            Reply r = c.call(77, AUTH, new AuthPacket(0, "digest", "u:p".getBytes()));
            assertReply(r, 77, OK);
            assertEquals(0L, r.zxid());
            assertReply(c.call(-2, PING, null), -2, OK);
        }
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.Kind.class)
    void notificationCarriesTheTriggeringWritesZxid(ServerUnderTest.Kind kind) throws Exception {
        try (ServerUnderTest server = start(kind, Map.of()); RawClient c = session(server)) {
            assertReply(c.call(1, EXISTS, new ExistsRequest("/w", true)), 1, NO_NODE);
            c.send(2, CREATE, new CreateRequest("/w", new byte[0], OPEN, 0));
            // a watch owned by the writing connection fires before the write's reply
            Reply event = c.readReply();
            assertEquals(-1, event.xid());
            assertEquals(OK, event.err());
            WatcherEvent e = event.read(new WatcherEvent());
            assertEquals(1, e.getType(), "NodeCreated");
            assertEquals(3, e.getState(), "SyncConnected");
            assertEquals("/w", e.getPath());
            Reply created = c.readReply();
            assertReply(created, 2, OK);
            assertEquals(created.zxid(), event.zxid());

            // the same from another connection's write
            assertReply(c.call(3, GET_DATA, new GetDataRequest("/w", true)), 3, OK);
            try (RawClient writer = session(server)) {
                Reply set = writer.call(1, SET_DATA, new SetDataRequest("/w", "x".getBytes(), -1));
                assertReply(set, 1, OK);
                Reply changed = c.readReply();
                assertEquals(-1, changed.xid());
                assertEquals(3, changed.read(new WatcherEvent()).getType(), "NodeDataChanged");
                assertEquals(set.zxid(), changed.zxid());
            }
        }
    }
}
