package io.paddock.coordinator.sim.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.coordinator.env.Defect;
import io.paddock.coordinator.zab.ZabConfig;
import org.junit.jupiter.api.Test;

/**
 * Seeded whole-server simulations. A failure message starts with "seed N": rerun it alone with
 * {@code -Dpaddock.serverSim.seed=N} to replay it exactly; {@code -Dpaddock.serverSim.seeds=N}
 * changes how many seeds run (the README shows the long property run).
 */
class ServerSimulationTest {
    private static final long FIRST_SEED = Long.getLong("paddock.serverSim.first", 1);

    static ServerSimulation.Result run(long seed, Defect defect, ZabConfig.Defect zabDefect) {
        return new ServerSimulation(seed, ServerSimulation.Scenario.standard(seed, defect, zabDefect)).run();
    }

    @Test
    void manySeeds() {
        Long only = Long.getLong("paddock.serverSim.seed");
        int seeds = Integer.getInteger("paddock.serverSim.seeds", 1000);
        long first = only != null ? only : FIRST_SEED;
        long last = only != null ? only : FIRST_SEED + seeds - 1;
        long steps = 0;
        long ops = 0;
        ServerSimulation.Coverage coverage = new ServerSimulation.Coverage(0, 0, 0, 0, 0, 0, 0);
        long start = System.nanoTime();
        for (long seed = first; seed <= last; seed++) {
            ServerSimulation.Result r = run(seed, Defect.NONE, ZabConfig.Defect.NONE);
            steps += r.steps();
            ops += r.operations();
            coverage = coverage.plus(r.coverage());
        }
        System.out.printf("whole-server simulation: seeds %d..%d, %d events, %d client operations, %.1f s%n", first, last,
                steps, ops, (System.nanoTime() - start) / 1e9);
        System.out.println("checked: " + coverage);
        assertTrue(ops > 0);
        if (only == null) {
            // every check had material to work on (a check that never runs cannot fail)
            assertTrue(coverage.persistentEvents() > 0 && coverage.childEvents() > 0
                    && coverage.sequentialCreates() > 0 && coverage.unreadCloses() > 0
                    && coverage.snapshotStreams() > 0 && coverage.streamsCut() > 0, coverage.toString());
        }
    }

    /** A seed is a bug report only if it replays exactly: the same events, operations and outcome. */
    @Test
    void aSeedReplaysExactly() {
        for (long seed = 1; seed <= 20; seed++) {
            assertEquals(run(seed, Defect.NONE, ZabConfig.Defect.NONE), run(seed, Defect.NONE, ZabConfig.Defect.NONE),
                    "seed " + seed + " ran differently twice");
        }
    }
}
