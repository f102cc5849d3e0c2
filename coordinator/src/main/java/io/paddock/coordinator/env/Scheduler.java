package io.paddock.coordinator.env;

import java.util.function.Consumer;

/** Makes the server's threads. */
public interface Scheduler {
    /**
     * A new serial executor. {@code onFailure} receives anything a task throws; after that the
     * executor runs nothing more.
     */
    SerialExecutor serial(String name, Consumer<Throwable> onFailure);

    /** Daemon threads, one per serial executor. */
    static Scheduler threads() {
        return ThreadScheduler::new;
    }
}
