package io.paddock.coordinator.sim;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.coordinator.zab.ZabConfig;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Seeded simulations of the Zab core. A failure message starts with "seed N": rerun that seed alone
 * with {@code -Dpaddock.sim.seed=N} (read only by this test) to replay it exactly.
 */
class ZabSimulationTest {
    private static final ZabConfig THREE = ZabConfig.of(Set.of(1L, 2L, 3L), Set.of(), 10, 5);
    private static final ZabConfig FIVE_AND_OBSERVER = ZabConfig.of(Set.of(1L, 2L, 3L, 4L, 5L), Set.of(6L), 10, 5);

    @Test
    void perfectWorldElectsOneLeaderAndReplicates() {
        ZabSimulation.Result r = new ZabSimulation(1, THREE, ZabSimulation.Faults.none()).run(600, 2000);
        assertTrue(r.committedEntries() > 50, "only " + r.committedEntries() + " entries committed");
    }

    @Test
    void manySeedsWithFaultsThreeNodes() {
        int seeds = Integer.getInteger("paddock.sim.seeds", 500);
        long only = Long.getLong("paddock.sim.seed", -1);
        for (long seed = 1; seed <= seeds; seed++) {
            if (only >= 0 && seed != only) {
                continue;
            }
            new ZabSimulation(seed, THREE, ZabSimulation.Faults.standard()).run(1500, 6000);
        }
    }

    @Test
    void manySeedsWithFaultsFiveNodesAndAnObserver() {
        int seeds = Integer.getInteger("paddock.sim.seeds", 500);
        for (long seed = 1; seed <= seeds; seed++) {
            new ZabSimulation(10_000 + seed, FIVE_AND_OBSERVER, ZabSimulation.Faults.standard()).run(1500, 6000);
        }
    }
}
