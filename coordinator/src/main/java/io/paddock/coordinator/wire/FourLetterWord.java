package io.paddock.coordinator.wire;

import java.nio.charset.StandardCharsets;

/**
 * A four-letter admin command sent in place of the first frame's length. ZooKeeper tells them apart
 * by reading the first four bytes as an int and comparing with the known words.
 */
public record FourLetterWord(String word, Long argument) {
    /** A word without argument. */
    public FourLetterWord(String word) {
        this(word, null);
    }

    public static final String[] KNOWN = {
        "ruok", "srvr", "stat", "mntr", "conf", "cons", "crst", "srst", "envi", "wchs", "wchc", "wchp",
        "dump", "isro", "dirs", "gtmk", "stmk", "hash"
    };

    /** The word whose ASCII bytes equal {@code firstInt}, or null when the int is an ordinary length. */
    public static FourLetterWord fromFirstInt(int firstInt) {
        byte[] b = {(byte) (firstInt >>> 24), (byte) (firstInt >>> 16), (byte) (firstInt >>> 8), (byte) firstInt};
        String candidate = new String(b, StandardCharsets.US_ASCII);
        for (String w : KNOWN) {
            if (w.equals(candidate)) {
                return new FourLetterWord(w);
            }
        }
        return null;
    }
}
