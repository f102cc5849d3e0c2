package io.paddock.coordinator.server;

import io.paddock.coordinator.zab.ZabConfig;

/**
 * How ZooKeeper's timing keys map onto the zab core's ticks. The core ticks ten times per
 * {@code tickTime}: initLimit and syncLimit keep their meaning (in units of tickTime), while the
 * election's finalize window (~200 ms, ZooKeeper's finalizeWait) and vote re-send (~400 ms) need a
 * finer clock than a 2-second tick.
 */
final class QuorumTiming {
    static final int ZAB_TICKS_PER_TICK = 10;
    private static final int FINALIZE_MS = 200;
    private static final int RESEND_MS = 400;

    private QuorumTiming() {}

    static long zabTickMs(int tickTimeMs) {
        return Math.max(1, tickTimeMs / ZAB_TICKS_PER_TICK);
    }

    static ZabConfig zabConfig(QuorumConfig quorum, int tickTimeMs) {
        long tick = zabTickMs(tickTimeMs);
        int finalize = (int) Math.max(1, Math.min(2L * ZAB_TICKS_PER_TICK, FINALIZE_MS / tick));
        int resend = (int) Math.max(1, Math.min(4L * ZAB_TICKS_PER_TICK, RESEND_MS / tick));
        return new ZabConfig(quorum.voters(), quorum.observers(), quorum.initLimitTicks() * ZAB_TICKS_PER_TICK,
                quorum.syncLimitTicks() * ZAB_TICKS_PER_TICK, finalize, resend, ZabConfig.Defect.NONE);
    }
}
