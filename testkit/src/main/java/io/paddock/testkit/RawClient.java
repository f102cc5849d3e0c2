package io.paddock.testkit;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.apache.jute.BinaryInputArchive;
import org.apache.jute.BinaryOutputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.proto.ReplyHeader;
import org.apache.zookeeper.proto.RequestHeader;

/**
 * A tiny blocking raw-socket client for the ZooKeeper client protocol: length-prefixed jute frames,
 * the connect handshake (with or without the trailing readOnly byte), request header + record out,
 * reply header + body in. Every read has a generous timeout so a silent server fails a test instead
 * of hanging it.
 */
public final class RawClient implements AutoCloseable {
    public static final int READ_TIMEOUT_MS = 30_000;
    /** What the stock client sends as its session timeout when the test does not care. */
    public static final int SESSION_TIMEOUT_MS = 30_000;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private RawClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    public static InetSocketAddress address(String connectString) {
        String first = connectString.split(",")[0];
        int colon = first.lastIndexOf(':');
        return new InetSocketAddress(first.substring(0, colon), Integer.parseInt(first.substring(colon + 1)));
    }

    public static RawClient open(String connectString) throws IOException {
        return open(connectString, READ_TIMEOUT_MS);
    }

    public static RawClient open(String connectString, int readTimeoutMs) throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.setSoTimeout(readTimeoutMs);
            s.connect(address(connectString), READ_TIMEOUT_MS);
            return new RawClient(s);
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    public Socket socket() {
        return socket;
    }

    public int localPort() {
        return socket.getLocalPort();
    }

    public void setReadTimeout(int ms) throws SocketException {
        socket.setSoTimeout(ms);
    }

    // ------------------------------------------------------------------ handshake

    /** The decoded connect response, plus the size of its frame body (36 or 37 bytes). */
    public record Connected(int bodyLength, int protocolVersion, int timeOut, long sessionId, byte[] passwd, Boolean readOnly) {}

    /** ConnectRequest bytes (without the length prefix); the readOnly byte only if {@code readOnly != null}. */
    public static byte[] connectRequest(long lastZxidSeen, int timeOut, long sessionId, byte[] passwd, Boolean readOnly) {
        return serialize(a -> {
            a.writeInt(0, "protocolVersion");
            a.writeLong(lastZxidSeen, "lastZxidSeen");
            a.writeInt(timeOut, "timeOut");
            a.writeLong(sessionId, "sessionId");
            a.writeBuffer(passwd, "passwd");
            if (readOnly != null) {
                a.writeBool(readOnly, "readOnly");
            }
        });
    }

    /** A fresh session with the readOnly byte sent (as every 3.x client does). */
    public Connected handshake() throws IOException {
        return connect(0, SESSION_TIMEOUT_MS, 0, new byte[16], false);
    }

    public Connected connect(long lastZxidSeen, int timeOut, long sessionId, byte[] passwd, Boolean readOnly)
            throws IOException {
        sendFrame(connectRequest(lastZxidSeen, timeOut, sessionId, passwd, readOnly));
        byte[] body = readFrame();
        DataInputStream d = new DataInputStream(new ByteArrayInputStream(body));
        int protocolVersion = d.readInt();
        int to = d.readInt();
        long sid = d.readLong();
        int pwLen = d.readInt();
        byte[] pw = new byte[Math.max(0, pwLen)];
        d.readFully(pw);
        Boolean ro = d.available() > 0 ? d.readBoolean() : null;
        return new Connected(body.length, protocolVersion, to, sid, pw, ro);
    }

    // ------------------------------------------------------------------ requests

    public interface ArchiveWriter {
        void write(BinaryOutputArchive a) throws IOException;
    }

    public static byte[] serialize(ArchiveWriter w) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            w.write(BinaryOutputArchive.getArchive(bytes));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    /** RequestHeader(xid, op) followed by the record (if any), without the length prefix. */
    public static byte[] request(int xid, int op, Record body) {
        return serialize(a -> {
            new RequestHeader(xid, op).serialize(a, "header");
            if (body != null) {
                body.serialize(a, "request");
            }
        });
    }

