/**
 * Zab as a deterministic state machine: leader election, discovery, synchronization and broadcast.
 * A standalone server is a one-voter ensemble running the same code (it elects itself at once).
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
 *   <li>Optionally apply, in order, the entries of {@link Ready#commit()} whose zxid is below the
 *       first entry of {@link Ready#append()} (all of them when nothing is appended), provided
 *       {@link Ready#installSnapshot()} is null and {@link Ready#truncateAfter()} is -1: they were
 *       appended by an earlier, already durable Ready. (This keeps a write's latency at one fsync
 *       while the next batch persists.)</li>
 *   <li>Persist, in this order, and make durable (fsync): {@link Ready#installSnapshot()} (the
 *       leader's snapshot as the transport received it; the log then holds nothing up to its zxid),
 *       {@link Ready#truncateAfter()} (drop log entries with larger zxids), {@link Ready#append()}
 *       (log entries in order), {@link Ready#acceptedEpoch()} then {@link Ready#currentEpoch()}
 *       (atomic state files).</li>
 *   <li>Only then send {@link Ready#sendAfterPersist()}: acknowledgements (ACKEPOCH, ACK of a
 *       proposal, ACK of NEWLEADER) that promise durability. Sending them earlier is the bug behind
 *       ZooKeeper's data-loss issues (ZOOKEEPER-3911, -3642, -4643, -4646). Send them only if
 *       {@link Ready#attempt()} still equals the peer's {@code attempt()}: a peer that looked again,
 *       or follows or leads anew, while this Ready persisted has abandoned the role they were for.
 *       (A leader's SNAP sync among them carries a snapshot handle that holds resources: whoever
 *       drops such a message, driver or transport, releases it.)</li>
 *   <li>Apply the rest of {@link Ready#commit()} in order to the state machine (the data tree),
 *       through the same apply used by recovery; if {@link Ready#installSnapshot()} is set, replace
 *       the state with it first.</li>
 *   <li>Call {@code advance()}: the peer now counts what it persisted (a leader acknowledges its
 *       own proposals only here).</li>
 * </ol>
 * Persistence that does not complete within syncLimit ticks ({@code stalled()}) makes a follower
 * look for a new leader, and its server must stop answering clients: memory never runs ahead of
 * disk, so a stalled peer would serve a frozen past. A leader forgets a learner that answers pings
 * but acknowledges no proposal for syncLimit ticks.
 * Snapshots are opaque {@link io.paddock.coordinator.zab.SnapshotHandle}s: the core passes them from
 * the driver's snapshot source into a Sync, and from a received Sync into a Ready, never reading them.
 * A crash anywhere loses only what was not yet durable; the peer restarts from its durable log and
 * epochs through {@link io.paddock.coordinator.zab.ZabPeer#ZabPeer}.
 */
package io.paddock.coordinator.zab;
