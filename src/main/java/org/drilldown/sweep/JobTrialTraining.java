package org.drilldown.sweep;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.SparkSession;
import org.drilldown.config.JobConfig;
import org.drilldown.config.StepSpec;
import org.drilldown.data.MnistData;
import org.drilldown.data.SplitStats;
import org.drilldown.metrics.DriverLock;
import org.drilldown.metrics.MetricsLocation;
import org.drilldown.metrics.MetricsReader;
import org.drilldown.metrics.MetricsWriter;
import org.drilldown.metrics.ResumeState;
import org.drilldown.metrics.RunManifest;
import org.drilldown.storage.StorePath;
import org.drilldown.train.Checkpoints;
import org.drilldown.train.DrilldownJob;
import org.drilldown.train.EpochResult;
import org.drilldown.train.ResumePoint;
import org.drilldown.train.RunInfo;
import org.drilldown.train.StepResult;
import org.drilldown.train.TrainingListener;

/**
 * Trains each trial as the job trains any run, with one worker: {@link DrilldownJob} on the shared SparkSession
 * (its Spark jobs are the trial's tasks, one core at a time), {@link MetricsWriter} writing its rows under the
 * trial's run id, checkpoints each epoch. A trial promoted to the next rung continues its run from the last
 * checkpoint as {@code drilldown run --resume} does, so its parameters are those of one uninterrupted
 * {@code drilldown run --workers 1} of its configuration. The sweep holds each trial's driver lock until it ends.
 */
public final class JobTrialTraining implements TrialTraining, AutoCloseable {
    /** Registering the tables' views replaces them session-wide: one reader at a time. */
    private static final Object VIEWS = new Object();

    private final SparkSession spark;
    private final MetricsLocation location;
    private final MnistData data;
    private final String baseJson;
    private final String commandLine;
    private final Map<String, DriverLock> locks = new ConcurrentHashMap<>();

    public JobTrialTraining(
            SparkSession spark, MetricsLocation location, MnistData data, String baseJson, String commandLine) {
        this.spark = spark;
        this.location = location;
        this.data = data;
        this.baseJson = baseJson;
        this.commandLine = commandLine;
    }

    @Override
    public TrialResult train(Trial trial, int epochs, boolean last) {
        String id = trial.runId();
        List<EpochResult> trained = new ArrayList<>();
        int before = 0;
        try {
            JobConfig config = trial.config(baseJson, epochs);
            lock(id);
            Checkpoints checkpoints = new Checkpoints(location.checkpoints(id));
            ResumePoint from = ResumePoint.NONE;
            if (location.manifest(id).exists()) {
                synchronized (VIEWS) {
                    if (succeeded(id)) { // closed by a sweep killed before it recorded the pruning
                        return new TrialResult(epochs, null, null, null);
                    }
                    from = ResumeState.read(
                            spark,
                            location,
                            id,
                            config,
                            ResumeState.trainEvalImages(config, data.train().size()),
                            checkpoints);
                    before = from.recordedEpochs().values().stream()
                            .mapToInt(List::size)
                            .sum();
                }
                RunManifest.recordConfig(location.manifest(id), config.resolvedJson()); // this rung's epoch cap
            }
            TrainingListener writer = new MetricsWriter(spark, location, config.target());
            List<TrainingListener> listeners = List.of(last ? writer : new HeldOpen(writer), new Collect(trained));
            List<StepResult> results = new DrilldownJob(spark, config)
                    .run(id, commandLine + " # trial " + trial.id(), data, listeners, checkpoints, from);
            return TrialResult.of(results.get(0).epochs());
        } catch (Exception e) { // also Spark's SparkException, checked but thrown undeclared
            return TrialResult.failed(before + trained.size(), MetricsWriter.describe(e));
        }
    }

    private void lock(String id) {
        locks.computeIfAbsent(
                id,
                k -> exists(location.manifest(k))
                        ? DriverLock.reacquire(location, k)
                        : DriverLock.acquire(location, k));
    }

    private static boolean exists(StorePath file) {
        try {
            return file.exists();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + file, e);
        }
    }

    private boolean succeeded(String id) {
        MetricsReader.registerViews(spark, location);
        return spark.sql("select status from runs where run_id = '" + id + "'").collectAsList().stream()
                .map(r -> r.getString(0))
                .anyMatch("succeeded"::equals);
    }

    /** Releases the trials' driver locks: their runs are then free to resume or report. */
    @Override
    public void close() {
        IOException first = null;
        for (DriverLock lock : locks.values()) {
            try {
                lock.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        locks.clear();
        if (first != null) {
            throw new UncheckedIOException(first);
        }
    }

    /**
     * A run at a rung below the top: its epochs are recorded, its step and success are not, so it stays open for
     * the next rung (the sweep holds its lock; pruning closes it). A failure is recorded as always.
     */
    private record HeldOpen(TrainingListener writer) implements TrainingListener {
        @Override
        public void onRunStart(RunInfo run) {
            writer.onRunStart(run);
        }

        @Override
        public void onDataStats(RunInfo run, List<SplitStats> stats) {
            writer.onDataStats(run, stats);
        }

        @Override
        public void onStepStart(RunInfo run, StepSpec step, long params) {
            writer.onStepStart(run, step, params);
        }

        @Override
        public void onEpochEnd(RunInfo run, EpochResult epoch) {
            writer.onEpochEnd(run, epoch);
        }

        @Override
        public void onRunEnd(RunInfo run, Throwable failure) {
            if (failure != null) {
                writer.onRunEnd(run, failure);
            }
        }
    }

    /** Counts the epochs this call trained, for a failed trial's row. */
    private record Collect(List<EpochResult> into) implements TrainingListener {
        @Override
        public void onEpochEnd(RunInfo run, EpochResult epoch) {
            into.add(epoch);
        }
    }
}
