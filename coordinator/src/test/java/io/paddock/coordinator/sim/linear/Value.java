package io.paddock.coordinator.sim.linear;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** An immutable znode payload compared by content (a {@code byte[]} wrapper with value semantics). */
public final class Value {
    private final byte[] bytes;

    private Value(byte[] bytes) {
        this.bytes = bytes;
    }

    public static Value of(byte[] bytes) {
        return new Value(bytes.clone());
    }

    public static Value of(String text) {
        return new Value(text.getBytes(StandardCharsets.UTF_8));
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Value v && Arrays.equals(bytes, v.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    /** The UTF-8 text when the bytes are printable, else hex. */
    @Override
    public String toString() {
        for (byte b : bytes) {
            if (b < 0x20 || b == 0x7f) {
                StringBuilder sb = new StringBuilder("0x");
                for (byte x : bytes) {
                    sb.append(String.format("%02x", x));
                }
                return sb.toString();
            }
        }
        return '"' + new String(bytes, StandardCharsets.UTF_8) + '"';
    }
}
