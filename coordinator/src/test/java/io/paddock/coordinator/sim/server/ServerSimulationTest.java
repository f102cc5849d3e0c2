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
        long streams = 0;
        long snapshots = 0;
        long broken = 0;
        long start = System.nanoTime();
        for (long seed = first; seed <= last; seed++) {
            ServerSimulation.Result r = run(seed, Defect.NONE, ZabConfig.Defect.NONE);
            steps += r.steps();
            ops += r.operations();
            streams += r.syncStreams();
            snapshots += r.snapshotStreams();
            broken += r.syncStreamsBroken();
        }
        System.out.printf("whole-server simulation: seeds %d..%d, %d events, %d client operations, %d sync streams"
                + " (%d with a snapshot, %d cut mid-stream), %.1f s%n", first, last, steps, ops, streams, snapshots,
                broken, (System.nanoTime() - start) / 1e9);
        assertTrue(ops > 0);
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
