package io.paddock.coordinator.tree;

/** A change that watches may be waiting for; {@code type} is a {@code wire.EventType} value. */
public record WatchTrigger(String path, int type) {}
