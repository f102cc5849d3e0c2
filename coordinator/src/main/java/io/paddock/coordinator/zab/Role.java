package io.paddock.coordinator.zab;

public enum Role {
    LOOKING, FOLLOWING, LEADING, OBSERVING
}
