package org.drilldown.metrics;

import java.util.Arrays;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.spark.SparkContext;

/**
 * Runs work on this thread while every other Spark job is cancelled, the ones under way and any the training
 * thread submits meanwhile. A write from a shutdown hook needs a task slot, and a barrier stage holds all of them
 * for an epoch, longer than the JVM gives a hook; one {@code cancelAllJobs} is not enough, since the training
 * thread may be submitting its next stage at that moment (seen in CI).
 */
final class JobsCancelledMeanwhile {
    private static final long EVERY_MS = 50;

    private JobsCancelledMeanwhile() {}

    static void run(SparkContext sc, Runnable work) {
        String group = "drilldown-record-" + UUID.randomUUID();
        sc.setJobGroup(group, "recording the run's end", false);
        ScheduledExecutorService canceller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cancel-other-jobs");
            t.setDaemon(true);
            return t;
        });
        canceller.scheduleWithFixedDelay(() -> cancelOthers(sc, group), 0, EVERY_MS, TimeUnit.MILLISECONDS);
        try {
            work.run();
        } finally {
            canceller.shutdownNow();
            sc.clearJobGroup();
        }
    }

    private static void cancelOthers(SparkContext sc, String group) {
        // Active first, ours second: a job of ours that is active when the first list is read is in the second.
        // The other order cancelled the write itself when it started between the two reads (seen in CI).
        int[] active = sc.statusTracker().getActiveJobIds();
        Set<Integer> ours = Arrays.stream(sc.statusTracker().getJobIdsForGroup(group))
                .boxed()
                .collect(Collectors.toSet());
        for (int id : active) {
            if (!ours.contains(id)) {
                sc.cancelJob(id);
            }
        }
    }
}
