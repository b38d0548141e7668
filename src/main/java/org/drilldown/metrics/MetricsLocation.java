package org.drilldown.metrics;

import java.nio.file.Path;
import org.drilldown.config.JobConfig;
import org.drilldown.storage.HadoopSettings;
import org.drilldown.storage.StorePath;

/** Where a run's outputs live under the output directory: tables, per-run manifests and reports. */
public record MetricsLocation(StorePath outputDir) {

    /**
     * The output directory {@code out} names: a plain path (local, made absolute) or a URI, opened with the Hadoop
     * settings of the job's configuration ({@code spark.hadoop.*}).
     */
    public static MetricsLocation of(String out, JobConfig config) {
        return new MetricsLocation(StorePath.of(out, HadoopSettings.of(config.sparkSettings()), "--out"));
    }

    /** An output directory on the local disk. */
    public MetricsLocation(Path outputDir) {
        this(StorePath.local(outputDir));
    }

    public StorePath metricsDir() {
        return outputDir.resolve("metrics");
    }

    public StorePath table(String name) {
        return metricsDir().resolve(name);
    }

    /** A new scratch directory for one write to {@code table}; hidden (dot) so readers skip it. */
    public StorePath staging(String table) {
        return metricsDir().resolve(".staging").resolve(table + "-" + java.util.UUID.randomUUID());
    }

    public StorePath runsDir() {
        return outputDir.resolve("runs");
    }

    /** {@code runs/<runId>}; an id that would name another directory ('..') is a bug here: see {@link RunId}. */
    public StorePath runDir(String runId) {
        if (runId.isEmpty() || runId.equals(".") || runId.equals("..") || runId.contains("/")) {
            throw new IllegalArgumentException("run id '" + runId + "' does not name a directory under " + runsDir());
        }
        return runsDir().resolve(runId);
    }

    /** Where {@code drilldown report} writes each run's REPORT.md and charts. */
    public StorePath reportsDir() {
        return outputDir.resolve("report");
    }

    /** Held by the run's driver while it lives, on the local disk: see {@link DriverLock}. */
    public StorePath driverLock(String runId) {
        return runDir(runId).resolve("driver.lock");
    }

    /** Touched by the run's driver while it lives, on stores without OS locks: see {@link DriverLock}. */
    public StorePath heartbeat(String runId) {
        return runDir(runId).resolve("driver.heartbeat");
    }

    /** Per-epoch model checkpoints of the run (see Checkpoints). */
    public StorePath checkpoints(String runId) {
        return runDir(runId).resolve("checkpoints");
    }

    /**
     * {@code tmp/export}: the runs' export scratch when {@code drilldown.training.export-dir} is empty (its
     * default); one directory per run id, see {@link ExportScratch}.
     */
    public StorePath exportScratch() {
        return outputDir.resolve("tmp").resolve("export");
    }

    public StorePath manifest(String runId) {
        return runDir(runId).resolve("manifest.json");
    }
}
