package org.drilldown.data;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Refuses, from its header, a split the driver's heap cannot hold: a header may claim 10,000,000 images
 * (7.84 GB), which a small gzip of zeros or a sparse file can carry, and reading them ran out of memory
 * only after half a minute. Checked against the heap the JVM may grow to ({@code -Xmx}).
 */
final class HeapBudget {
    /** One image as the reader holds it: its pixels in a byte array (16-byte header), a 4-byte reference, its label. */
    static final long BYTES_PER_IMAGE = MnistSplit.PIXELS + 16 + 4 + 1;

    private static final double GIB = 1024.0 * 1024 * 1024;

    private HeapBudget() {}

    static void require(Path imagesFile, int images, long maxHeapBytes, String limitFlag) {
        long needed = images * BYTES_PER_IMAGE;
        if (needed > maxHeapBytes) {
            throw new IdxFormatException(
                    imagesFile,
                    String.format(
                            Locale.ROOT,
                            "%d images need about %.1f GiB of heap to read, more than the %.1f GiB this JVM may use;"
                                    + " pass %s N or raise -Xmx in DRILLDOWN_JAVA_OPTS",
                            images,
                            needed / GIB,
                            maxHeapBytes / GIB,
                            limitFlag));
        }
    }
}
