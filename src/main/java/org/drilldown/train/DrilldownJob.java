package org.drilldown.train;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.bytedeco.javacpp.Pointer;
import org.drilldown.config.Averaging;
import org.drilldown.config.BadInput;
import org.drilldown.config.JobConfig;
import org.drilldown.config.StepSpec;
import org.drilldown.config.TrainingApproach;
import org.drilldown.data.MnistData;
import org.drilldown.data.MnistFrames;
import org.drilldown.data.SplitStats;
import org.drilldown.model.StepModels;
import org.drilldown.storage.Store;
import org.drilldown.storage.StorePath;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * The drill-down as one Spark job: read and check MNIST on the driver, spread it into DataFrames,
 * compute statistics, then train every configured step in order. Reports to listeners; returns results.
 */
public final class DrilldownJob {
    private static final Logger LOG = LoggerFactory.getLogger(DrilldownJob.class);
    private static final double GIB = 1024.0 * 1024 * 1024;
    static final String MALLOC_ENV = "GLIBC_TUNABLES";
    static final String EXECUTOR_MALLOC_ENV = "spark.executorEnv." + MALLOC_ENV;
    private final SparkSession spark;
    private final JobConfig config;

    public DrilldownJob(SparkSession spark, JobConfig config) {
        this.spark = spark;
        this.config = config;
    }

    /** JVM options every executor needs: the oneDNN switches and the system clock for DL4J's training stats. */
    public static String executorJavaOptions(JobConfig config) {
        return (NativeHelpers.executorJavaOptions(config.onednn()) + " " + TrainingStats.SYSTEM_CLOCK).trim();
    }

    /**
     * Spark settings the job adds for its executors: {@link #executorJavaOptions}, the thread counts of
     * {@link ExecutorThreads} (from {@code spark.task.cpus}), and the driver's glibc malloc settings
     * ({@value #MALLOC_ENV}, which scripts/lib.sh sets: libnd4j allocates fresh oneDNN buffers on every
     * convolution call, which glibc would otherwise map and fault in anew each time). Any of them the user set (in conf/, or {@code launcher}: the
     * {@code spark.*} settings spark-submit passed) is left alone.
     */
    public static Map<String, String> executorSettings(
            JobConfig config, Map<String, String> driverEnv, Map<String, String> launcher) {
        Map<String, String> user = new LinkedHashMap<>(config.sparkSettings());
        launcher.forEach(
                (k, v) -> user.merge(k, v, (a, b) -> k.equals(ExecutorThreads.JAVA_OPTIONS) ? a + " " + b : b));
        Map<String, String> threads = ExecutorThreads.settings(user);
        Map<String, String> settings = new LinkedHashMap<>();
        String threadFlags = threads.getOrDefault(ExecutorThreads.JAVA_OPTIONS, "");
        settings.put(ExecutorThreads.JAVA_OPTIONS, (executorJavaOptions(config) + " " + threadFlags).trim());
        threads.forEach(settings::putIfAbsent);
        String malloc = driverEnv.get(MALLOC_ENV);
        if (malloc != null && !malloc.isBlank() && !user.containsKey(EXECUTOR_MALLOC_ENV)) {
            settings.put(EXECUTOR_MALLOC_ENV, malloc);
        }
        return settings;
    }

    /**
     * Checks what can be checked without Spark: every step's model builds, the export directory can be
     * written, and the data reads cleanly.
     */
    public static MnistData preflight(JobConfig config) {
        config.steps().forEach(step -> StepModels.configuration(step, config.seed()));
        requireWritableExportDir(config);
        return MnistData.load(config.dataDir(), config.trainLimit(), config.testLimit(), config.validation());
    }

    /**
     * A local export directory that cannot be created would otherwise fail the first epoch inside a Spark task.
     * The default one lies under the output directory, which the run command checks itself.
     */
    static void requireWritableExportDir(JobConfig config) {
        if (config.exportDir().isBlank() || StorePath.isUri(config.exportDir())) {
            return; // under the output directory, or on a cluster filesystem the first write checks
        }
        Path root = Path.of(config.exportDir()).toAbsolutePath();
        try {
            Files.createDirectories(root);
            Files.delete(Files.createTempFile(root, ".write-check", ""));
        } catch (IOException e) {
            String reason = e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : e.toString();
            throw new BadInput("drilldown.training.export-dir: cannot create or write " + root + " (" + reason
                    + "); set drilldown.training.export-dir to a directory you can write to");
        }
    }

