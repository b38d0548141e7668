package org.drilldown.metrics;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.drilldown.config.BadInput;
import org.drilldown.config.ScopedDelete;

/**
 * An exclusive OS lock on {@code <out>/runs/<run_id>/driver.lock}, held while the run's driver lives. The
 * operating system drops it when the process ends however it ends (kill -9 included), so a reader that
 * can take the lock knows a run still marked "running" has no driver any more. Local or NFS storage
 * with working locks; on stores without file locks a dead run stays "running".
 */
public final class DriverLock implements AutoCloseable {
    /** Locks this JVM holds: probing them through a second channel would drop them (POSIX lock semantics). */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    /** The run directory when this start created it; null when it was there already. */
    private Path createdDir;

    private boolean reused;

    private DriverLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks a new run's directory, creating it. An id is taken once its run has recorded its start (its first
     * {@code runs} row, then its manifest): a directory without a manifest and with a free lock is what a start
     * that failed or was killed before that left, and is {@link #reused} (the caller checks the runs table, which
     * may hold a row when the kill fell between the row and the manifest). Fails when the id is taken or another
     * driver is starting with it.
     */
    public static DriverLock acquire(MetricsLocation location, String runId) {
        Path dir = location.runDir(runId).toAbsolutePath();
        Path file = location.driverLock(runId).toAbsolutePath();
        try {
            Files.createDirectories(location.runsDir().toAbsolutePath());
            boolean created = createDirectory(dir);
            if (!created && Files.exists(location.manifest(runId))) {
                throw taken(location, runId);
            }
            DriverLock held =
                    lock(file, StandardOpenOption.CREATE, taken(location, runId).getMessage());
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

    private static boolean createDirectory(Path dir) throws IOException {
        try {
            Files.createDirectory(dir);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        }
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
        Path runs = createdDir == null ? null : createdDir.getParent();
        if (runs != null) {
            ScopedDelete.tree(runs, createdDir);
        }
    }

    /** Takes the lock of an existing run to continue it; fails when its driver still holds it. */
    public static DriverLock reacquire(MetricsLocation location, String runId) {
        Path file = location.driverLock(runId).toAbsolutePath();
        try {
            return lock(
                    file, StandardOpenOption.CREATE, "run '" + runId + "' is still running: its driver holds " + file);
        } catch (IOException e) {
            throw new BadInput("cannot lock " + file + " (" + e.getMessage() + ")");
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
        return new DriverLock(file, channel, lock);
    }

    /** Whether a live driver holds the run's lock; false when there is no lock file (runs from before locks). */
    public static boolean isHeld(MetricsLocation location, String runId) {
        if (!RunId.isValid(runId)) {
            return false; // no driver can hold a lock for it: ids are checked before a run starts
        }
        Path file = location.driverLock(runId).toAbsolutePath();
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
        Path file = location.driverLock(runId).toAbsolutePath();
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

    @Override
    public void close() throws IOException {
        HELD.remove(file);
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
