package io.paddock.coordinator.storage;

import java.util.OptionalLong;

/**
 * File names of the form {@code <prefix><16 hex digits>}: fixed width so a plain directory listing
 * sorts them in zxid order, which operators rely on when inspecting a data directory by hand.
 */
final class ZxidFileNames {
    private static final int HEX_DIGITS = 16;

    private ZxidFileNames() {
    }

    static String name(String prefix, long zxid) {
        return prefix + String.format("%016x", zxid);
    }

    /** Empty for anything that is not exactly prefix + 16 hex digits, so stray files are ignored. */
    static OptionalLong parse(String prefix, String fileName) {
        if (!fileName.startsWith(prefix) || fileName.length() != prefix.length() + HEX_DIGITS) {
            return OptionalLong.empty();
        }
        String hex = fileName.substring(prefix.length());
        for (int i = 0; i < hex.length(); i++) {
            if (Character.digit(hex.charAt(i), 16) < 0) {
                return OptionalLong.empty();
            }
        }
        return OptionalLong.of(Long.parseUnsignedLong(hex, 16));
    }
}
