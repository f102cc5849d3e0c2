package io.paddock.hdfs;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.apache.hadoop.net.NetUtils;

/** {@code GET /status} (JSON) and {@code GET /metrics} (Prometheus text) on one small HTTP server. */
final class StatusServer {
    private final HttpServer http;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "paddock-fc-status");
        t.setDaemon(true);
        return t;
    });

    StatusServer(String address, ControllerStatus status) throws IOException {
        InetSocketAddress bind = NetUtils.createSocketAddr(address);
        http = HttpServer.create(bind, 16);
        http.createContext("/status", ex -> reply(ex, "application/json", status::toJson));
        http.createContext("/metrics", ex -> reply(ex, "text/plain; version=0.0.4", status::toMetrics));
        http.setExecutor(executor);
    }

    void start() {
        http.start();
    }

    int port() {
        return http.getAddress().getPort();
    }

    void stop() {
        http.stop(0);
        executor.shutdownNow();
    }

    private static void reply(HttpExchange ex, String type, Supplier<String> body) throws IOException {
        try (ex) {
            if (!ex.getRequestMethod().equals("GET")) {
                ex.sendResponseHeaders(405, -1);
                return;
            }
            byte[] bytes = body.get().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", type);
            ex.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
