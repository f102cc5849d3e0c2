package io.paddock.coordinator.sim.linear;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a client asked for, mirroring ZooKeeper's data operations on a flat map of versioned
 * registers. {@code expectedVersion == -1} means "any version", as in ZooKeeper.
 */
public sealed interface Command {
    /** Every key the command reads or writes (partitioning connects the keys of one command). */
    Set<String> keys();

    /** True when the command can never change the state (a pending one may then be dropped). */
    boolean readOnly();

    /** A single-key command; all but {@link Read} may appear inside a {@link Multi}. */
    sealed interface Single extends Command {
        String key();

        @Override
        default Set<String> keys() {
            return Set.of(key());
        }
    }

    /** create(key, value) → {@link Result.Ok} | NODEEXISTS. The new node has version 0. */
    record Create(String key, Value value) implements Single {
        public Create {
            Objects.requireNonNull(key);
            Objects.requireNonNull(value);
        }

        @Override
        public boolean readOnly() {
            return false;
        }

        @Override
        public String toString() {
            return "create(" + key + ", " + value + ")";
        }
    }

    /** delete(key, expectedVersion) → {@link Result.Ok} | NONODE | BADVERSION. */
    record Delete(String key, int expectedVersion) implements Single {
        public Delete {
            Objects.requireNonNull(key);
        }

        @Override
        public boolean readOnly() {
            return false;
        }

        @Override
        public String toString() {
            return "delete(" + key + ", " + expectedVersion + ")";
        }
    }

    /** setData(key, value, expectedVersion) → {@link Result.SetOk}(newVersion) | NONODE | BADVERSION. */
    record SetData(String key, Value value, int expectedVersion) implements Single {
        public SetData {
            Objects.requireNonNull(key);
            Objects.requireNonNull(value);
        }

        @Override
        public boolean readOnly() {
            return false;
        }

        @Override
        public String toString() {
            return "setData(" + key + ", " + value + ", " + expectedVersion + ")";
        }
    }

    /** check(key, expectedVersion) → {@link Result.Ok} | NONODE | BADVERSION (ZooKeeper's multi check op). */
    record Check(String key, int expectedVersion) implements Single {
        public Check {
            Objects.requireNonNull(key);
        }

        @Override
        public boolean readOnly() {
            return true;
        }

        @Override
        public String toString() {
            return "check(" + key + ", " + expectedVersion + ")";
        }
    }

    /** read(key) → {@link Result.Data}(value, version) | NONODE. */
    record Read(String key) implements Single {
        public Read {
            Objects.requireNonNull(key);
        }

        @Override
        public boolean readOnly() {
            return true;
        }

        @Override
        public String toString() {
            return "read(" + key + ")";
        }
    }

    /**
     * All-or-nothing multi: the ops apply in order; the first failing one aborts the whole multi →
     * {@link Result.MultiError}(index, code), else {@link Result.MultiOk}(per-op results).
     */
    record Multi(List<Single> ops) implements Command {
        public Multi {
            ops = List.copyOf(ops);
            for (Single op : ops) {
                if (op instanceof Read) {
                    throw new IllegalArgumentException("read inside multi is not supported: " + op);
                }
            }
        }

        @Override
        public Set<String> keys() {
            Set<String> keys = new LinkedHashSet<>();
            for (Single op : ops) {
                keys.add(op.key());
            }
            return keys;
        }

        @Override
        public boolean readOnly() {
            return ops.stream().allMatch(Command::readOnly);
        }

        @Override
        public String toString() {
            return "multi" + ops;
        }
    }

    static Create create(String key, String value) {
        return new Create(key, Value.of(value));
    }

    static Delete delete(String key, int expectedVersion) {
        return new Delete(key, expectedVersion);
    }

    static SetData setData(String key, String value, int expectedVersion) {
        return new SetData(key, Value.of(value), expectedVersion);
    }

    static Check check(String key, int expectedVersion) {
        return new Check(key, expectedVersion);
    }

    static Read read(String key) {
        return new Read(key);
    }

    static Multi multi(Single... ops) {
        return new Multi(List.of(ops));
    }
}
