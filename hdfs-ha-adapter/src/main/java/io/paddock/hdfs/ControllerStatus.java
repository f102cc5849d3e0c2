package io.paddock.hdfs;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the controller did and why, for operators: the stock ZKFC only logs it. Written by the
 * controller's threads, read by the status endpoint; every list is bounded.
 */
final class ControllerStatus {
    static final int HISTORY = 50;

    /** One NameNode state change this controller made or attempted. */
    record Transition(Instant at, String to, String reason, boolean succeeded, long millis, String error) {
    }

    /** One attempt to fence a previous active. */
    record Fencing(Instant at, String target, String method, boolean succeeded, long millis, String detail) {
    }

    private final String nameserviceId;
    private final String namenodeId;
    private String health = "INITIALIZING";
    private String localState = "UNKNOWN";
    private String electorState = "NOT_IN_ELECTION";
    private String currentActive;
    private String coordinator = "CONNECTING";
    private long sessionId;
    private final Deque<Transition> transitions = new ArrayDeque<>();
    private final Deque<Fencing> fencings = new ArrayDeque<>();
    private final Map<String, Long> counters = new LinkedHashMap<>();

    ControllerStatus(String nameserviceId, String namenodeId) {
        this.nameserviceId = nameserviceId;
        this.namenodeId = namenodeId;
        for (String c : List.of("elections_won", "transitions_to_active", "transitions_to_standby",
                "transition_failures", "fencings", "fencing_failures", "coordinator_disconnects",
                "session_expiries", "health_changes", "health_checks")) {
            counters.put(c, 0L);
        }
    }

    synchronized void count(String counter) {
        counters.merge(counter, 1L, Long::sum);
    }

    synchronized long counter(String counter) {
        return counters.getOrDefault(counter, 0L);
    }

    synchronized void health(String state) {
        if (!state.equals(health)) {
            counters.merge("health_changes", 1L, Long::sum);
        }
        health = state;
    }

    synchronized String health() {
        return health;
    }

    synchronized void localState(String state) {
        localState = state;
    }

    synchronized void electorState(String state) {
        electorState = state;
    }

    synchronized String electorState() {
        return electorState;
    }

    synchronized void currentActive(String nnId) {
        currentActive = nnId;
    }

    synchronized void coordinator(String state, long session) {
        coordinator = state;
        sessionId = session;
    }

    synchronized long sessionId() {
        return sessionId;
    }

    synchronized String coordinator() {
        return coordinator;
    }

    synchronized String currentActive() {
        return currentActive;
    }

    synchronized void transition(Transition t) {
        push(transitions, t);
    }

    synchronized void fencing(Fencing f) {
        push(fencings, f);
        counters.merge("fencings", 1L, Long::sum);
        if (!f.succeeded()) {
            counters.merge("fencing_failures", 1L, Long::sum);
        }
    }

    synchronized List<Fencing> fencings() {
        return new ArrayList<>(fencings);
    }

    synchronized List<Transition> transitions() {
        return new ArrayList<>(transitions);
    }

    private static <T> void push(Deque<T> q, T item) {
        q.addLast(item);
        while (q.size() > HISTORY) {
            q.removeFirst();
        }
    }

    synchronized String toJson() {
        StringBuilder b = new StringBuilder(1024).append('{');
        field(b, "nameservice", nameserviceId).append(',');
        field(b, "namenode", namenodeId).append(',');
        field(b, "health", health).append(',');
        field(b, "localState", localState).append(',');
        field(b, "electorState", electorState).append(',');
        field(b, "currentActive", currentActive).append(',');
        field(b, "coordinator", coordinator).append(',');
        field(b, "sessionId", "0x" + Long.toHexString(sessionId)).append(',');
        b.append("\"transitions\":[");
        String sep = "";
        for (Transition t : transitions) {
            b.append(sep).append('{');
            field(b, "at", t.at().toString()).append(',');
            field(b, "to", t.to()).append(',');
            field(b, "reason", t.reason()).append(',');
            b.append("\"succeeded\":").append(t.succeeded()).append(',');
            b.append("\"millis\":").append(t.millis()).append(',');
            field(b, "error", t.error()).append('}');
            sep = ",";
        }
        b.append("],\"fencing\":[");
        sep = "";
        for (Fencing f : fencings) {
            b.append(sep).append('{');
            field(b, "at", f.at().toString()).append(',');
            field(b, "target", f.target()).append(',');
            field(b, "method", f.method()).append(',');
            b.append("\"succeeded\":").append(f.succeeded()).append(',');
            b.append("\"millis\":").append(f.millis()).append(',');
            field(b, "detail", f.detail()).append('}');
            sep = ",";
        }
        b.append("],\"counters\":{");
        sep = "";
        for (Map.Entry<String, Long> e : counters.entrySet()) {
            b.append(sep).append('"').append(e.getKey()).append("\":").append(e.getValue());
            sep = ",";
        }
        return b.append("}}").toString();
    }

    /** Prometheus text format: the counters plus 0/1 gauges for the states. */
    synchronized String toMetrics() {
        StringBuilder b = new StringBuilder(512);
        String labels = "{nameservice=\"" + nameserviceId + "\",namenode=\"" + namenodeId + "\"}";
        for (Map.Entry<String, Long> e : counters.entrySet()) {
            b.append("paddock_hdfs_fc_").append(e.getKey()).append("_total").append(labels).append(' ')
                    .append(e.getValue()).append('\n');
        }
        b.append("paddock_hdfs_fc_healthy").append(labels).append(' ')
                .append(health.equals("SERVICE_HEALTHY") ? 1 : 0).append('\n');
        b.append("paddock_hdfs_fc_holds_lock").append(labels).append(' ')
                .append(electorState.equals("ACTIVE") ? 1 : 0).append('\n');
        return b.toString();
    }

    private static StringBuilder field(StringBuilder b, String name, String value) {
        b.append('"').append(name).append("\":");
        if (value == null) {
            return b.append("null");
        }
        b.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"');
    }
}
