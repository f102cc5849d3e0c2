package io.paddock.coordinator.sim.linear;

import java.util.Objects;

/** The model state of one present key: its value and its data version (0 after create). */
public record Register(Value value, int version) {
    public Register {
        Objects.requireNonNull(value, "value");
    }

    @Override
    public String toString() {
        return value + "@v" + version;
    }
}
