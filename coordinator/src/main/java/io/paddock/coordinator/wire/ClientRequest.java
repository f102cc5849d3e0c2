package io.paddock.coordinator.wire;

import java.util.List;
import org.apache.jute.Record;

/**
 * A decoded client request (everything after the connect handshake), typed by what the server
 * does with it. The byte codec ({@link RequestDecoder}) produces these; the request path consumes
 * them. {@code op} is always the wire opcode, kept for replies, stats and relays.
 */
public sealed interface ClientRequest {
    int xid();

    int op();

    /** A request that becomes a txn on the leader. */
    sealed interface TxnRequest extends ClientRequest permits Write, Multi, CloseSession {}

    /** create/create2/createContainer/createTTL, delete, setData, setACL, reconfig with its record. */
    record Write(int xid, int op, Record body) implements TxnRequest {}

    /** A multi: its operations become one txn. */
    record Multi(int xid, List<MultiOp> ops) implements TxnRequest {
        @Override
        public int op() {
            return OpCode.MULTI;
        }
    }

    record CloseSession(int xid) implements TxnRequest {
        @Override
        public int op() {
            return OpCode.CLOSE_SESSION;
        }
    }

    /**
     * Answered from the tree: exists, getData, getChildren(2), getACL, getEphemerals,
     * getAllChildrenNumber, setWatches(2), addWatch, checkWatches, removeWatches, whoAmI.
     */
    record Read(int xid, int op, Record body) implements ClientRequest {}

    record MultiRead(int xid, List<MultiOp> ops) implements ClientRequest {
        @Override
        public int op() {
            return OpCode.MULTI_READ;
        }
    }

    /** Answered once this server has applied what the leader had proposed when it saw the sync. */
    record Sync(int xid, String path) implements ClientRequest {
        @Override
        public int op() {
            return OpCode.SYNC;
        }
    }

    record Ping(int xid) implements ClientRequest {
        @Override
        public int op() {
            return OpCode.PING;
        }
    }

    /** addauth. */
    record Auth(int xid, String scheme, byte[] data) implements ClientRequest {
        @Override
        public int op() {
            return OpCode.AUTH;
        }
    }

    /** A known opcode whose body could not be decoded: MARSHALLING_ERROR, the session stays. */
    record Malformed(int xid, int op) implements ClientRequest {}

    /** An opcode a client may not send: UNIMPLEMENTED, then the connection is closed. */
    record Unsupported(int xid, int op) implements ClientRequest {}
}
