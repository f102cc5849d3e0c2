package io.paddock.coordinator.sim.server;

import io.paddock.coordinator.sim.linear.Command;
import io.paddock.coordinator.sim.linear.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * What the simulated applications do: linearizable register writes and sync-reads (with one-shot
 * data and exist watches), the ephemeral lock, writes to the node persistent watches observe,
 * sequential children (persistent, ephemeral, with a TTL) listed with child watches, and a
 * container with one child.
 */
final class SimWorkload {
    private static final String[] KEYS = {"/r0", "/r1", "/r2"};
    /** Directories: sequential children (persistent and ephemeral), TTL children, a container. */
    private static final String QUEUE = "/q";
    private static final String TTL_DIR = "/t";
    private static final String CONTAINER = "/c";

    /** Each connected client with room issues, one time in three, one operation from the mix. */
    static void step(SplittableRandom r, List<SimClient> clients) {
        for (SimClient c : new ArrayList<>(clients)) {
            if (!c.connected() || c.outstanding() > 2 || r.nextInt(3) != 0) {
                continue;
            }
            String key = KEYS[r.nextInt(KEYS.length)];
            Value value = Value.of(
                    "v" + c.id + "-" + r.nextInt(1000));
            int version = r.nextInt(4) - 1;
            switch (r.nextInt(16)) {
                case 0 -> c.write(new Command.Create(key, value));
                case 1, 2 -> c.write(new Command.SetData(key, value, version));
                case 3 -> c.write(new Command.Delete(key, version));
                case 4 -> c.write(new Command.Multi(List.of(
                        new Command.Check(key, version),
                        new Command.SetData(KEYS[(r.nextInt(KEYS.length))], value, -1))));
                case 5, 6 -> c.syncRead(key, r.nextBoolean());
                case 7 -> c.existsWatch(key);
                case 8 -> c.tryLock(ServerSimulation.LOCK);
                case 9 -> c.write(switch (r.nextInt(3)) {
                    case 0 -> new Command.Create(SimNodeChecks.WATCHED, value);
                    case 1 -> new Command.SetData(SimNodeChecks.WATCHED, value, -1);
                    default -> new Command.Delete(SimNodeChecks.WATCHED, -1);
                });
                case 10 -> c.addPersistentWatch(SimNodeChecks.WATCHED);
                case 11 -> c.listChildren(QUEUE, r.nextBoolean());
                case 12 -> c.createSequential(QUEUE, r.nextBoolean(), 0);
                case 13 -> c.createSequential(TTL_DIR, false, 50 + r.nextInt(500));
                case 14 -> {
                    c.ensureNode(QUEUE, false);
                    c.ensureNode(TTL_DIR, false);
                }
                default -> {
                    // a container and its only child: the leader removes the container once it is empty
                    if (r.nextBoolean()) {
                        c.ensureNode(CONTAINER, true);
                        c.ensureNode(CONTAINER + "/x", false);
                    } else {
                        c.deleteNode(CONTAINER + "/x");
                    }
                }
            }
        }
    }

    static String randomKey(SplittableRandom r) {
        return KEYS[r.nextInt(KEYS.length)];
    }

    private SimWorkload() {
    }
}
