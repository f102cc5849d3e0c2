package io.paddock.bench.hdfs;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * Where one NameNode-death failover's time went, read from the two controllers' own logs (both
 * kinds log through conf/log4j.properties, millisecond timestamps, same host clock as the
 * benchmark): <em>detection</em> from the kill to the old active's controller reporting its
 * NameNode not responding; <em>lock handover</em> from there to the other controller holding the
 * lock; <em>fencing</em> from there to the start of transitionToActive (reading the breadcrumb,
 * asking the old active to step down or skipping that, the fencing method, writing the
 * breadcrumb); <em>transition</em> the transitionToActive call itself. -1 where a line is missing.
 */
record FailoverTimeline(long detectionMs, long handoverMs, long fencingMs, long transitionMs) {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS");

    /** The lines that mark each step, as each kind of controller writes them. */
    private record Marks(String locked, String transitionStart, String active) {
    }

    private static final Marks PADDOCK = new Marks("took the lock", "transitioning ", " is active (transitionToActive took");
    private static final Marks STOCK = new Marks("Checking for any old active which needs to be fenced",
            "Trying to make ", " to active state");

    /**
     * Waits (bounded) until the new active's controller has logged the end of its transitionToActive,
     * which comes a little after the NameNode reports active.
     */
    static void awaitComplete(ControllerProcess.Kind kind, Path newLog, long newFrom) throws IOException,
            InterruptedException {
        Marks m = kind == ControllerProcess.Kind.PADDOCK ? PADDOCK : STOCK;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (first(linesAfter(newLog, newFrom), m.active()).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    /** Log size now: the lines of the next failover are those after it. */
    static long mark(Path log) throws IOException {
        return Files.exists(log) ? Files.size(log) : 0;
    }

    /**
     * After a NameNode death. After a controller death ({@code oldLog} null: nobody is left to
     * notice) detection is -1 and the lock handover counts from the kill, so it is the coordinator's
     * session expiry.
     */
    static FailoverTimeline read(ControllerProcess.Kind kind, Path oldLog, long oldFrom, Path newLog, long newFrom,
            long killEpochMs) throws IOException {
        Marks m = kind == ControllerProcess.Kind.PADDOCK ? PADDOCK : STOCK;
        List<String> now = linesAfter(newLog, newFrom);
        long detected = oldLog == null ? -1
                : first(linesAfter(oldLog, oldFrom), "SERVICE_NOT_RESPONDING", "SERVICE_UNHEALTHY").orElse(-1);
        long locked = first(now, m.locked()).orElse(-1);
        long started = first(now, m.transitionStart()).orElse(-1);
        long active = first(now, m.active()).orElse(-1);
        return new FailoverTimeline(span(killEpochMs, detected), span(oldLog == null ? killEpochMs : detected, locked),
                span(locked, started), span(started, active));
    }

    private static long span(long from, long to) {
        return from < 0 || to < 0 ? -1 : to - from;
    }

    private static List<String> linesAfter(Path log, long from) throws IOException {
        if (!Files.exists(log)) {
            return List.of();
        }
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long start = Math.min(from, f.length());
            byte[] bytes = new byte[(int) (f.length() - start)];
            f.seek(start);
            f.readFully(bytes);
            return new ArrayList<>(List.of(new String(bytes, StandardCharsets.UTF_8).split("\n")));
        }
    }

    /** Epoch ms of the first line containing any of the texts. */
    private static OptionalLong first(List<String> lines, String... texts) {
        for (String line : lines) {
            for (String t : texts) {
                if (line.contains(t) && line.length() > 23) {
                    try {
                        return OptionalLong.of(LocalDateTime.parse(line.substring(0, 23), STAMP)
                                .atZone(ZoneId.systemDefault()).toInstant().toEpochMilli());
                    } catch (RuntimeException notAStampedLine) {
                        // a stack trace or a continuation line
                    }
                }
            }
        }
        return OptionalLong.empty();
    }
}
