package io.paddock.coordinator.sim.server;

import io.paddock.coordinator.env.Disk;
import io.paddock.coordinator.env.DiskFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A simulated disk that survives its host's crashes. Reads see every write; a crash keeps only what
 * was fsynced (file content by {@code force}, names by a directory fsync) plus, at random, a prefix
 * of the writes after the last fsync, the last of them possibly cut short: a torn write. Faults:
 * slow fsync, an fsync that hangs until released, an fsync that fails, a full disk.
 *
 * <p>Durability is taken at the moment {@code force} is called; its latency is charged to the
 * calling task (the executor stays busy and its hand-offs are delayed). A crash during that latency
 * therefore keeps the data, which is one of the outcomes a real disk allows.
 */
final class SimDisk implements Disk {
    /** One file's content, what survives a crash, and the writes since the last fsync. */
    private static final class Inode {
        byte[] data = new byte[0];
        int length;
        byte[] durable = new byte[0];
        final List<long[]> unsyncedRanges = new ArrayList<>();
        final List<byte[]> unsyncedBytes = new ArrayList<>();
        long version;

        void write(long offset, byte[] bytes) {
            int end = Math.toIntExact(offset + bytes.length);
            ensure(end);
            System.arraycopy(bytes, 0, data, (int) offset, bytes.length);
            if (end > length) {
                length = end;
            }
            unsyncedRanges.add(new long[] {offset, bytes.length});
            unsyncedBytes.add(bytes);
            version++;
        }

        void truncate(long size) {
            if (size < length) {
                java.util.Arrays.fill(data, (int) size, length, (byte) 0);
                length = (int) size;
            }
            unsyncedRanges.add(new long[] {size, -1});
            unsyncedBytes.add(null);
            version++;
        }

        void ensure(int capacity) {
            if (capacity > data.length) {
                data = java.util.Arrays.copyOf(data, Math.max(capacity, data.length * 2));
            }
        }

        /** Bumped at every crash, so an fsync in progress at the crash never completes. */
        long crashes;

        void sync() {
            durable = java.util.Arrays.copyOf(data, length);
            unsyncedRanges.clear();
            unsyncedBytes.clear();
        }

        /**
         * An fsync called now completes at {@code completeAt}: only then is what was written before
         * the call durable (a crash in between may keep any prefix of it, as a torn write).
         */
        void syncCompletingAt(SimLoop loop, long calledAt, long completeAt) {
            byte[] image = java.util.Arrays.copyOf(data, length);
            int covered = unsyncedRanges.size();
            long crashesAtCall = crashes;
            // the image is taken at the call (writes after it are not covered) and lands at completion
            loop.at(Math.max(calledAt, completeAt), () -> {
                if (crashes != crashesAtCall) {
                    return;
                }
                durable = image;
                int n = Math.min(covered, unsyncedRanges.size());
                unsyncedRanges.subList(0, n).clear();
                unsyncedBytes.subList(0, n).clear();
            });
        }

        /** The content after a crash: the durable image plus a random prefix of later writes. */
        void crash(SimLoop loop, double tornWrites) {
            byte[] image = durable;
            int keep = tornWrites > 0 && loop.random.nextDouble() < tornWrites && !unsyncedRanges.isEmpty()
                    ? loop.random.nextInt(unsyncedRanges.size() + 1) : 0;
            Inode rebuilt = new Inode();
            rebuilt.data = image.clone();
            rebuilt.length = image.length;
            for (int i = 0; i < keep; i++) {
                long[] r = unsyncedRanges.get(i);
                if (r[1] < 0) {
                    rebuilt.truncate(r[0]);
                    continue;
                }
                byte[] b = unsyncedBytes.get(i);
                if (i == keep - 1 && b.length > 1) {
                    b = java.util.Arrays.copyOf(b, 1 + loop.random.nextInt(b.length - 1));
                }
                rebuilt.write(r[0], b);
            }
            crashes++;
            data = rebuilt.data;
            length = rebuilt.length;
            durable = java.util.Arrays.copyOf(data, length);
            unsyncedRanges.clear();
            unsyncedBytes.clear();
            version++;
        }
    }

