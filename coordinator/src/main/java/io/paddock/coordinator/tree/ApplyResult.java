package io.paddock.coordinator.tree;

import java.util.List;
import org.apache.zookeeper.data.Stat;

/**
 * What applying one txn did: the error code (0 when it applied), the created path and the resulting
 * Stat for replies, per-op results of a multi, and the watch triggers in the order they happened.
 */
public record ApplyResult(int err, String path, Stat stat, List<ApplyResult> multi, List<WatchTrigger> triggers) {
    public static ApplyResult error(int code) {
        return new ApplyResult(code, null, null, null, List.of());
    }
}
