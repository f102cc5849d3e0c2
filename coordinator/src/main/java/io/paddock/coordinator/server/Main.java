package io.paddock.coordinator.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code paddock-server [zoo.cfg]}: runs a standalone server in the foreground until SIGTERM/SIGINT.
 * Without a config file it serves a default data directory on port 2181. Exit codes: 0 clean stop,
 * 2 bad configuration, 3 start-up failure (data directory, storage, port), 4 fatal storage error.
 */
public final class Main {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        ServerConfig config;
        try {
            if (args.length > 1) {
                System.err.println("usage: paddock-server [zoo.cfg]");
                return 2;
            }
            if (args.length == 1) {
                Path cfg = Paths.get(args[0]);
                if (!Files.isRegularFile(cfg)) {
                    System.err.println("configuration file not found: " + cfg.toAbsolutePath());
                    return 2;
                }
                config = ConfigLoader.load(cfg);
            } else {
                config = ConfigLoader.fromProperties(Map.of(ServerConfig.DATA_DIR, "paddock-data"));
            }
        } catch (ConfigException e) {
            System.err.println("Invalid configuration: " + e.getMessage());
            return 2;
        }
        PaddockServer server;
        try {
            server = PaddockServer.start(config);
        } catch (IOException | RuntimeException e) {
            System.err.println("Paddock failed to start: " + e.getMessage());
            LOG.error("start-up failed", e);
            return 3;
        }
        // SIGTERM/SIGINT are a requested stop: close cleanly and exit 0 (the JVM's default would exit
        // 143/130). The shutdown hook still covers other exits.
        for (String signal : new String[] {"TERM", "INT"}) {
            sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> new Thread(server::close, "paddock-stop").start());
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "paddock-shutdown"));
        System.out.println("Paddock serving on " + server.connectString() + " (data in "
                + config.dataDir().toAbsolutePath() + ")");
        System.out.flush();
        try {
            server.awaitStop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return server.failed() ? 4 : 0;
    }
}
