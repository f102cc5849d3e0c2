package io.paddock.coordinator;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The package rules the README's architecture section writes down: which package may use which,
 * dependencies pointing down only, and nothing nondeterministic (clocks, threads, files, randomness,
 * system properties) outside the places that own it. A change that breaks a rule fails here.
 */
class ArchitectureTest {
    private static final String ROOT = "io.paddock.coordinator.";

    /** Package -> the Paddock packages it may depend on (besides itself). */
    static final Map<String, Set<String>> ALLOWED = new TreeMap<>(Map.ofEntries(
            Map.entry("env", Set.of()),
            Map.entry("wire", Set.of()),
            Map.entry("zab", Set.of()),
            Map.entry("txn", Set.of()),
            Map.entry("acl", Set.of()),
            Map.entry("session", Set.of()),
            Map.entry("tree", Set.of("txn", "wire")),
            Map.entry("watch", Set.of("tree", "wire")),
            Map.entry("prepare", Set.of("tree", "txn", "wire")),
            Map.entry("storage", Set.of("env")),
            Map.entry("net", Set.of("env", "wire", "watch", "txn", "zab")),
            Map.entry("admin", Set.of("net", "tree", "watch", "wire")),
            Map.entry("request", Set.of("acl", "admin", "env", "net", "prepare", "session", "tree", "txn", "watch",
                    "wire", "zab")),
            Map.entry("server", Set.of("acl", "admin", "env", "net", "request", "storage", "tree", "txn", "zab",
                    "wire", "session", "watch", "prepare"))));

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.paddock.coordinator");

    private static String packageOf(JavaClass c) {
        String p = c.getPackageName();
        if (!p.startsWith(ROOT)) {
            return null;
        }
        String rest = p.substring(ROOT.length());
        int dot = rest.indexOf('.');
        return dot < 0 ? rest : rest.substring(0, dot);
    }

    @Test
    void everyPackageHasARule() {
        List<String> missing = new ArrayList<>();
        for (JavaClass c : MAIN) {
            String p = packageOf(c);
            if (p != null && !ALLOWED.containsKey(p) && !missing.contains(p)) {
                missing.add(p);
            }
        }
        if (!missing.isEmpty()) {
            throw new AssertionError("packages without a dependency rule (add them here and to the README): " + missing);
        }
    }

    @Test
    void dependenciesPointDown() {
        ArchCondition<JavaClass> onlyAllowed = new ArchCondition<>("depend only on the packages the rules allow") {
            @Override
            public void check(JavaClass c, ConditionEvents events) {
                String from = packageOf(c);
                Set<String> allowed = ALLOWED.getOrDefault(from, Set.of());
                c.getDirectDependenciesFromSelf().forEach(d -> {
                    String to = packageOf(d.getTargetClass());
                    if (to != null && !to.equals(from) && !allowed.contains(to)) {
                        events.add(SimpleConditionEvent.violated(d, d.getDescription()));
                    }
                });
            }
        };
        com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes().that().resideInAPackage("io.paddock.coordinator..")
                .should(onlyAllowed).check(MAIN);
    }

    @Test
    void theDeterministicCoreHasNoClocksThreadsFilesOrRandomness() {
        noClasses().that().resideInAnyPackage(ROOT + "zab..", ROOT + "tree..", ROOT + "txn..", ROOT + "prepare..",
                        ROOT + "session..", ROOT + "watch..")
                .should().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.lang.Thread")
                .orShould().dependOnClassesThat().resideInAnyPackage("java.nio.file..", "java.nio.channels..",
                        "java.net..")
                .orShould().dependOnClassesThat().haveNameMatching(
                        "java\\.util\\.concurrent\\.(.*Executor.*|ForkJoinPool|CompletableFuture|TimeUnit)")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.Random")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.security.SecureRandom")
                .check(MAIN);
    }

    /** Time, threads, randomness and files enter the request path and storage only through env. */
    @Test
    void requestPathAndStorageTakeTimeThreadsAndFilesFromEnv() {
        noClasses().that().resideInAnyPackage(ROOT + "request..", ROOT + "storage..")
                .should().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.lang.Thread")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.concurrent.ExecutorService")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.concurrent.ScheduledExecutorService")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.nio.file.Files")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.nio.channels.FileChannel")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.Random")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.security.SecureRandom")
                .check(MAIN);
    }

    /** No hidden globals: system properties are read by the config loader (and printed by envi) only. */
    @Test
    void systemPropertiesAreReadOnlyByTheConfigLoader() {
        noClasses().that().doNotHaveFullyQualifiedName(ROOT + "server.ConfigLoader")
                .and().doNotHaveFullyQualifiedName(ROOT + "admin.AdminCommands")
                .should().callMethod(System.class, "getProperty", String.class)
                .orShould().callMethod(System.class, "getProperty", String.class, String.class)
                .orShould().callMethod(Integer.class, "getInteger", String.class)
                .orShould().callMethod(Long.class, "getLong", String.class)
                .check(MAIN);
    }
}
