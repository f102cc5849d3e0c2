package io.paddock.coordinator.sim.linear;

import java.util.Objects;

/**
 * One client operation of a history: who issued it, when it was invoked and when it returned
 * (logical times from the simulator clock), what it asked and what it observed.
 *
 * <p>A <em>pending</em> operation ({@code returnedAt == NEVER}, {@code result == null}) never
 * returned (client crashed, connection lost): it may have taken effect at any time after its
 * invocation, or not at all. Operation A precedes B in real time iff {@code A.returnedAt <
 * B.invokedAt}; equal times count as concurrent.
 */
public record Operation(long client, long invokedAt, long returnedAt, Command command, Result result) {
    /** The response time of an operation that never returned. */
    public static final long NEVER = Long.MAX_VALUE;

    public Operation {
        Objects.requireNonNull(command, "command");
        if ((returnedAt == NEVER) != (result == null)) {
            throw new IllegalArgumentException("a result iff a response time: " + returnedAt + " " + result);
        }
        if (returnedAt < invokedAt) {
            throw new IllegalArgumentException("returned before invoked: " + invokedAt + ".." + returnedAt);
        }
        if (result != null && !VersionedRegisterModel.plausible(command, result)) {
            throw new IllegalArgumentException("result " + result + " cannot answer " + command);
        }
    }

    public static Operation completed(long client, long invokedAt, long returnedAt, Command command, Result result) {
        return new Operation(client, invokedAt, returnedAt, command, Objects.requireNonNull(result, "result"));
    }

    public static Operation pending(long client, long invokedAt, Command command) {
        return new Operation(client, invokedAt, NEVER, command, null);
    }

    public boolean isPending() {
        return result == null;
    }

    @Override
    public String toString() {
        return "c" + client + "[" + invokedAt + ".." + (isPending() ? "?" : Long.toString(returnedAt)) + "] "
                + command + " -> " + (isPending() ? "(no response)" : result);
    }
}
