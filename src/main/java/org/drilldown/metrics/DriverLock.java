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

    private DriverLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /** Creates the run's directory and lock; fails when another run already has this id. */
    public static DriverLock acquire(MetricsLocation location, String runId) {
        Path file = location.driverLock(runId).toAbsolutePath();
        try {
            Files.createDirectories(location.runDir(runId).toAbsolutePath());
            return lock(file, StandardOpenOption.CREATE_NEW, "run '" + runId + "' is locked by another driver: " + file);
        } catch (FileAlreadyExistsException e) {
            throw new BadInput("run id '" + runId + "' already exists under " + location.outputDir()
                    + "; choose another --run-id or another --out");
        } catch (IOException e) {
            throw new BadInput("cannot create " + file + " (" + e.getMessage()
                    + "); pass --out DIR you can write to");
        }
    }

    /** Takes the lock of an existing run to continue it; fails when its driver still holds it. */
    public static DriverLock reacquire(MetricsLocation location, String runId) {
        Path file = location.driverLock(runId).toAbsolutePath();
        try {
            return lock(file, StandardOpenOption.CREATE, "run '" + runId + "' is still running: its driver holds " + file);
        } catch (IOException e) {
            throw new BadInput("cannot lock " + file + " (" + e.getMessage() + ")");
        }
    }

    private static DriverLock lock(Path file, StandardOpenOption create, String whenHeld) throws IOException {
        FileChannel channel = FileChannel.open(file, create, StandardOpenOption.WRITE);
        FileLock lock = channel.tryLock();
        if (lock == null) {
            channel.close();
            throw new BadInput(whenHeld);
        }
        HELD.add(file);
        return new DriverLock(file, channel, lock);
    }

    /** Whether a live driver holds the run's lock; false when there is no lock file (runs from before locks). */
    public static boolean isHeld(MetricsLocation location, String runId) {
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
