package org.drilldown.storage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A live driver's mark on stores without OS locks (HDFS, S3): a file holding the time it was last touched, rewritten
 * every {@link #INTERVAL}. A heartbeat older than {@link #STALE} belongs to a driver that is gone, however it ended
 * (kill -9 included). HDFS leases cannot serve: a killed holder's lease frees only after 20 minutes; on S3 two
 * exclusive creates both succeed. It compares the driver's clock with the reader's, so their clocks must agree to
 * well within {@code STALE} (NTP does); and unlike a lock, two drivers starting within one interval can both win.
 */
public final class Heartbeat implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Heartbeat.class);
    public static final Duration INTERVAL = Duration.ofSeconds(3);
    public static final Duration STALE = Duration.ofSeconds(20);
    private static final Duration NEVER = Duration.ofDays(365_000);

    private final StorePath file;
    private final ScheduledExecutorService touches;

    private Heartbeat(StorePath file, ScheduledExecutorService touches) {
        this.file = file;
        this.touches = touches;
    }

    /** Writes the heartbeat now (failing if it cannot), then keeps it fresh until {@link #close}. */
    public static Heartbeat start(StorePath file) throws IOException {
        touch(file);
        ScheduledExecutorService touches = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "drilldown-heartbeat");
            t.setDaemon(true); // dies with the driver: a heartbeat that outlived it would lie
            return t;
        });
        long every = INTERVAL.toMillis();
        touches.scheduleWithFixedDelay(() -> touchQuietly(file), every, every, TimeUnit.MILLISECONDS);
        return new Heartbeat(file, touches);
    }

    private static void touch(StorePath file) throws IOException {
        file.write(Long.toString(System.currentTimeMillis()).getBytes(StandardCharsets.US_ASCII));
    }

    private static void touchQuietly(StorePath file) {
        try {
            touch(file);
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot touch the heartbeat {} ({}); readers may take the run for dead", file, e.getMessage());
        }
    }

    /** Whether a driver touched {@code file} within {@link #STALE}; false when it is missing or unreadable. */
    public static boolean isFresh(StorePath file) {
        return age(file).compareTo(STALE) < 0;
    }

    /** How long ago the heartbeat was touched; very long when it is missing or unreadable. */
    public static Duration age(StorePath file) {
        try {
            if (!file.isFile()) {
                return NEVER;
            }
            String text = new String(file.readAllBytes(), StandardCharsets.US_ASCII).trim();
            return Duration.ofMillis(Math.max(0, System.currentTimeMillis() - Long.parseLong(text)));
        } catch (IOException | NumberFormatException e) {
            return NEVER;
        }
    }

    public StorePath file() {
        return file;
    }

    /** Stops touching; the file stays and goes stale, as a released lock file stays. */
    @Override
    public void close() {
        touches.shutdownNow();
        try {
            touches.awaitTermination(10, TimeUnit.SECONDS); // no touch may land after a delete that follows
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
