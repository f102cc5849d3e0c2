package io.paddock.coordinator.session;

/**
 * Session id allocation: the server id in the top byte, so ids from different servers of an ensemble
 * never collide, and a time-derived start so ids from before a restart are not reused.
 */
public final class SessionIds {
    private long next;

    public SessionIds(long serverId, long nowMs) {
        if (serverId < 0 || serverId > 254) {
            throw new IllegalArgumentException("server id must be in [0, 254]: " + serverId);
        }
        // 40 bits of milliseconds shifted to the middle leave 16 bits of counter per millisecond
        // started; the top byte is the server id (0xFF is reserved for TTL owners).
        this.next = ((nowMs << 24) >>> 8) | (serverId << 56);
    }

    public long next() {
        return next++;
    }
}
