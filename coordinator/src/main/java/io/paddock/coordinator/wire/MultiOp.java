package io.paddock.coordinator.wire;

import org.apache.jute.Record;

/** One operation of a multi or multiRead request: its opcode and request record. */
public record MultiOp(int type, Record request) {}
