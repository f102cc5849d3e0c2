package io.paddock.coordinator.admin;

import io.paddock.coordinator.net.FourLetterWordHandler;
import io.paddock.coordinator.wire.FourLetterWord;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The one place four-letter words are answered: the whitelist, the words that need no server
 * state (ruok, stmk), and the rest rendered by {@link AdminCommands} from a {@link ServerView}
 * taken on the request thread. The connection writes the text and closes, as ZooKeeper does.
 */
public final class FourLetterWords implements FourLetterWordHandler {
    /** What admin commands need from the running server. */
    public interface ServerState {
        /** A consistent view, taken on the request thread. */
        CompletableFuture<ServerView> view();

        /** srst: resets the request counters. */
        void resetStats();
    }

    private static final long VIEW_TIMEOUT_SECONDS = 10;

    private final Predicate<String> enabled;
    private final AdminCommands commands;
    private final ServerState state;

    public FourLetterWords(Predicate<String> enabled, AdminCommands commands, ServerState state) {
        this.enabled = enabled;
        this.commands = commands;
        this.state = state;
    }

    @Override
    public CompletableFuture<String> answer(FourLetterWord fw) {
        String word = fw.word();
        if (!enabled.test(word)) {
            return CompletableFuture.completedFuture(word + " is not executed because it is not in the whitelist.\n");
        }
        switch (word) {
            case "ruok":
                return CompletableFuture.completedFuture("imok");
            case "stmk":
                // without its 8-byte argument ZooKeeper closes the connection without a reply
                return CompletableFuture.completedFuture(
                        fw.argument() == null ? null : commands.setTraceMask(fw.argument()));
            case "srst":
                state.resetStats();
                return CompletableFuture.completedFuture("Server stats reset.\n");
            default:
                return state.view().orTimeout(VIEW_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                        .thenApply(view -> commands.render(word, view));
        }
    }
}
