package org.drilldown.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.drilldown.config.BadInput;
import org.drilldown.data.MnistSplit;

/**
 * Room for an epoch's minibatch files, checked before training: in local mode every epoch writes its
 * minibatches ({@link BatchFiles}: the features and one-hot labels as floats, about 190 MB for MNIST's 60,000
 * images) under the export directory, and a disk that fills mid-epoch fails the run.
 */
final class DiskSpace {
    /** 28 x 28 features and 10 one-hot labels, float32. */
    static final long BYTES_PER_IMAGE = 4L * (MnistSplit.ROWS * MnistSplit.COLS + 10);
    /** The tables, manifest and checkpoints besides (step 1's model and momentum state: ~8 MB a checkpoint). */
    static final long MARGIN = 64L << 20;

    private DiskSpace() {}

    static long exportBytes(int trainImages) {
        return trainImages * BYTES_PER_IMAGE + MARGIN;
    }

    /** Refuses an export directory whose disk has less room than {@link #exportBytes}. */
    static void requireRoomForExport(Path exportDir, int trainImages) {
        long needed = exportBytes(trainImages);
        long free = usableBytes(exportDir);
        if (free < needed) {
            throw new BadInput(String.format(
                    Locale.ROOT,
                    "an epoch's minibatch files need about %d MB under %s"
                            + " (%,d training images), and only %d MB are free there; free space, or point --out or"
                            + " drilldown.training.export-dir at a disk with room",
                    needed >> 20,
                    exportDir,
                    trainImages,
                    free >> 20));
        }
    }

    /** Usable bytes on the disk that holds {@code dir}, or would hold it once created. */
    static long usableBytes(Path dir) {
        Path existing = dir.toAbsolutePath();
        Path parent = existing.getParent();
        while (parent != null && !Files.exists(existing)) { // stops at the root at worst, never at null
            existing = parent;
            parent = existing.getParent();
        }
        try {
            return Files.getFileStore(existing).getUsableSpace();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the free space of " + existing, e);
        }
    }
}
