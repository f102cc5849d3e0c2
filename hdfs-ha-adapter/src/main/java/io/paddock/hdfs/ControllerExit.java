package io.paddock.hdfs;

/** Process exit codes, the same numbers {@code hdfs zkfc} uses so operators' scripts keep working. */
final class ControllerExit {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int FORMAT_DENIED = 2;
    static final int NO_PARENT_ZNODE = 3;
    static final int NO_FENCER = 4;
    static final int AUTO_FAILOVER_NOT_ENABLED = 5;
    static final int NO_COORDINATOR = 6;

    private ControllerExit() {
    }
}
