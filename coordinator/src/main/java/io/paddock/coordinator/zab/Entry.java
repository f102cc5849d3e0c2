package io.paddock.coordinator.zab;

/** One log entry: a zxid and the opaque txn bytes the state machine applies. */
public record Entry(long zxid, byte[] payload) {
    @Override
    public String toString() {
        return Zxid.hex(zxid);
    }
}
