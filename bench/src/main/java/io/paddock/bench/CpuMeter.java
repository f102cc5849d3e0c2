package io.paddock.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * CPU time from /proc: per process (utime + stime) and for the whole machine (busy jiffies), so a
 * run can report what each server used and notice load that belongs to neither server nor harness.
 */
final class CpuMeter {
    /** Linux reports /proc times in USER_HZ, which is 100 on every mainstream kernel build. */
    private static final double TICKS_PER_SECOND = 100.0;

    private CpuMeter() {}

    /** CPU seconds used so far by process {@code pid}, or -1 when it is gone. */
    static double processSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // the command name is in parentheses and may contain spaces: parse after the last ')'
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Busy CPU seconds of the whole machine so far (all cores). */
    static double machineBusySeconds() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/stat"));
            String[] f = lines.get(0).trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i < f.length; i++) {
                if (i != 4 && i != 5) { // idle, iowait
                    busy += Long.parseLong(f[i]);
                }
            }
            return busy / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static double selfSeconds() {
        return processSeconds(ProcessHandle.current().pid());
    }

    /** A before/after reading over a set of server pids. */
    record Sample(double servers, double self, double machine, long nanos) {
        static Sample take(long... pids) {
            double s = 0;
            for (long pid : pids) {
                double v = processSeconds(pid);
                s += Math.max(0, v);
            }
            return new Sample(s, selfSeconds(), machineBusySeconds(), System.nanoTime());
        }

        /** Cores used by the servers, the harness and everything else, averaged over the interval. */
        Usage since(Sample before) {
            double seconds = (nanos - before.nanos) / 1e9;
            double servers = (this.servers - before.servers) / seconds;
            double harness = (self - before.self) / seconds;
            double machine = (this.machine - before.machine) / seconds;
            return new Usage(servers, harness, Math.max(0, machine - servers - harness));
        }
    }

    record Usage(double serverCores, double harnessCores, double otherCores) {}
}
