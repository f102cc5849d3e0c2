package io.paddock.coordinator.zab;

/** {@code zxid = epoch << 32 | counter}. */
public final class Zxid {
    private Zxid() {}

    public static long of(long epoch, long counter) {
        return epoch << 32 | (counter & 0xffffffffL);
    }

    public static long epoch(long zxid) {
        return zxid >>> 32;
    }

    public static long counter(long zxid) {
        return zxid & 0xffffffffL;
    }

    public static String hex(long zxid) {
        return "0x" + Long.toHexString(zxid);
    }
}
