package io.paddock.coordinator.wire;

/** WatchedEvent types and keeper states as they travel in a WatcherEvent notification. */
public final class EventType {
    public static final int NONE = -1;
    public static final int NODE_CREATED = 1;
    public static final int NODE_DELETED = 2;
    public static final int NODE_DATA_CHANGED = 3;
    public static final int NODE_CHILDREN_CHANGED = 4;

    /** KeeperState.SyncConnected: the state every server-sent notification carries. */
    public static final int STATE_SYNC_CONNECTED = 3;

    private EventType() {}
}
