package io.paddock.coordinator.server;

import io.paddock.coordinator.env.Clock;
import io.paddock.coordinator.env.Defect;
import io.paddock.coordinator.env.Disk;
import io.paddock.coordinator.env.Entropy;
import io.paddock.coordinator.env.Scheduler;
import io.paddock.coordinator.net.Network;
import io.paddock.coordinator.request.ApplyObserver;
import io.paddock.coordinator.zab.ZabConfig;

/**
 * Everything nondeterministic a server uses, injected: clocks, randomness, threads, files and the
 * network. {@link #production()} binds the real ones; the whole-server simulator binds simulated
 * ones, so the same server code runs in both. The defects are deliberately broken variants for the
 * simulator to catch ({@code NONE} in production).
 */
public record ServerEnvironment(Clock clock, Entropy entropy, Scheduler scheduler, Disk disk, Network network,
                                ApplyObserver observer, Defect defect, ZabConfig.Defect zabDefect) {

    public static ServerEnvironment production() {
        return new ServerEnvironment(Clock.system(), Entropy.secure(), Scheduler.threads(), Disk.local(),
                Network.netty(), ApplyObserver.NONE, Defect.NONE, ZabConfig.Defect.NONE);
    }

    /** Production, with the disk wrapped when the configuration asks for test-only fault injection. */
    public static ServerEnvironment production(ServerConfig config) {
        ServerEnvironment env = production();
        if (config.faultFsyncStallFile().isEmpty() && config.faultFsyncFailFile().isEmpty()) {
            return env;
        }
        return new ServerEnvironment(env.clock(), env.entropy(), env.scheduler(),
                new io.paddock.coordinator.env.FaultInjectingDisk(env.disk(), config.faultFsyncStallFile().orElse(null),
                        config.faultFsyncFailFile().orElse(null)),
                env.network(), env.observer(), env.defect(), env.zabDefect());
    }
}
