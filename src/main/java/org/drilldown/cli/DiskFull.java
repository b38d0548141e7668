package org.drilldown.cli;

import java.io.IOException;

/**
 * A run that filled its disk: one line naming where it writes and the fix, instead of Spark's stack trace
 * (the plan check refuses a disk too small for an epoch before training; this is the disk filling later).
 */
final class DiskFull extends RuntimeException {
    private static final String ENOSPC = "No space left on device";

    DiskFull(Object outputDir, Object exportDir, Throwable cause) {
        super(
                "no space left on device while writing under " + outputDir + " (minibatch files under " + exportDir
                        + "); free space there, or point --out or drilldown.training.export-dir at a disk with room",
                cause);
    }

    /** Whether {@code e} or one of its causes is the operating system's "No space left on device". */
    static boolean isCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException
                    && t.getMessage() != null
                    && t.getMessage().contains(ENOSPC)) {
                return true;
            }
            // Spark reports a task's failure as text: its message carries the executor's exception.
            if (t.getMessage() != null && t.getMessage().contains("java.io.IOException: " + ENOSPC)) {
                return true;
            }
        }
        return false;
    }
}
