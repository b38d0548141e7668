package org.drilldown.metrics;

import java.nio.file.Path;

/** Where a run's outputs live under the output directory: tables, per-run manifests and reports. */
public record MetricsLocation(Path outputDir) {

    public MetricsLocation {
        outputDir = outputDir.toAbsolutePath().normalize(); // executors resolve paths in their own directories
    }

    public Path metricsDir() {
        return outputDir.resolve("metrics");
    }

    public Path table(String name) {
        return metricsDir().resolve(name);
    }

    /** A new scratch directory for one write to {@code table}; hidden (dot) so readers skip it. */
    public Path staging(String table) {
        return metricsDir().resolve(".staging").resolve(table + "-" + java.util.UUID.randomUUID());
    }

    public Path runsDir() {
        return outputDir.resolve("runs");
    }

    /** {@code runs/<runId>}; an id that would name another directory ('..') is a bug here: see {@link RunId}. */
    public Path runDir(String runId) {
        Path dir = runsDir().resolve(runId).normalize();
        if (!runsDir().equals(dir.getParent())) {
            throw new IllegalArgumentException("run id '" + runId + "' does not name a directory under " + runsDir());
        }
        return dir;
    }

    /** Where {@code drilldown report} writes each run's REPORT.md and charts. */
    public Path reportsDir() {
        return outputDir.resolve("report");
    }

    /** Held by the run's driver while it lives: see {@link DriverLock}. */
    public Path driverLock(String runId) {
        return runDir(runId).resolve("driver.lock");
    }

    /** Per-epoch model checkpoints of the run (see Checkpoints). */
    public Path checkpoints(String runId) {
        return runDir(runId).resolve("checkpoints");
    }

    /**
     * {@code tmp/export}: the runs' export scratch when {@code drilldown.training.export-dir} is empty (its
     * default, as {@code JobConfig.exportRoot}); one directory per run id, see {@link ExportScratch}.
     */
    public Path exportScratch() {
        return outputDir.resolve("tmp").resolve("export");
    }

    public Path manifest(String runId) {
        return runDir(runId).resolve("manifest.json");
    }
}
