/**
 * What a server takes from its environment: time ({@link io.paddock.coordinator.env.Clock}),
 * randomness ({@link io.paddock.coordinator.env.Entropy}), threads
 * ({@link io.paddock.coordinator.env.Scheduler}) and files ({@link io.paddock.coordinator.env.Disk}).
 *
 * <p>Production binds each to the real thing (system clocks, {@code SecureRandom}, daemon threads,
 * {@code FileChannel}); the whole-server simulator binds them to seeded, single-threaded
 * simulations, so a failing run replays exactly from its seed. Nothing above this package reads a
 * clock, creates a thread, draws randomness or opens a file except through these interfaces.
 * This package depends on nothing else in Paddock.
 */
package io.paddock.coordinator.env;
