package io.paddock.coordinator.env;

import java.security.SecureRandom;
import java.util.SplittableRandom;

/**
 * Randomness: session passwords in production come from {@link SecureRandom}; in the simulator
 * from a seed, so runs replay.
 */
public interface Entropy {
    void nextBytes(byte[] into);

    long nextLong();

    /** A fresh {@link SecureRandom}; thread-safe. */
    static Entropy secure() {
        SecureRandom random = new SecureRandom();
        return new Entropy() {
            @Override
            public void nextBytes(byte[] into) {
                random.nextBytes(into);
            }

            @Override
            public long nextLong() {
                return random.nextLong();
            }
        };
    }

    /** Deterministic randomness from {@code seed}; not thread-safe (the simulator is one thread). */
    static Entropy seeded(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        return new Entropy() {
            @Override
            public void nextBytes(byte[] into) {
                random.nextBytes(into);
            }

            @Override
            public long nextLong() {
                return random.nextLong();
            }
        };
    }
}
