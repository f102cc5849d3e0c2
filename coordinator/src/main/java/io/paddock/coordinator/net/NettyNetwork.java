package io.paddock.coordinator.net;

import java.io.IOException;
import java.io.InterruptedIOException;

/** The production {@link Network}: Netty over TCP. */
final class NettyNetwork implements Network {
    static final NettyNetwork INSTANCE = new NettyNetwork();

    private NettyNetwork() {
    }

    /** A bind that fails (port in use) surfaces as Netty's BindException, an IOException. */
    @Override
    public ClientPort openClientPort(ClientPortSpec spec, ClientRequestSink sink, FourLetterWordHandler words)
            throws IOException {
        ClientPortServer port = new ClientPortServer(Math.max(2, Runtime.getRuntime().availableProcessors()));
        boolean bound = false;
        try {
            port.start(spec, sink, words);
            bound = true;
            return port;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while binding the client port");
        } finally {
            if (!bound) {
                port.close();
            }
        }
    }

    @Override
    public PeerLinks openPeerLinks(PeerSpec spec, PeerLinks.Listener listener) throws IOException {
        PeerTransport transport = new PeerTransport(spec.self(), spec.secret(), spec.entropy(), spec.settings(),
                spec.spool(), listener);
        boolean bound = false;
        try {
            transport.bind(spec.bindAddress());
            transport.start(spec.others());
            bound = true;
            return transport;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while binding the quorum port");
        } finally {
            if (!bound) {
                transport.close();
            }
        }
    }
}