    public static byte[] frame(byte[] payload) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(payload.length + 4);
        DataOutputStream d = new DataOutputStream(bytes);
        try {
            d.writeInt(payload.length);
            d.write(payload);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }

    public void send(int xid, int op, Record body) throws IOException {
        sendFrame(request(xid, op, body));
    }

    public void sendFrame(byte[] payload) throws IOException {
        sendRaw(frame(payload));
    }

    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Sends one request and reads the next frame as its reply (the caller handles notifications). */
    public Reply call(int xid, int op, Record body) throws IOException {
        send(xid, op, body);
        return readReply();
    }

    // ------------------------------------------------------------------ replies

    /** A reply frame: its header and the raw body bytes after it. */
    public record Reply(int xid, long zxid, int err, byte[] body) {
        public <T extends Record> T read(T record) throws IOException {
            record.deserialize(BinaryInputArchive.getArchive(new ByteArrayInputStream(body)), "response");
            return record;
        }

        public BinaryInputArchive archive() {
            return BinaryInputArchive.getArchive(new ByteArrayInputStream(body));
        }

        @Override
        public String toString() {
            return "Reply(xid=" + xid + ", zxid=0x" + Long.toHexString(zxid) + ", err=" + err + ", body="
                    + body.length + " bytes)";
        }
    }

    /** Reads one length-prefixed frame; EOFException if the server closed first. */
    public byte[] readFrame() throws IOException {
        int len = in.readInt();
        if (len < 0 || len > 64 * 1024 * 1024) {
            throw new IOException("unreasonable reply frame length " + len);
        }
        byte[] b = new byte[len];
        in.readFully(b);
        return b;
    }

    public Reply readReply() throws IOException {
        byte[] frame = readFrame();
        ByteArrayInputStream bytes = new ByteArrayInputStream(frame);
        ReplyHeader h = new ReplyHeader();
        h.deserialize(BinaryInputArchive.getArchive(bytes), "header");
        byte[] body = bytes.readAllBytes();
        return new Reply(h.getXid(), h.getZxid(), h.getErr(), body);
    }

    /**
     * Reads until the server closes the connection and returns how many bytes arrived first. A reset
     * counts as a close (a server closing with unread input sends RST). Fails with
     * SocketTimeoutException when the server keeps the connection open beyond the read timeout.
     */
    public int readUntilClosed() throws IOException {
        return readUntilClosed(in);
    }

    public static int readUntilClosed(InputStream in) throws IOException {
        int total = 0;
        byte[] buf = new byte[8192];
        while (true) {
            int n;
            try {
                n = in.read(buf);
            } catch (SocketTimeoutException e) {
                throw e;
            } catch (SocketException e) {
                return total;
            }
            if (n < 0) {
                return total;
            }
            total += n;
        }
    }

    /** True when the server closed the connection without sending another byte. */
    public boolean closedWithoutData() throws IOException {
        return readUntilClosed() == 0;
    }

    /** Sends the word on this (fresh) connection and reads everything until the server closes. */
    public String fourLetterWord(String word) throws IOException {
        sendRaw(word.getBytes(StandardCharsets.US_ASCII));
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        while (true) {
            int n;
            try {
                n = in.read(buf);
            } catch (SocketTimeoutException e) {
                throw new IOException("server did not close after '" + word + "'; got so far: "
                        + text.toString(StandardCharsets.UTF_8), e);
            } catch (SocketException e) {
                break;
            }
            if (n < 0) {
                break;
            }
            text.write(buf, 0, n);
        }
        return text.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a test socket
        }
    }

    /** Convenience for tests that need an EOF check and the failure message. */
    public static void expectEof(RawClient c, String what) throws IOException {
        int bytes = c.readUntilClosed();
        if (bytes != 0) {
            throw new AssertionError(what + ": expected the server to close without sending more, got " + bytes
                    + " bytes");
        }
    }

}