    /** What the test can do to the disk. */
    static final class Faults {
        long fsyncNanos = 200_000;
        long fsyncJitterNanos = 300_000;
        /** fsync blocks until this simulated time (a stalled disk). */
        long stalledUntil = -1;
        /** The next this-many fsyncs fail. */
        int failingSyncs;
        boolean full;
        /** Probability that a crash keeps some unsynced writes (torn). */
        double tornWrites = 0.5;
        /**
         * Probability that an fsync is interrupted by a crash of the host half-way through: crashes
         * aimed at the window between a Ready and its persistence.
         */
        double crashInSync;
    }

    private final SimLoop loop;
    final Faults faults = new Faults();
    /** Called (as a loop event) to crash this disk's host. */
    Runnable crashHost = () -> { };
    private long dirSyncCrashes;
    private final Map<Path, Inode> files = new HashMap<>();
    private final Map<Path, Inode> durableFiles = new HashMap<>();
    private final Set<Path> directories = new HashSet<>();
    private long syncs;

    SimDisk(SimLoop loop) {
        this.loop = loop;
    }

    long syncCount() {
        return syncs;
    }

    /** The host crashed: only durable names and content survive (plus torn writes). */
    void crash() {
        dirSyncCrashes++;
        Map<Path, Inode> survivors = new TreeMap<>();
        durableFiles.forEach(survivors::put);
        files.clear();
        for (Map.Entry<Path, Inode> e : survivors.entrySet()) {
            e.getValue().crash(loop, faults.tornWrites);
            files.put(e.getKey(), e.getValue());
        }
    }

    /** Flips one byte of a durable file (bit rot), for corruption tests. */
    boolean corrupt(Path file, long offset) {
        Inode inode = files.get(file);
        if (inode == null || offset >= inode.length) {
            return false;
        }
        inode.data[(int) offset] ^= 0x5A;
        inode.sync();
        inode.version++;
        return true;
    }

    Set<Path> fileNames() {
        return new HashSet<>(files.keySet());
    }

    /** Charges an fsync's latency to the caller; returns when it completes (simulated time). */
    private long chargeSync() throws IOException {
        syncs++;
        long latency = faults.fsyncNanos + (faults.fsyncJitterNanos > 0 ? loop.random.nextLong(faults.fsyncJitterNanos) : 0);
        SimExecutor caller = loop.running();
        if (faults.stalledUntil > loop.effectiveNow()) {
            latency = Math.max(latency, faults.stalledUntil - loop.effectiveNow());
            if (caller != null) {
                caller.blockedSince = loop.effectiveNow();
            }
        } else if (caller != null) {
            caller.blockedSince = -1;
        }
        if (faults.crashInSync > 0 && loop.random.nextDouble() < faults.crashInSync) {
            loop.at(loop.effectiveNow() + latency / 2, crashHost);
        }
        loop.spend(latency);
        if (faults.failingSyncs > 0) {
            faults.failingSyncs--;
            throw new IOException("simulated fsync failure (EIO)");
        }
        return loop.effectiveNow();
    }

    @Override
    public DiskFile open(Path file, Mode mode) throws IOException {
        Inode inode = files.get(file);
        switch (mode) {
            case READ, READ_WRITE -> {
                if (inode == null) {
                    throw new NoSuchFileException(file.toString());
                }
            }
            case CREATE_NEW -> {
                if (inode != null) {
                    throw new FileAlreadyExistsException(file.toString());
                }
                checkParent(file);
                inode = new Inode();
                files.put(file, inode);
            }
            case CREATE_OR_TRUNCATE -> {
                if (inode == null) {
                    checkParent(file);
                    inode = new Inode();
                    files.put(file, inode);
                } else {
                    inode.truncate(0);
                }
            }
        }
        return new SimFile(inode, mode == Mode.READ);
    }

