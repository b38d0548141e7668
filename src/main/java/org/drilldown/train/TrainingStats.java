package org.drilldown.train;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.deeplearning4j.spark.api.stats.SparkTrainingStats;
import org.deeplearning4j.spark.stats.EventStats;
import org.deeplearning4j.spark.time.SystemClockTimeSource;
import org.deeplearning4j.spark.time.TimeSourceProvider;

/** Flattens DL4J's nested training stats (master, then workers) into per-thread totals. */
final class TrainingStats {
    /**
     * DL4J timestamps its training stats with an NTP clock by default, querying 0.pool.ntp.org from every
     * JVM, and fails after ten tries without a network: the system clock instead, on the driver and executors.
     */
    static final String SYSTEM_CLOCK =
            "-D" + TimeSourceProvider.TIMESOURCE_CLASSNAME_PROPERTY + "=" + SystemClockTimeSource.class.getName();

    private TrainingStats() {}

    static void useSystemClock() {
        if (System.getProperty(TimeSourceProvider.TIMESOURCE_CLASSNAME_PROPERTY) == null) {
            System.setProperty(TimeSourceProvider.TIMESOURCE_CLASSNAME_PROPERTY, SystemClockTimeSource.class.getName());
        }
    }

    /**
     * One total per stat and thread. The master's key set already holds its workers' keys (each level's getKeySet
     * and getValue include the nested stats), so only the top level is read: walking getNestedTrainingStats too
     * counted each worker event two or three times.
     */
    static List<WorkerTiming> timings(SparkTrainingStats stats) {
        Map<String, WorkerTiming> totals = new TreeMap<>(); // by stat, machine, jvm, thread
        if (stats == null) {
            return List.of();
        }
        for (String key : stats.getKeySet()) {
            List<EventStats> events = stats.getValue(key);
            String name = stats.getShortNameForKey(key);
            for (EventStats e : events == null ? List.<EventStats>of() : events) {
                add(
                        totals,
                        new WorkerTiming(name, e.getMachineID(), e.getJvmID(), e.getThreadID(), 1, e.getDurationMs()));
            }
        }
        return List.copyOf(totals.values());
    }

    /** One total per stat and thread of {@code timings} (a barrier worker's rounds, each already summed). */
    static List<WorkerTiming> sum(List<WorkerTiming> timings) {
        Map<String, WorkerTiming> totals = new TreeMap<>();
        timings.forEach(t -> add(totals, t));
        return List.copyOf(totals.values());
    }

    private static void add(Map<String, WorkerTiming> totals, WorkerTiming t) {
        totals.merge(
                t.stat() + "|" + t.machine() + "|" + t.jvm() + "|" + t.thread(),
                t,
                (a, b) -> new WorkerTiming(
                        a.stat(),
                        a.machine(),
                        a.jvm(),
                        a.thread(),
                        a.events() + b.events(),
                        a.totalMs() + b.totalMs()));
    }
}
