package io.paddock.coordinator.watch;

/** Where a triggered watch is delivered: one client connection. */
public interface WatchSink {
    void deliverEvent(int eventType, String path, long zxid);
}
