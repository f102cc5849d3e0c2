package io.paddock.coordinator.sim;

import io.paddock.coordinator.sim.linear.CheckResult;
import io.paddock.coordinator.sim.linear.Command;
import io.paddock.coordinator.sim.linear.LinearizabilityChecker;
import io.paddock.coordinator.sim.linear.Operation;
import io.paddock.coordinator.sim.linear.Result;
import io.paddock.coordinator.wire.ErrorCode;
import java.util.ArrayList;
import java.util.List;

/** Feeds a {@link KeyValueWorkload} history to the linearizability checker. */
final class HistoryCheck {
    private HistoryCheck() {}

    /** Null when the history is linearizable, else the checker's explanation. */
    static String check(List<KeyValueWorkload.Op> history) {
        List<Operation> ops = new ArrayList<>();
        for (KeyValueWorkload.Op op : history) {
            Command cmd = switch (op.kind()) {
                case "create" -> Command.create(op.key(), op.value());
                case "set" -> Command.setData(op.key(), op.value(), op.expectedVersion());
                case "delete" -> Command.delete(op.key(), op.expectedVersion());
                case "read" -> Command.read(op.key());
                default -> throw new IllegalArgumentException(op.kind());
            };
            if (op.result() == null) {
                ops.add(Operation.pending(op.client(), op.invokedAt(), cmd));
                continue;
            }
            KeyValueWorkload.Outcome o = op.result();
            Result result;
            if (o.err() == ErrorCode.NODE_EXISTS) {
                result = Result.error(Result.Code.NODEEXISTS);
            } else if (o.err() == ErrorCode.NO_NODE) {
                result = Result.error(Result.Code.NONODE);
            } else if (o.err() == ErrorCode.BAD_VERSION) {
                result = Result.error(Result.Code.BADVERSION);
            } else if (o.err() != ErrorCode.OK) {
                return "operation " + op + " got unexpected error " + o.err();
            } else {
                result = switch (op.kind()) {
                    case "set" -> Result.setOk(o.version());
                    case "read" -> Result.data(o.value(), o.version());
                    default -> Result.OK;
                };
            }
            ops.add(Operation.completed(op.client(), op.invokedAt(), op.respondedAt(), cmd, result));
        }
        CheckResult r = LinearizabilityChecker.check(ops);
        return r.verdict() == CheckResult.Verdict.LINEARIZABLE ? null : r.toString();
    }
}
