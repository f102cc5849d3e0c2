package io.paddock.coordinator.sim.server;

import static org.junit.jupiter.api.Assertions.assertThrows;

import io.paddock.coordinator.env.Defect;
import io.paddock.coordinator.zab.ZabConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each deliberately broken variant of the server must be caught by the whole-server simulator
 * within the CI budget, and the failing seed must replay exactly.
 */
class PlantedDefectTest {
    private static final int BUDGET = Integer.getInteger("paddock.serverSim.defectBudget", 1000);

    private static long firstFailingSeed(Defect defect, ZabConfig.Defect zabDefect) {
        for (long seed = 1; seed <= BUDGET; seed++) {
            try {
                ServerSimulationTest.run(seed, defect, zabDefect);
            } catch (ServerSimulation.Violation expected) {
                System.out.println("planted " + (defect != Defect.NONE ? defect : zabDefect) + " caught at seed " + seed
                        + ": " + expected.getMessage().lines().findFirst().orElse(""));
                return seed;
            }
        }
        throw new AssertionError("the whole-server simulator did not catch " + defect + "/" + zabDefect + " within "
                + BUDGET + " seeds");
    }

    private static void caughtAndReplays(Defect defect, ZabConfig.Defect zabDefect) {
        long seed = firstFailingSeed(defect, zabDefect);
        assertThrows(ServerSimulation.Violation.class, () -> ServerSimulationTest.run(seed, defect, zabDefect));
    }

    @ParameterizedTest
    @EnumSource(value = Defect.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void serverDefectsAreCaught(Defect defect) {
        caughtAndReplays(defect, ZabConfig.Defect.NONE);
    }

    /**
     * The Zab defects about serving and liveness, plus two protocol ones; the early-acknowledgement
     * defects are the core simulator's (ZabSimulationTest), which aims its crashes at them.
     */
    @ParameterizedTest
    @EnumSource(value = ZabConfig.Defect.class, names = {"LEADER_KEEPS_SILENT_FOLLOWER", "FOLLOWER_IGNORES_STALLED_LOG",
        "COMMIT_ONE_ACK_SHORT", "SKIP_TRUNC"})
    void zabDefectsAreCaught(ZabConfig.Defect defect) {
        caughtAndReplays(Defect.NONE, defect);
    }
}