    /**
     * Refuses, before any training, a plan that cannot run as configured: an averaging frequency larger
     * than the minibatches a worker gets in an epoch, or (in local mode, where every worker shares the
     * driver's native memory, {@code nativeBytes}) steps whose batches would not fit, with the bytes needed.
     */
    static void checkFits(JobConfig config, int trainImages, int workers, boolean local, long nativeBytes) {
        for (StepSpec step : config.steps()) {
            int batch = config.lrScaling().workerBatch(step.batchSize(), workers);
            int frequency =
                    config.lrScaling().averagingFrequency(config.averagingFrequency(), step.batchSize(), workers);
            long perWorker = trainImages / ((long) batch * workers);
            if (frequency > perWorker) {
                throw new BadInput(String.format(
                        Locale.ROOT,
                        "drilldown.training.averaging-frequency = %d is more than the %d minibatches each of %d workers"
                                + " gets per epoch in step %s (%d images, batch %d); lower it, or use fewer workers or more images",
                        frequency,
                        perWorker,
                        workers,
                        step.key(),
                        trainImages,
                        batch));
            }
            long needed = StepModels.trainingBytes(step) * workers;
            if (local && nativeBytes > 0 && needed > nativeBytes) {
                throw new BadInput(String.format(
                        Locale.ROOT,
                        "step %s with batch %d needs about %.1f GiB of native memory for %d workers (DL4J's estimate),"
                                + " more than the %.1f GiB this JVM may use; lower drilldown.steps.%s.batch-size or the"
                                + " workers, or raise -Xmx in DRILLDOWN_JAVA_OPTS (ND4J's limit follows it)",
                        step.key(),
                        step.batchSize(),
                        needed / GIB,
                        workers,
                        nativeBytes / GIB,
                        step.key()));
            }
        }
    }

    /**
     * Trains every configured step on {@code data} (from {@link #preflight}), reporting to the listeners and
     * checkpointing each epoch; a resumed run skips what {@code resume} says is done.
     */
    public List<StepResult> run(
            String runId,
            String commandLine,
            MnistData data,
            List<TrainingListener> listeners,
            Checkpoints checkpoints,
            ResumePoint resume) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        TrainingStats.useSystemClock(); // the driver's half of executorJavaOptions
        int workers = config.workers() > 0
                ? config.workers()
                : config.lrScaling()
                        .defaultWorkers(
                                sc.defaultParallelism(),
                                config.steps().stream().map(StepSpec::batchSize).toList());
        if (workers != sc.defaultParallelism() && config.workers() == 0) {
            LOG.info(
                    "{} workers of Spark's {} cores: {} needs a worker count that divides every minibatch it splits",
                    workers,
                    sc.defaultParallelism(),
                    config.lrScaling().rule());
        }
        // The driver is listed too; in local mode it is the only one and runs the tasks itself.
        int executors = Math.max(1, sc.sc().statusTracker().getExecutorInfos().length - (sc.isLocal() ? 0 : 1));
        checkFits(config, data.train().size(), workers, sc.isLocal(), Pointer.maxBytes());
        if (config.averaging() == Averaging.BARRIER && config.approach() == TrainingApproach.EXPORT && !sc.isLocal()) {
            // As long as Spark waits for executors where it does (YARN, Kubernetes: 30 s by default).
            BarrierAveraging.awaitSlots(
                    sc, workers, sc.getConf().getTimeAsMs("spark.scheduler.maxRegisteredResourcesWaitingTime", "30s"));
        }
        ExportDir export = ExportDir.of(config, sc.hadoopConfiguration());
        StorePath exportDir = config.approach() == TrainingApproach.EXPORT ? export.of(runId) : null;
        if (exportDir != null && exportDir.store() == Store.LOCAL) {
            DiskSpace.requireRoomForExport(exportDir.local(), data.train().size());
        }
        LOG.info(
                "training with the {} approach{}",
                config.approach().configName(),
                exportDir == null ? "" : ": each epoch's minibatches as files under " + exportDir);
        // Cores the job got (local[N]: N; a cluster: its executors' cores) and GPUs as requested per executor.
        int cores = sc.defaultParallelism();
        int gpus = executors * Integer.parseInt(sc.getConf().get("spark.executor.resource.gpu.amount", "0"));
        Map<String, String> threads = threadSettings(sc, cores);
        RunInfo run = new RunInfo(
                runId,
                resume.resuming() ? resume.startedAt() : Instant.now(),
                config.seed(),
                sc.master(),
                executors,
                cores,
                gpus,
                workers,
                config.resolvedJson(),
                Versions.of(spark),
                data.checksums(),
                commandLine,
                resume.resuming(),
                threads);

