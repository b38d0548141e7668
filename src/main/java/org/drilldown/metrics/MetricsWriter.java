package org.drilldown.metrics;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.drilldown.config.StepSpec;
import org.drilldown.config.TargetSpec;
import org.drilldown.data.SplitStats;
import org.drilldown.train.AveragingRound;
import org.drilldown.train.EpochResult;
import org.drilldown.train.RunInfo;
import org.drilldown.train.Score;
import org.drilldown.train.StepResult;
import org.drilldown.train.TestHalt;
import org.drilldown.train.TrainingListener;
import org.drilldown.train.WorkerTiming;

/**
 * Listener that appends each event's rows to its Parquet table under {@code <out>/metrics/<table>/}.
 * Each write is one Parquet file renamed into the table whole, so readers see an epoch row completely or
 * not at all, and runs writing the same tables at once never touch each other's files.
 */
public final class MetricsWriter implements TrainingListener {
    private final SparkSession spark;
    private final MetricsLocation location;
    private Instant stepStarted = Instant.now();
    private volatile RunInfo current; // set at the run's start, read by the signal hook's thread
    private boolean ended;
    private volatile boolean startRecorded;
    private boolean interrupted;

    private final TargetSpec target;

    public MetricsWriter(SparkSession spark, MetricsLocation location, TargetSpec target) {
        this.spark = spark;
        this.location = location;
        this.target = target;
        // Standard Parquet timestamps (INT64 micros) rather than Spark's legacy INT96, for readers besides Spark.
        spark.conf().set("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS");
    }

    @Override
    public synchronized void onRunStart(RunInfo run) {
        current = run;
        ended = false;
        append(Tables.RUNS, Tables.RUNS_SCHEMA, List.of(runRow(run, "running", null)));
        startRecorded = true;
        // After the row: a run directory with a manifest is a run that has rows (see DriverLock#acquire).
        if (!run.resumed()) { // a resumed run keeps the manifest it started with
            RunManifest.write(location.manifest(run.runId()), run);
        }
    }

    /** Whether the run's first {@code runs} row is written: from then on its id is taken. */
    public boolean startRecorded() {
        return startRecorded;
    }

    @Override
    public void onDataStats(RunInfo run, List<SplitStats> stats) {
        List<Row> rows = new ArrayList<>();
        for (SplitStats s : stats) {
            Object[] values = new Object[5 + s.classCounts().length];
            values[0] = run.runId();
            values[1] = s.split();
            values[2] = s.count();
            values[3] = s.mean();
            values[4] = s.std();
            for (int c = 0; c < s.classCounts().length; c++) {
                values[5 + c] = s.classCounts()[c];
            }
            rows.add(RowFactory.create(values));
        }
        append(Tables.DATA_STATS, Tables.DATA_STATS_SCHEMA, rows);
    }

    @Override
    public void onStepStart(RunInfo run, StepSpec step, long params) {
        stepStarted = Instant.now();
    }

    @Override
    public void onEpochEnd(RunInfo run, EpochResult e) {
        // Rounds first: an epoch's row is its completion mark, so rounds without one belong to an epoch
        // that did not finish (readers join on epochs to see complete epochs only).
        List<Row> rounds = new ArrayList<>();
        for (AveragingRound r : e.rounds()) {
            rounds.add(RowFactory.create(
                    run.runId(),
                    e.step(),
                    e.epoch(),
                    r.round(),
                    r.iteration(),
                    r.loss(),
                    e.learningRate(),
                    r.seconds()));
        }
        if (!rounds.isEmpty()) {
            append(Tables.ITERATIONS, Tables.ITERATIONS_SCHEMA, rounds);
        }
        List<Row> timings = new ArrayList<>();
        for (WorkerTiming t : e.timings()) {
            timings.add(RowFactory.create(
                    run.runId(),
                    e.step(),
                    e.epoch(),
                    t.stat(),
                    t.machine(),
                    t.jvm(),
                    t.thread(),
                    t.events(),
                    t.totalMs()));
        }
        if (!timings.isEmpty()) {
            append(Tables.WORKER_STATS, Tables.WORKER_STATS_SCHEMA, timings);
        }
        append(
                Tables.EPOCHS,
                Tables.EPOCHS_SCHEMA,
                List.of(RowFactory.create(
                        run.runId(),
                        e.step(),
                        e.epoch(),
                        e.learningRate(),
                        e.train().loss(),
                        e.train().accuracy(),
                        e.test().loss(),
                        e.test().accuracy(),
                        e.epochSeconds(),
                        e.trainImagesPerSecond(),
                        e.trainImages(),
                        e.test().count(),
                        e.evalSeconds(),
                        e.paramsSha256(),
                        nullIfNone(e.validation().loss(), e.validation()),
                        nullIfNone(e.validation().accuracy(), e.validation()),
                        e.validation().count() == 0 ? null : e.validation().count())));
    }