    private void checkParent(Path file) throws IOException {
        Path parent = file.getParent();
        if (parent != null && !directories.contains(parent)) {
            throw new NoSuchFileException(parent.toString());
        }
    }

    private final class SimFile implements DiskFile {
        private final Inode inode;
        private final boolean readOnly;

        SimFile(Inode inode, boolean readOnly) {
            this.inode = inode;
            this.readOnly = readOnly;
        }

        @Override
        public int read(ByteBuffer dst, long position) {
            if (position >= inode.length) {
                return dst.hasRemaining() ? -1 : 0;
            }
            int n = (int) Math.min(dst.remaining(), inode.length - position);
            dst.put(inode.data, (int) position, n);
            return n;
        }

        @Override
        public void write(ByteBuffer src, long position) throws IOException {
            if (readOnly) {
                throw new java.nio.channels.NonWritableChannelException();
            }
            if (faults.full) {
                throw new IOException("simulated disk full (ENOSPC)");
            }
            byte[] b = new byte[src.remaining()];
            src.get(b);
            inode.write(position, b);
        }

        @Override
        public long size() {
            return inode.length;
        }

        @Override
        public void truncate(long size) {
            inode.truncate(size);
        }

        @Override
        public void force(boolean metadata) throws IOException {
            long before = loop.effectiveNow();
            long done = chargeSync();
            inode.syncCompletingAt(loop, before, done);
        }

        @Override
        public void close() {
        }
    }

    @Override
    public List<Path> list(Path dir) throws IOException {
        if (!directories.contains(dir)) {
            throw new NoSuchFileException(dir.toString());
        }
        List<Path> out = new ArrayList<>();
        for (Path p : files.keySet()) {
            if (dir.equals(p.getParent())) {
                out.add(p);
            }
        }
        for (Path d : directories) {
            if (dir.equals(d.getParent())) {
                out.add(d);
            }
        }
        out.sort(null);
        return out;
    }

    @Override
    public boolean isRegularFile(Path path) {
        return files.containsKey(path);
    }

    @Override
    public boolean isDirectory(Path path) {
        return directories.contains(path);
    }

    /** Directories are durable as soon as they exist (a simplification the storage code does not rely on). */
    @Override
    public void createDirectories(Path dir) {
        for (Path p = dir; p != null; p = p.getParent()) {
            directories.add(p);
        }
    }

    @Override
    public void delete(Path file) throws IOException {
        if (files.remove(file) == null) {
            throw new NoSuchFileException(file.toString());
        }
    }

    @Override
    public void replace(Path from, Path to) throws IOException {
        Inode inode = files.remove(from);
        if (inode == null) {
            throw new NoSuchFileException(from.toString());
        }
        files.put(to, inode);
    }

    @Override
    public void syncDirectory(Path dir) throws IOException {
        long done = chargeSync();
        Map<Path, Inode> entries = new HashMap<>();
        for (Map.Entry<Path, Inode> e : files.entrySet()) {
            if (dir.equals(e.getKey().getParent())) {
                entries.put(e.getKey(), e.getValue());
            }
        }
        long crashesAtCall = dirSyncCrashes;
        loop.at(done, () -> {
            if (crashesAtCall != dirSyncCrashes) {
                return;
            }
            durableFiles.keySet().removeIf(p -> dir.equals(p.getParent()));
            durableFiles.putAll(entries);
        });
    }

    @Override
    public long size(Path file) throws IOException {
        Inode inode = files.get(file);
        if (inode == null) {
            throw new NoSuchFileException(file.toString());
        }
        return inode.length;
    }

    @Override
    public long changeStamp(Path file) throws IOException {
        Inode inode = files.get(file);
        if (inode == null) {
            throw new NoSuchFileException(file.toString());
        }
        return inode.version;
    }
}
