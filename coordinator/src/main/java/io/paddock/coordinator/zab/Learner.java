package io.paddock.coordinator.zab;

/** What a leader tracks of one learner. */
final class Learner {
    final boolean observer;
    long acceptedEpoch;
    boolean ackedEpoch;
    /** Acknowledged our epoch without promising it (it had promised it before): synced, not counted. */
    boolean uncountedAck;
    long historyEpoch;
    long historyZxid;
    boolean syncSent;
    boolean synced;
    long ackedZxid;
    long lastHeardTick;
    /** Tick at which the oldest proposal this learner has not acknowledged was sent, or -1. */
    long unackedSinceTick = -1;

    Learner(boolean observer, long acceptedEpoch, long tick) {
        this.observer = observer;
        this.acceptedEpoch = acceptedEpoch;
        this.lastHeardTick = tick;
    }
}
