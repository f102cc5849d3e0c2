package io.paddock.coordinator.prepare;

/** A write that must be rejected with a ZooKeeper error code. */
final class PrepareException extends Exception {
    final int code;

    PrepareException(int code) {
        super(null, null, false, false);
        this.code = code;
    }
}
