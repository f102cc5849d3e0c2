package io.paddock.coordinator.sim.linear;

import java.util.List;
import java.util.Objects;

/** What a client observed. Error results are observations too: they must match the model state. */
public sealed interface Result {
    /** The error codes of the model (ZooKeeper's names). */
    enum Code { NODEEXISTS, NONODE, BADVERSION }

    /** create, delete or check succeeded. */
    record Ok() implements Result {
        @Override
        public String toString() {
            return "ok";
        }
    }

    /** setData succeeded; the node's data version is now {@code newVersion}. */
    record SetOk(int newVersion) implements Result {
        @Override
        public String toString() {
            return "ok(v" + newVersion + ")";
        }
    }

    /** read succeeded. */
    record Data(Value value, int version) implements Result {
        public Data {
            Objects.requireNonNull(value);
        }

        @Override
        public String toString() {
            return value + "@v" + version;
        }
    }

    /** A single operation failed. */
    record Error(Code code) implements Result {
        public Error {
            Objects.requireNonNull(code);
        }

        @Override
        public String toString() {
            return code.name();
        }
    }

    /** A multi committed; one result per op, in order. */
    record MultiOk(List<Result> results) implements Result {
        public MultiOk {
            results = List.copyOf(results);
        }

        @Override
        public String toString() {
            return "ok" + results;
        }
    }

    /** A multi aborted because op {@code index} failed with {@code code}; nothing took effect. */
    record MultiError(int index, Code code) implements Result {
        public MultiError {
            Objects.requireNonNull(code);
        }

        @Override
        public String toString() {
            return code + "@op" + index;
        }
    }

    Ok OK = new Ok();

    static SetOk setOk(int newVersion) {
        return new SetOk(newVersion);
    }

    static Data data(String value, int version) {
        return new Data(Value.of(value), version);
    }

    static Error error(Code code) {
        return new Error(code);
    }

    static MultiOk multiOk(Result... results) {
        return new MultiOk(List.of(results));
    }

    static MultiError multiError(int index, Code code) {
        return new MultiError(index, code);
    }
}
