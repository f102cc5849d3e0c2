package io.paddock.coordinator.net;

import io.paddock.coordinator.wire.FourLetterWord;
import java.util.concurrent.CompletableFuture;

/** Answers a four-letter word; the connection writes the text and closes, as ZooKeeper does. */
public interface FourLetterWordHandler {
    /** The text to send; completes with null to close without a reply. */
    CompletableFuture<String> answer(FourLetterWord word);
}
