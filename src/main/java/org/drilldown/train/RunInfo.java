package org.drilldown.train;

import java.time.Instant;
import java.util.Map;

/**
 * Where a run comes from: enough to reproduce it (config, seed, versions, master, data checksums);
 * {@code resumed} when this driver continues an interrupted run; {@code threads}: the thread settings its tasks
 * got ({@link ExecutorThreads}).
 */
public record RunInfo(
        String runId,
        Instant startedAt,
        long seed,
        String sparkMaster,
        int executors,
        int cores,
        int gpus,
        int workers,
        String configJson,
        Map<String, String> versions,
        Map<String, String> dataChecksums,
        String commandLine,
        boolean resumed,
        Map<String, String> threads) {

    public RunInfo {
        versions = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(versions));
        dataChecksums = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(dataChecksums));
        threads = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(threads));
    }
}
