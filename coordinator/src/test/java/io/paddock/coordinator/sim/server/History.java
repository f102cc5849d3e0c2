package io.paddock.coordinator.sim.server;

import io.paddock.coordinator.sim.linear.CheckResult;
import io.paddock.coordinator.sim.linear.Command;
import io.paddock.coordinator.sim.linear.LinearizabilityChecker;
import io.paddock.coordinator.sim.linear.Operation;
import io.paddock.coordinator.sim.linear.Result;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The clients' operations on the register keys, for the linearizability check at the end. */
final class History {
    private final List<Operation> ops = new ArrayList<>();

    void completed(long client, long invokedAt, long returnedAt, Command command, Result result) {
        ops.add(Operation.completed(client, invokedAt, returnedAt, command, result));
    }

    /** No answer (connection lost, session expired): the op may or may not have taken effect. */
    void lost(long client, long invokedAt, Command command) {
        if (!command.readOnly()) {
            ops.add(Operation.pending(client, invokedAt, command));
        }
    }

    int size() {
        return ops.size();
    }

    CheckResult check() {
        return LinearizabilityChecker.check(List.copyOf(ops), Map.of(), LinearizabilityChecker.Budget.DEFAULT);
    }
}
