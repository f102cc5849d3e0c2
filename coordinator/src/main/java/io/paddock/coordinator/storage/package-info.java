/**
 * Durable storage for the replicated log: txn log segments, snapshots, small state files and the
 * data-directory identity stamp.
 *
 * <p>Storage treats log payloads and snapshot bodies as opaque bytes so that protocol decisions stay
 * in {@code zab} and {@code tree}; it only promises that what it reports durable survives a crash,
 * that every byte it reads back was checksummed (DESIGN.md rule 4), and that it never silently
 * drops committed data: a torn tail is truncated, damage anywhere else stops start-up with a
 * {@link io.paddock.coordinator.storage.CorruptLogException}.
 *
 * <p>On-disk formats (all integers big-endian, all checksums CRC32C):
 * <ul>
 *   <li>Log segment {@code log.<16 hex first zxid>}: header {@code "PDKL", int version=1, long reserved},
 *       then records {@code int length, int crc, long zxid, payload} where {@code length} covers
 *       zxid + payload and {@code crc} covers the four length bytes and the body. A zero length
 *       (preallocated space) marks the end.</li>
 *   <li>Snapshot {@code snapshot.<16 hex zxid>}: header {@code "PDKS", int version=1, long zxid}, body,
 *       trailer {@code int crc of all preceding bytes, long number of preceding bytes, "PDKE"}.</li>
 *   <li>State file: {@code "PDKA", int version=1, int length, content, int crc of all preceding bytes}.</li>
 * </ul>
 */
package io.paddock.coordinator.storage;
