package org.drilldown.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.util.ArrayList;
import java.util.List;
import org.drilldown.storage.Store;
import org.drilldown.storage.StorePath;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The export scratch {@code <out>/tmp/export/<run_id>/} of runs that died without removing it (kill -9, a
 * crash): a run removes its own when it ends, so what is left belongs to a dead driver. Each run's start
 * removes those, one at a time under the dead run's own lock, so that a resume of it cannot start meanwhile.
 */
public final class ExportScratch {
    private static final Logger LOG = LoggerFactory.getLogger(ExportScratch.class);

    private ExportScratch() {}

    /**
     * Removes the scratch of every run of this output directory whose driver lock is free; returns their ids.
     * Left alone: names that are not run ids, links, the scratch of a live driver, and of an id with no
     * {@code runs/<id>/driver.lock} here (a run of another output directory whose export-dir points here).
     */
    public static List<String> removeDead(MetricsLocation location) {
        StorePath root = location.exportScratch();
        List<String> removed = new ArrayList<>();
        try {
            if (!isRealDirectory(root)) {
                return List.of();
            }
            for (StorePath dir : root.list()) {
                String id = dir.name();
                if (isRealDirectory(dir) && DriverLock.whileFree(location, id, () -> dir.deleteQuietly(root))) {
                    removed.add(id);
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot list {} ({}); export scratch of dead runs stays", root, e.getMessage());
        }
        if (!removed.isEmpty()) {
            LOG.info("removed the export scratch of runs no driver holds: {}", removed);
        }
        return removed;
    }

    /** A directory, and on the local disk not a link to one. */
    private static boolean isRealDirectory(StorePath dir) throws IOException {
        return dir.store() == Store.LOCAL
                ? Files.isDirectory(dir.local(), LinkOption.NOFOLLOW_LINKS)
                : dir.isDirectory();
    }
}
