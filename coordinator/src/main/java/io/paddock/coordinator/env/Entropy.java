package io.paddock.coordinator.env;

import java.security.SecureRandom;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Randomness: session passwords in production come from {@link SecureRandom}; in the simulator
 * from a seed, so runs replay.
 */
public interface Entropy {
    void nextBytes(byte[] into);

    long nextLong();

    /** A fresh {@link SecureRandom}; thread-safe. */
    static Entropy secure() {
        return of(new SecureRandom());
    }

    /** Deterministic randomness from {@code seed}; not thread-safe (the simulator is one thread). */
    static Entropy seeded(long seed) {
        return of(new SplittableRandom(seed));
    }

    private static Entropy of(RandomGenerator g) {
        return new Entropy() {
            @Override
            public void nextBytes(byte[] into) {
                g.nextBytes(into);
            }

            @Override
            public long nextLong() {
                return g.nextLong();
            }
        };
    }
}