        listeners.forEach(l -> l.onRunStart(run));
        // From here on every failure is recorded as the run's (the frames' building included): no "running" row
        // is left behind by an exception the driver survives.
        Dataset<Row> trainFrame = null;
        Dataset<Row> testFrame = null;
        Dataset<Row> validationFrame = null;
        try {
            trainFrame = MnistFrames.toFrame(spark, data.train(), workers).persist(StorageLevel.MEMORY_AND_DISK());
            testFrame = MnistFrames.toFrame(spark, data.test(), workers).persist(StorageLevel.MEMORY_AND_DISK());
            if (data.validation().size() > 0) {
                validationFrame =
                        MnistFrames.toFrame(spark, data.validation(), workers).persist(StorageLevel.MEMORY_AND_DISK());
            }
            SplitStats trainStats = SplitStats.of("train", trainFrame);
            List<SplitStats> stats = new ArrayList<>(List.of(trainStats));
            if (validationFrame != null) {
                stats.add(SplitStats.of("validation", validationFrame));
            }
            stats.add(SplitStats.of("test", testFrame));
            if (!resume.resuming()) {
                listeners.forEach(l -> l.onDataStats(run, stats)); // a resumed run recorded them already
            }
            StepTrainer trainer = new StepTrainer(sc, config, workers, trainStats, exportDir, checkpoints);
            List<StepResult> results = new ArrayList<>();
            for (StepSpec step : config.steps()) {
                if (resume.finishedSteps().contains(step.key())) {
                    continue;
                }
                StepResult result = trainer.train(
                        run,
                        step,
                        trainFrame,
                        validationFrame,
                        testFrame,
                        listeners,
                        resume.recordedEpochs(step.key()));
                results.add(result);
                listeners.forEach(l -> l.onStepEnd(run, result));
            }
            listeners.forEach(l -> l.onRunEnd(run, null));
            return results;
        } catch (Throwable e) { // also a Spark job's SparkException, checked but thrown undeclared from Scala
            for (TrainingListener l : listeners) {
                try {
                    l.onRunEnd(run, e);
                } catch (RuntimeException recording) {
                    e.addSuppressed(recording); // the run's own failure is the one to report
                }
            }
            throw e;
        } finally {
            for (Dataset<Row> frame : java.util.Arrays.asList(trainFrame, testFrame, validationFrame)) {
                if (frame != null) {
                    frame.unpersist();
                }
            }
            // The Export approach's files are scratch: gone when the run ends, whatever its outcome.
            export.of(runId).deleteQuietly(export.root());
        }
    }

    /** The thread settings the run's tasks got (for the manifest); in local mode, a warning if they oversubscribe. */
    private static Map<String, String> threadSettings(JavaSparkContext sc, int cores) {
        Map<String, String> conf = new LinkedHashMap<>();
        for (Tuple2<String, String> setting : sc.getConf().getAll()) {
            conf.put(setting._1(), setting._2());
        }
        if (!sc.isLocal()) {
            return ExecutorThreads.onExecutors(conf);
        }
        int nd4jThreads = Nd4j.getEnvironment().maxMasterThreads();
        String warning = ExecutorThreads.localOversubscription(cores, ExecutorThreads.taskCpus(conf), nd4jThreads);
        if (warning != null) {
            LOG.warn(warning);
        }
        return ExecutorThreads.inThisJvm(conf, System.getenv(), nd4jThreads, ForkJoinPool.getCommonPoolParallelism());
    }
}
