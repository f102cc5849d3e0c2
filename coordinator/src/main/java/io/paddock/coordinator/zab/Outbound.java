package io.paddock.coordinator.zab;

/** A message for one peer. */
public record Outbound(long to, Message message) {}
