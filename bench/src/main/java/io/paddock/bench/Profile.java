package io.paddock.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Summarizes a JFR recording's CPU samples (jdk.ExecutionSample): the methods on top of the sampled
 * stacks (self time) and the Paddock methods anywhere on them (total time), as shares of all samples.
 */
final class Profile {
    record Summary(long samples, List<Map.Entry<String, Long>> self, List<Map.Entry<String, Long>> paddockTotal) {}

    private Profile() {}

    static Summary summarize(Path recording, int top) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jfr").toString(), "print",
                "--events", "jdk.ExecutionSample", recording.toString()).redirectErrorStream(true).start();
        Map<String, Long> self = new HashMap<>();
        Map<String, Long> total = new HashMap<>();
        long samples = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            boolean inStack = false;
            boolean first = false;
            java.util.Set<String> seen = new java.util.HashSet<>();
            while ((line = r.readLine()) != null) {
                String t = line.trim();
                if (t.startsWith("stackTrace = [")) {
                    inStack = true;
                    first = true;
                    seen.clear();
                    samples++;
                    continue;
                }
                if (inStack) {
                    if (t.startsWith("]") || t.isEmpty()) {
                        inStack = false;
                        continue;
                    }
                    if (t.equals("...")) {
                        continue;
                    }
                    String method = t.replaceAll("\\s+line:.*$", "");
                    if (first) {
                        self.merge(method, 1L, Long::sum);
                        first = false;
                    }
                    if (method.startsWith("io.paddock.") && seen.add(method)) {
                        total.merge(method, 1L, Long::sum);
                    }
                }
            }
        }
        p.waitFor(60, TimeUnit.SECONDS);
        return new Summary(samples, topOf(self, top), topOf(total, top));
    }

    private static List<Map.Entry<String, Long>> topOf(Map<String, Long> m, int n) {
        return m.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(n)
                .collect(Collectors.toList());
    }
}
