/**
 * Zab as a deterministic state machine: leader election, discovery, synchronization and broadcast.
 * No threads, sockets, files, clocks or randomness live here. Time enters as {@link
 * io.paddock.coordinator.zab.ZabPeer#tick()}, messages as {@link io.paddock.coordinator.zab.ZabPeer#step},
 * and every effect leaves as a {@link io.paddock.coordinator.zab.Ready} the driver executes. The same
 * code runs in the server and in the simulator.
 *
 * <h2>Driver contract</h2>
 * Repeat, on one thread:
 * <ol>
 *   <li>Feed inputs: {@code step(from, message)} for each received message, {@code tick()} once per
 *       tick, {@code propose(payload)} on the leader.</li>
 *   <li>If {@code hasReady()}, take {@code ready()}. Until {@code advance()} is called no other
 *       Ready is handed out (inputs may still be fed; their effects wait for the next Ready).</li>
 *   <li>Send {@link Ready#sendNow()} (these never depend on this Ready's persistence).</li>
 *   <li>Persist, in this order, and make durable (fsync): {@link Ready#truncateAfter()} (drop log
 *       entries with larger zxids), {@link Ready#append()} (log entries in order),
 *       {@link Ready#acceptedEpoch()} then {@link Ready#currentEpoch()} (atomic state files).</li>
 *   <li>Only then send {@link Ready#sendAfterPersist()}: acknowledgements (ACKEPOCH, ACK of a
 *       proposal, ACK of NEWLEADER) that promise durability. Sending them earlier is the bug behind
 *       ZooKeeper's data-loss issues (ZOOKEEPER-3911, -3642, -4643, -4646).</li>
 *   <li>Apply {@link Ready#commit()} in order to the state machine (the data tree), through the same
 *       apply used by recovery; if {@link Ready#installSnapshot()} is set, replace the state with it
 *       first.</li>
 *   <li>Call {@code advance()}: the peer now counts what it persisted (a leader acknowledges its
 *       own proposals only here).</li>
 * </ol>
 * A crash anywhere loses only what was not yet durable; the peer restarts from its durable log and
 * epochs through {@link io.paddock.coordinator.zab.ZabPeer#ZabPeer}.
 */
package io.paddock.coordinator.zab;
