package io.paddock.coordinator.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * A peer that speaks the handshake by hand over a plain socket, as a stranger, an impostor or a
 * member that stops reading would: every frame it sends is built by the test, step by step.
 */
final class RawPeer implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private RawPeer(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Connects with a small receive buffer, so that when it stops reading the sender's queue grows soon. */
    static RawPeer connect(InetSocketAddress to) throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096);
        s.setSoTimeout(30_000);
        s.connect(to, 30_000);
        return new RawPeer(s);
    }

    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    void sendFrame(byte[] body) throws IOException {
        ByteBuf frame = PeerFrames.frame(body);
        try {
            sendRaw(ByteBufUtil.getBytes(frame));
        } finally {
            frame.release();
        }
    }

    byte[] readFrame() throws IOException {
        int length = in.readInt();
        in.readInt(); // checksum: the transport's own frames are checked by the transport's tests
        byte[] body = new byte[length];
        in.readFully(body);
        return body;
    }

    PeerHandshake.Hello readHello() throws IOException {
        return PeerHandshake.decode(readFrame());
    }

    /** Sends {@code who}'s hello with {@code nonce} and returns the member's. */
    PeerHandshake.Hello exchangeHellos(PeerHandshake who, byte[] nonce) throws IOException {
        sendFrame(who.encode(nonce));
        return readHello();
    }

    /**
     * True once the other side has closed the connection (end of stream or reset) within
     * {@code timeout}; whatever arrives before that is discarded.
     */
    boolean closedWithin(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        byte[] sink = new byte[8192];
        try {
            while (in.read(sink) >= 0) {
                // discard
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // connection reset
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
