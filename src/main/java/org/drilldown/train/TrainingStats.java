package org.drilldown.train;

import java.util.ArrayList;
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
    static final String SYSTEM_CLOCK = "-D" + TimeSourceProvider.TIMESOURCE_CLASSNAME_PROPERTY + "="
            + SystemClockTimeSource.class.getName();

    private TrainingStats() {
    }

    static void useSystemClock() {
        if (System.getProperty(TimeSourceProvider.TIMESOURCE_CLASSNAME_PROPERTY) == null) {
            System.setProperty(TimeSourceProvider.TIMESOURCE_CLASSNAME_PROPERTY, SystemClockTimeSource.class.getName());
        }
    }

    static List<WorkerTiming> timings(SparkTrainingStats stats) {
        Map<String, long[]> totals = new TreeMap<>(); // stat|machine|jvm|thread -> {events, ms}
        Map<String, WorkerTiming> keys = new TreeMap<>();
        for (SparkTrainingStats s = stats; s != null; s = s.getNestedTrainingStats()) {
            for (String key : s.getKeySet()) {
                List<EventStats> events = s.getValue(key);
                if (events == null) {
                    continue;
                }
                String name = s.getShortNameForKey(key);
                for (EventStats e : events) {
                    String id = name + "|" + e.getMachineID() + "|" + e.getJvmID() + "|" + e.getThreadID();
                    long[] t = totals.computeIfAbsent(id, k -> new long[2]);
                    t[0]++;
                    t[1] += e.getDurationMs();
                    keys.putIfAbsent(id, new WorkerTiming(name, e.getMachineID(), e.getJvmID(), e.getThreadID(), 0, 0));
                }
            }
        }
        List<WorkerTiming> out = new ArrayList<>();
        keys.forEach((id, k) -> out.add(new WorkerTiming(k.stat(), k.machine(), k.jvm(), k.thread(),
                (int) totals.get(id)[0], totals.get(id)[1])));
        return out;
    }
}
