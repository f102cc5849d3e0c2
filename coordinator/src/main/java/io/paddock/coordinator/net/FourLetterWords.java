package io.paddock.coordinator.net;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.paddock.coordinator.admin.AdminCommands;
import io.paddock.coordinator.server.RequestPipeline;
import io.paddock.coordinator.server.ServerConfig;
import io.paddock.coordinator.server.ServerView;
import io.paddock.coordinator.wire.FourLetterWord;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a four-letter word on the client port and closes the connection, as ZooKeeper does. Words
 * outside {@code 4lw.commands.whitelist} get ZooKeeper's refusal text.
 */
public final class FourLetterWords {
    private static final Logger LOG = LoggerFactory.getLogger(FourLetterWords.class);

    /** Live facts the network layer knows and the request thread does not. */
    public interface PortStatus {
        int openConnections();
    }

    private final ServerConfig config;
    private final RequestPipeline pipeline;
    private final AdminCommands commands;

    public FourLetterWords(ServerConfig config, RequestPipeline pipeline, LongSupplier uptimeMs, PortStatus port,
                           java.util.function.IntSupplier boundPort) {
        this.config = config;
        this.pipeline = pipeline;
        this.commands = new AdminCommands(config, uptimeMs, port::openConnections, boundPort);
    }

    void answer(FourLetterWord fw, ClientChannelHandler conn, Channel channel) {
        String word = fw.word();
        pipeline.fourLetterWordReceived(conn);
        if (!config.fourLetterWordEnabled(word)) {
            write(channel, word + " is not executed because it is not in the whitelist.\n");
            return;
        }
        LOG.debug("four-letter word {} from {}", word, conn.remoteAddress());
        if ("ruok".equals(word)) {
            write(channel, "imok");
            return;
        }
        if ("stmk".equals(word)) {
            if (fw.argument() == null) {
                channel.close();
            } else {
                write(channel, commands.setTraceMask(fw.argument()));
            }
            return;
        }
        pipeline.inspect(view -> render(word, view))
                .orTimeout(10, TimeUnit.SECONDS)
                .whenComplete((text, err) -> write(channel, err != null ? "error: " + err.getMessage() + "\n" : text));
    }

    private String render(String word, ServerView view) {
        if ("srst".equals(word)) {
            pipeline.resetStats();
            return "Server stats reset.\n";
        }
        return commands.render(word, view);
    }

    private static void write(Channel channel, String text) {
        channel.writeAndFlush(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8)).addListener(ChannelFutureListener.CLOSE);
    }
}
