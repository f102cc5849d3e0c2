package io.paddock.coordinator.watch;

/** Server-side watch tables, as ZooKeeper keeps them. */
public enum WatchKind {
    /** getData and exists watches: fire on create, delete and data change of the path. */
    DATA,
    /** getChildren watches: fire on delete of the path and on child create/delete. */
    CHILD,
    /** addWatch PERSISTENT: every event of the path, not removed when fired. */
    PERSISTENT,
    /** addWatch PERSISTENT_RECURSIVE: every event of the path and its descendants except child events. */
    PERSISTENT_RECURSIVE
}
