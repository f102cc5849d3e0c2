package io.paddock.coordinator.env;

/** A scheduled task that can be called off. */
@FunctionalInterface
public interface Cancellable {
    /** Stops future runs; a run already started finishes. */
    void cancel();
}
