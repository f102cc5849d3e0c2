package io.paddock.coordinator.request;

/** Counters for srvr/stat/mntr. Written on the request thread only; read there via inspect(). */
final class ServerStats {
    long packetsReceived;
    long packetsSent;
    long txnsApplied;
    long sessionsExpired;
    long minLatencyMs = Long.MAX_VALUE;
    long maxLatencyMs;
    long totalLatencyMs;
    long completed;

    void recordLatency(long ms) {
        minLatencyMs = Math.min(minLatencyMs, ms);
        maxLatencyMs = Math.max(maxLatencyMs, ms);
        totalLatencyMs += ms;
        completed++;
    }

    void reset() {
        packetsReceived = 0;
        packetsSent = 0;
        minLatencyMs = Long.MAX_VALUE;
        maxLatencyMs = 0;
        totalLatencyMs = 0;
        completed = 0;
    }
}
