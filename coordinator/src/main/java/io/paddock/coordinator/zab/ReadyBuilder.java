package io.paddock.coordinator.zab;

import java.util.ArrayList;
import java.util.List;

/** The effects a peer accumulates for its next {@link Ready}. */
final class ReadyBuilder {
    List<Outbound> sendNow = new ArrayList<>();
    List<Outbound> sendAfterPersist = new ArrayList<>();
    long truncateAfter = -1;
    SnapshotHandle installSnapshot;
    List<Entry> append = new ArrayList<>();
    long persistAccepted = -1;
    long persistCurrent = -1;
    List<Entry> commit = new ArrayList<>();

    boolean isEmpty() {
        return sendNow.isEmpty() && sendAfterPersist.isEmpty() && truncateAfter < 0 && installSnapshot == null
                && append.isEmpty() && persistAccepted < 0 && persistCurrent < 0 && commit.isEmpty();
    }

    /**
     * Queues a message that needs no persistence. If something for the same peer already waits for
     * persistence in this Ready, it waits too: messages to one peer must leave in the order they were
     * produced (a proposal must not overtake the SYNC and NEWLEADER it follows).
     */
    void send(Outbound o) {
        for (Outbound waiting : sendAfterPersist) {
            if (waiting.to() == o.to()) {
                sendAfterPersist.add(o);
                return;
            }
        }
        sendNow.add(o);
    }

    /** Log entries above {@code zxid} are dropped. */
    void truncated(long zxid) {
        append.removeIf(e -> e.zxid() > zxid);
        truncateAfter = truncateAfter < 0 ? zxid : Math.min(truncateAfter, zxid);
    }

    /** The state is replaced by a leader's snapshot: nothing logged or committed before it matters. */
    void snapshot(SnapshotHandle s) {
        append.clear();
        truncateAfter = -1;
        installSnapshot = s;
        commit.clear();
    }

    Ready take(long attempt) {
        Ready r = new Ready(sendNow, truncateAfter, installSnapshot, append, persistAccepted, persistCurrent,
                sendAfterPersist, commit, attempt);
        sendNow = new ArrayList<>();
        sendAfterPersist = new ArrayList<>();
        truncateAfter = -1;
        installSnapshot = null;
        append = new ArrayList<>();
        persistAccepted = -1;
        persistCurrent = -1;
        commit = new ArrayList<>();
        return r;
    }
}
