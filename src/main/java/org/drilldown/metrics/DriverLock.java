package org.drilldown.metrics;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.drilldown.config.BadInput;
import org.drilldown.storage.Heartbeat;
import org.drilldown.storage.Store;
import org.drilldown.storage.StorePath;

/**
 * The mark of a live driver. On the local disk, an exclusive OS lock on {@code <out>/runs/<run_id>/driver.lock}: the
 * operating system drops it when the process ends however it ends (kill -9 included), so a reader that can take the
 * lock knows a run still marked "running" has no driver any more. On stores without OS locks (HDFS, S3; see {@link
 * Store}), a {@link Heartbeat} file {@code driver.heartbeat} the driver touches every few seconds: a stale one reads
 * the same as a free lock, a little later ({@link Heartbeat#STALE}).
 */
public final class DriverLock implements AutoCloseable {
    /** Locks this JVM holds: probing them through a second channel would drop them (POSIX lock semantics). */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path file; // null for a heartbeat
    private final FileChannel channel;
    private final FileLock lock;
    private final Heartbeat heartbeat; // null for an OS lock
    /** The run directory when this start created it; null when it was there already. */
    private StorePath createdDir;

    private boolean reused;

    private DriverLock(Path file, FileChannel channel, FileLock lock, Heartbeat heartbeat) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
        this.heartbeat = heartbeat;
    }

    /**
     * Locks a new run's directory, creating it. An id is taken once its run has recorded its start (its first
     * {@code runs} row, then its manifest): a directory without a manifest and with a free lock is what a start
     * that failed or was killed before that left, and is {@link #reused} (the caller checks the runs table, which
     * may hold a row when the kill fell between the row and the manifest). Fails when the id is taken or another
     * driver is starting with it.
     */
    public static DriverLock acquire(MetricsLocation location, String runId) {
        StorePath dir = location.runDir(runId);
        StorePath file = marker(location, runId);
        try {
            location.runsDir().mkdirs();
            boolean created = dir.createDirectory();
            if (!created && location.manifest(runId).exists()) {
                throw taken(location, runId);
            }
            DriverLock held = hold(file, taken(location, runId).getMessage());
            held.createdDir = created ? dir : null;
            held.reused = !created;
            return held;
        } catch (IOException e) {
            throw new BadInput("cannot create " + file + " (" + e.getMessage() + "); pass --out DIR you can write to");
        }
    }

    /** The refusal of a run id that another run has taken. */
    public static BadInput taken(MetricsLocation location, String runId) {
        return new BadInput("run id '" + runId + "' already exists under " + location.outputDir()
                + "; choose another --run-id or another --out");
    }

    /** The lock file on the local disk, the heartbeat elsewhere. */
    private static StorePath marker(MetricsLocation location, String runId) {
        return location.outputDir().store().osLocks() ? location.driverLock(runId) : location.heartbeat(runId);
    }

    private static DriverLock hold(StorePath marker, String whenHeld) throws IOException {
        if (marker.store().osLocks()) {
            return lock(marker.local(), StandardOpenOption.CREATE, whenHeld);
        }
        if (Heartbeat.isFresh(marker)) {
            throw new BadInput(whenHeld);
        }
        return new DriverLock(null, null, null, Heartbeat.start(marker));
    }

    /** Whether the run's directory was left by an earlier start of this id that never recorded its start. */
    public boolean reused() {
        return reused;
    }

    /**
     * For a start that fails before recording its first {@code runs} row: deletes the run directory if this start
     * created it (lock file included, while still holding the lock), so the id stays free. Then {@link #close}.
     */
    public void discardCreatedRun() throws IOException {
        if (createdDir != null) {
            if (heartbeat != null) {
                heartbeat.close(); // no touch may recreate the directory
            }
            createdDir.deleteTree(createdDir.parent());
        }
    }

    /** Takes the lock of an existing run to continue it; fails when its driver still holds it. */
    public static DriverLock reacquire(MetricsLocation location, String runId) {
        StorePath file = marker(location, runId);
        try {
            return hold(file, "run '" + runId + "' is still running: its driver holds " + file);
        } catch (IOException e) {
            throw new BadInput("cannot lock " + file + " (" + e.getMessage()
                    + "); --resume locks the run there, so it must be a file you can write");
        }
    }

    private static DriverLock lock(Path file, StandardOpenOption create, String whenHeld) throws IOException {
        FileChannel channel = FileChannel.open(file, create, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by this JVM: another start or run in the same process
        }
        if (lock == null) {
            channel.close();
            throw new BadInput(whenHeld);
        }
        HELD.add(file);
        return new DriverLock(file, channel, lock, null);
    }

    /** Whether a live driver holds the run's lock; false when there is no lock file (runs from before locks). */
    public static boolean isHeld(MetricsLocation location, String runId) {
        if (!RunId.isValid(runId)) {
            return false; // no driver can hold a lock for it: ids are checked before a run starts
        }
        StorePath marker = marker(location, runId);
        if (!marker.store().osLocks()) {
            return Heartbeat.isFresh(marker);
        }
        Path file = marker.local();
        if (HELD.contains(file)) {
            return true;
        }
        if (!Files.exists(file)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            FileLock probe = channel.tryLock();
            if (probe == null) {
                return true;
            }
            probe.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Runs {@code action} holding the run's lock when no driver holds it, so that no driver can start or resume
     * the run meanwhile; returns whether it ran. A run without a lock file is not this output directory's (or
     * predates locks): nothing is known of its driver, and the action does not run.
     */
    public static boolean whileFree(MetricsLocation location, String runId, Runnable action) {
        if (!RunId.isValid(runId)) {
            return false;
        }
        StorePath marker = marker(location, runId);
        if (!marker.store().osLocks()) {
            return whileStale(marker, action);
        }
        Path file = marker.local();
        if (HELD.contains(file) || !Files.isRegularFile(file)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return false; // another process's driver
            }
            HELD.add(file);
            try {
                action.run();
                return true;
            } finally {
                HELD.remove(file);
                lock.release();
            }
        } catch (OverlappingFileLockException e) {
            return false; // a driver in this JVM
        } catch (IOException e) {
            return false;
        }
    }

    /** A heartbeat gives no exclusion: a driver starting meanwhile is not kept out (see {@link Heartbeat}). */
    private static boolean whileStale(StorePath heartbeat, Runnable action) {
        try {
            if (!heartbeat.isFile() || Heartbeat.isFresh(heartbeat)) {
                return false;
            }
        } catch (IOException e) {
            return false;
        }
        action.run();
        return true;
    }

    @Override
    public void close() throws IOException {
        if (heartbeat != null) {
            heartbeat.close();
            return;
        }
        HELD.remove(file);
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