    /** Null for a run without a validation set, rather than NaN. */
    private static Double nullIfNone(double value, Score score) {
        return score.count() == 0 ? null : value;
    }

    @Override
    public void onStepEnd(RunInfo run, StepResult s) {
        List<EpochResult> epochs = s.epochs();
        double finalTest = epochs.isEmpty()
                ? Double.NaN
                : epochs.get(epochs.size() - 1).test().accuracy();
        double seconds = (Instant.now().toEpochMilli() - stepStarted.toEpochMilli()) / 1000.0;
        StepAnalysis a = StepAnalysis.of(s, target.forStep(s.spec()));
        append(
                Tables.STEPS,
                Tables.STEPS_SCHEMA,
                List.of(RowFactory.create(
                        run.runId(),
                        s.spec().key(),
                        s.spec().name(),
                        s.params(),
                        epochs.size(),
                        s.bestTrainAccuracy(),
                        s.bestTestAccuracy(),
                        finalTest,
                        s.spec().batchSize(),
                        s.spec().rotationDegrees(),
                        seconds,
                        a.lastMinTestAccuracy(),
                        a.lastMaxTestAccuracy(),
                        a.trainTestGap(),
                        a.targetMet(),
                        a.text())));
    }

    @Override
    public synchronized void onRunEnd(RunInfo run, Throwable failure) {
        if (ended) {
            return; // already marked interrupted; the failure that follows a stop is its consequence
        }
        ended = true;
        Row row = failure == null ? runRow(run, "succeeded", null) : runRow(run, "failed", describe(failure));
        append(Tables.RUNS, Tables.RUNS_SCHEMA, List.of(row));
    }

    /** The failure's first line, and its root cause's when that is another exception (Spark wraps task failures). */
    public static String describe(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = firstLine(failure);
        return root == failure ? text : text + "; caused by " + firstLine(root);
    }

    private static String firstLine(Throwable t) {
        String s = t.toString();
        int newline = s.indexOf('\n');
        return newline < 0 ? s : s.substring(0, newline);
    }

    /**
     * Records the running run as interrupted (called from a shutdown hook on Ctrl-C or kill, while Spark
     * still works); later end events are then ignored. Runs {@code onMarked} once the run is marked, before the
     * write. Does nothing before the run starts or after it ends, and returns whether it recorded the interruption.
     */
    public synchronized boolean markInterrupted(String reason, Runnable onMarked) {
        if (current == null || ended) {
            return false;
        }
        ended = true;
        interrupted = true;
        onMarked.run(); // before the jobs are cancelled: their failures are consequences, not news
        // The training jobs would hold the task slots this write needs (a barrier stage holds all of them for an
        // epoch, a minute and more for step 1); the run stops anyway.
        JobsCancelledMeanwhile.run(
                spark.sparkContext(),
                () -> append(
                        Tables.RUNS, Tables.RUNS_SCHEMA, List.of(runRow(current, MetricsReader.INTERRUPTED, reason))));
        return true;
    }

    /** Whether {@link #markInterrupted} recorded the run as interrupted. */
    public synchronized boolean interrupted() {
        return interrupted;
    }

    private Row runRow(RunInfo run, String status, String error) {
        Instant now = Instant.now();
        Timestamp finished = status.equals("running") ? null : Timestamp.from(now);
        return RowFactory.create(
                run.runId(),
                Timestamp.from(run.startedAt()),
                finished,
                status,
                error,
                run.seed(),
                run.sparkMaster(),
                run.executors(),
                run.cores(),
                run.gpus(),
                run.workers(),
                run.configJson(),
                RunManifest.json(run.versions()),
                RunManifest.json(run.dataChecksums()),
                run.commandLine(),
                Timestamp.from(now),
                Tables.SCHEMA_VERSION);
    }

    private void append(String table, StructType schema, List<Row> rows) {
        TableAppender.append(spark, location, table, schema, rows, () -> {
            if (table.equals(Tables.RUNS) && !current.resumed()) {
                TestHalt.at("in-first-runs-write");
            }
        });
    }
}
