package io.paddock.coordinator.sim.linear;

import io.paddock.coordinator.sim.linear.Command.Check;
import io.paddock.coordinator.sim.linear.Command.Create;
import io.paddock.coordinator.sim.linear.Command.Delete;
import io.paddock.coordinator.sim.linear.Command.Multi;
import io.paddock.coordinator.sim.linear.Command.Read;
import io.paddock.coordinator.sim.linear.Command.SetData;
import io.paddock.coordinator.sim.linear.Command.Single;
import io.paddock.coordinator.sim.linear.Result.Code;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The sequential specification: a map from keys (znode paths) to {@link Register}s, a missing key
 * meaning "no node". States are immutable maps; {@link #apply} never mutates its argument and
 * returns the same instance when nothing changed. Semantics follow ZooKeeper: create gives version
 * 0; setData bumps the version; -1 matches any version; NONODE is checked before BADVERSION; a
 * multi applies its ops in order and aborts as a whole on the first failure.
 */
public final class VersionedRegisterModel {
    private VersionedRegisterModel() {}

    /** The outcome of applying one command to a state. */
    public record Step(Map<String, Register> state, Result result) {}

    public static Step apply(Map<String, Register> state, Command command) {
        if (command instanceof Multi multi) {
            Map<String, Register> scratch = state;
            List<Result> results = new ArrayList<>(multi.ops().size());
            for (int i = 0; i < multi.ops().size(); i++) {
                Step step = applySingle(scratch, multi.ops().get(i));
                if (step.result() instanceof Result.Error error) {
                    return new Step(state, new Result.MultiError(i, error.code()));
                }
                scratch = step.state();
                results.add(step.result());
            }
            return new Step(scratch, new Result.MultiOk(results));
        }
        return applySingle(state, (Single) command);
    }

    private static Step applySingle(Map<String, Register> state, Single command) {
        Register current = state.get(command.key());
        if (command instanceof Create create) {
            if (current != null) {
                return fail(state, Code.NODEEXISTS);
            }
            return new Step(with(state, create.key(), new Register(create.value(), 0)), Result.OK);
        }
        if (current == null) {
            return fail(state, Code.NONODE);
        }
        if (command instanceof Read) {
            return new Step(state, new Result.Data(current.value(), current.version()));
        }
        if (command instanceof Delete delete) {
            if (!matches(delete.expectedVersion(), current)) {
                return fail(state, Code.BADVERSION);
            }
            return new Step(with(state, delete.key(), null), Result.OK);
        }
        if (command instanceof SetData set) {
            if (!matches(set.expectedVersion(), current)) {
                return fail(state, Code.BADVERSION);
            }
            int version = current.version() + 1;
            return new Step(with(state, set.key(), new Register(set.value(), version)), new Result.SetOk(version));
        }
        Check check = (Check) command;
        return matches(check.expectedVersion(), current) ? new Step(state, Result.OK) : fail(state, Code.BADVERSION);
    }

    /**
     * Whether {@code result} is of a shape {@code command} can return at all (catches simulator
     * recording mistakes early, rather than reporting them as linearizability violations).
     */
    public static boolean plausible(Command command, Result result) {
        if (command instanceof Multi multi) {
            if (result instanceof Result.MultiError e) {
                return e.index() >= 0 && e.index() < multi.ops().size();
            }
            if (!(result instanceof Result.MultiOk ok) || ok.results().size() != multi.ops().size()) {
                return false;
            }
            for (int i = 0; i < ok.results().size(); i++) {
                Result r = ok.results().get(i);
                if (r instanceof Result.Error || !plausible(multi.ops().get(i), r)) {
                    return false;
                }
            }
            return true;
        }
        if (result instanceof Result.Error e) {
            return command instanceof Create ? e.code() == Code.NODEEXISTS : e.code() != Code.NODEEXISTS
                    && !(command instanceof Read && e.code() == Code.BADVERSION);
        }
        if (command instanceof Read) {
            return result instanceof Result.Data;
        }
        if (command instanceof SetData) {
            return result instanceof Result.SetOk;
        }
        return result instanceof Result.Ok;
    }

    private static boolean matches(int expectedVersion, Register current) {
        return expectedVersion == -1 || expectedVersion == current.version();
    }

    private static Step fail(Map<String, Register> state, Code code) {
        return new Step(state, new Result.Error(code));
    }

    private static Map<String, Register> with(Map<String, Register> state, String key, Register register) {
        Map<String, Register> next = new HashMap<>(state);
        if (register == null) {
            next.remove(key);
        } else {
            next.put(key, register);
        }
        return Collections.unmodifiableMap(next);
    }
}
