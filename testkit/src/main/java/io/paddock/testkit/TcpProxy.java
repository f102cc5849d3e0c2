package io.paddock.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback TCP proxy in front of one server, so a test can drop a client's connection while the
 * server and the session stay up.
 *
 * <p>{@link #cut()} closes every proxied connection (both ends) and, until {@link #restore()},
 * accepts new connections only to close them again at once, so a reconnecting client keeps failing
 * fast instead of waiting on a timeout. Plain blocking sockets, one accept thread and two pump
 * threads per connection, all daemons.
 */
public final class TcpProxy implements AutoCloseable {
    private final InetSocketAddress target;
    private final ServerSocket listener;
    private final Object lock = new Object();
    private final List<Link> links = new ArrayList<>();
    private boolean cut;
    private boolean closed;

    private TcpProxy(InetSocketAddress target) throws IOException {
        this.target = target;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "tcp-proxy-accept-" + listener.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Starts a proxy for {@code host:port} (the first address of a connect string). */
    public static TcpProxy start(String targetHostPort) throws IOException {
        String first = targetHostPort.split(",")[0].trim();
        int colon = first.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("expected host:port, got " + targetHostPort);
        }
        String host = first.substring(0, colon);
        int port = Integer.parseInt(first.substring(colon + 1));
        return new TcpProxy(new InetSocketAddress(host, port));
    }

    /** The address clients use instead of the server's. */
    public String connectString() {
        return "127.0.0.1:" + listener.getLocalPort();
    }

    /** Closes all current connections; new ones are closed on accept until {@link #restore()}. */
    public void cut() {
        List<Link> toClose;
        synchronized (lock) {
            cut = true;
            toClose = new ArrayList<>(links);
            links.clear();
        }
        for (Link l : toClose) {
            l.close();
        }
    }

    /** Lets new connections through again. */
    public void restore() {
        synchronized (lock) {
            cut = false;
        }
    }

    /** Number of connections currently proxied (for diagnostics). */
    public int activeConnections() {
        synchronized (lock) {
            return links.size();
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
        }
        closeQuietly(listener);
        cut();
    }

    private void acceptLoop() {
        while (true) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // listener closed
            }
            synchronized (lock) {
                if (closed || cut) {
                    closeQuietly(client);
                    if (closed) {
                        return;
                    }
                    continue;
                }
                // Registered under the lock, so a concurrent cut() either sees this link or the
                // accept sees cut == true; no connection slips through a cut.
                Socket upstream = new Socket();
                try {
                    client.setTcpNoDelay(true);
                    upstream.setTcpNoDelay(true);
                    upstream.connect(target, 10_000);
                } catch (IOException e) {
                    closeQuietly(client);
                    closeQuietly(upstream);
                    continue;
                }
                Link link = new Link(client, upstream);
                links.add(link);
                link.start();
            }
        }
    }

    private void forget(Link link) {
        synchronized (lock) {
            links.remove(link);
        }
    }

    private final class Link {
        private final Socket client;
        private final Socket upstream;

        Link(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        void start() {
            pump(client, upstream, "c2s");
            pump(upstream, client, "s2c");
        }

        private void pump(Socket from, Socket to, String dir) {
            Thread t = new Thread(() -> {
                byte[] buf = new byte[16 * 1024];
                try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                    while (true) {
                        int n = in.read(buf);
                        if (n < 0) {
                            break;
                        }
                        out.write(buf, 0, n);
                        out.flush();
                    }
                } catch (IOException ignored) {
                    // either side closed: tear the whole link down below
                } finally {
                    close();
                    forget(this);
                }
            }, "tcp-proxy-" + dir + "-" + from.getPort());
            t.setDaemon(true);
            t.start();
        }

        void close() {
            closeQuietly(client);
            closeQuietly(upstream);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing anyway
        }
    }
}
