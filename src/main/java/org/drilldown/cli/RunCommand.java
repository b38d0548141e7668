package org.drilldown.cli;

import java.io.IOException;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.apache.hadoop.util.ShutdownHookManager;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.spark.sql.SparkSession;
import org.drilldown.config.BadInput;
import org.drilldown.config.ConfigLoader;
import org.drilldown.config.JobConfig;
import org.drilldown.config.SparkSessions;
import org.drilldown.data.MnistData;
import org.drilldown.metrics.DriverLock;
import org.drilldown.metrics.ExportScratch;
import org.drilldown.metrics.MetricsLocation;
import org.drilldown.metrics.MetricsReader;
import org.drilldown.metrics.MetricsWriter;
import org.drilldown.metrics.ResumeState;
import org.drilldown.metrics.RunId;
import org.drilldown.metrics.RunManifest;
import org.drilldown.report.ConsoleProgress;
import org.drilldown.storage.StorePath;
import org.drilldown.train.Checkpoints;
import org.drilldown.train.DrilldownJob;
import org.drilldown.train.ExportDir;
import org.drilldown.train.NativeHelpers;
import org.drilldown.train.ResumePoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code drilldown run}: trains the configured steps and writes the metric tables. */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = "Train the drill-down steps with Spark parameter averaging; metrics go to <out>/metrics/.")
final class RunCommand implements Callable<Integer> {
    /** Hadoop shutdown-hook priority above Spark's (it stops the SparkContext at 40 and below). */
    private static final int BEFORE_SPARK_STOPS = 100;

    @Mixin
    JobOptions job = new JobOptions();

    @Option(names = "--steps", split = ",", description = "steps to run, in order (default: all configured)")
    List<String> steps;

    @Option(names = "--epochs", description = "cap every step at N epochs (default: each step's own)")
    Integer epochs;

    @Option(
            names = "--workers",
            description = "parameter-averaging workers (default: Spark's parallelism; under keep-batch the most of it"
                    + " that divides every minibatch it splits)")
    Integer workers;

    @Option(names = "--averaging-frequency", description = "minibatches per worker between averaging rounds")
    Integer averagingFrequency;

    @Option(
            names = "--lr-scaling",
            description = "how the workers train each step's one-process recipe: keep-batch (the default: each worker"
                    + " fits its share of every minibatch, averaging after each, where each share keeps"
                    + " min-worker-batch images; linear otherwise), linear (rate x workers), sqrt or none")
    String lrScaling;

    @Option(names = "--seed", description = "the run's seed; all others derive from it")
    Long seed;

    @Option(names = "--run-id", description = "id of this run (default: time and process id); must be new")
    String runId;

    // replay runs this command with the recorded configuration in a temporary --conf file, gone once it returns:
    // the suggested query line names the user's settings file instead ("" for none).
    @Option(names = "--query-conf", hidden = true)
    String queryConf;

    @Spec
    CommandSpec spec;

    /** The run's metrics writer once Spark has started: it knows whether the run recorded its start. */
    private MetricsWriter metrics;

    @Option(
            names = "--resume",
            paramLabel = "RUN_ID",
            description = "continue an interrupted run from its last complete epoch, with its recorded configuration")
    String resume;

    @Override
    public Integer call() throws IOException {
        if (resume != null) {
            return resume();
        }
        if (runId != null) {
            RunId.require("--run-id", runId);
        }
        JobConfig config = ConfigLoader.load(job.conf, overrides());
        NativeHelpers.configure(config.onednn());
        String id = runId != null
                ? runId
                : LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-"
                        + ProcessHandle.current().pid();
        MetricsLocation location = MetricsLocation.of(config.outputDir(), config);
        MnistData data = DrilldownJob.preflight(config);
        requireNewRun(location, id);
        ExportScratch.removeDead(location);
        try (DriverLock lock = DriverLock.acquire(location, id)) {
            try {
                return train(config, location, id, data, spark -> {
                    // A directory left by an earlier start may still belong to a run that recorded its first row.
                    if (lock.reused() && MetricsReader.hasRun(spark, location, id)) {
                        throw DriverLock.taken(location, id);
                    }
                    return ResumePoint.NONE;
                });
            } catch (Throwable e) {
                // An id is taken by its first runs row: a start that failed before it leaves the id free.
                if (metrics == null || !metrics.startRecorded()) {
                    lock.discardCreatedRun();
                }
                throw e;
            }
        }
    }

    /** Continues an interrupted run with the configuration and data it recorded. */
    private Integer resume() throws IOException {
        if (job.changesTheRecordBesidesSettings()
                || steps != null
                || epochs != null
                || workers != null
                || averagingFrequency != null
                || lrScaling != null
                || seed != null
                || runId != null) {
            throw new BadInput("--resume continues a run with its recorded configuration: only --out, --master and a"
                    + " --conf of Spark settings (credentials, endpoints) may be given with it");
        }
        RunId.require("--resume", resume);
        // Credentials are not recorded (SecretSettings): a store that needs them gets them from this --conf.
        Map<String, Object> o = job.conf == null
                ? new LinkedHashMap<>()
                : new LinkedHashMap<>(ConfigLoader.sparkSettingsOnly(job.conf));
        JobConfig defaults = ConfigLoader.load(null, o);
        MetricsLocation location = MetricsLocation.of(job.out != null ? job.out : defaults.outputDir(), defaults);
        RunManifest.Recorded recorded = RunManifest.read(location.manifest(resume));
        JobOptions.put(o, "drilldown.output.dir", location.outputDir().toString()); // a plain path, or the URI
        JobOptions.put(o, "drilldown.spark.default-master", job.master);
        JobConfig config = ConfigLoader.fromRecorded(recorded.configJson(), o);
        NativeHelpers.configure(config.onednn());
        MnistData mnist = DrilldownJob.preflight(config);
        mnist.checksums().forEach((file, sha) -> {
            if (!sha.equals(recorded.dataChecksums().get(file))) {
                throw new BadInput(
                        file + " in " + config.dataDir() + " is not the file run '" + resume + "' trained on (SHA-256 "
                                + sha + ", recorded " + recorded.dataChecksums().get(file) + ")");
            }
        });
        long trainEval = ResumeState.trainEvalImages(config, mnist.train().size());
        ExportScratch.removeDead(location); // the resumed run's own leftovers too: it writes its epochs afresh
        try (DriverLock lock = DriverLock.reacquire(location, resume)) {
            return train(
                    config,
                    location,
                    resume,
                    mnist,
                    spark -> ResumeState.read(
                            spark, location, resume, config, trainEval, new Checkpoints(location.checkpoints(resume))));
        }
    }

    /** Starts Spark and trains, recording a Ctrl-C or kill as an interruption. */
    private Integer train(
            JobConfig config,
            MetricsLocation location,
            String id,
            MnistData mnist,
            Function<SparkSession, ResumePoint> resumePoint) {
        SparkSession spark = SparkSessions.create(
                config, DrilldownJob.executorSettings(config, System.getenv(), SparkSessions.launcherSettings()));
        Runnable onSignal = null;
        try {
            ResumePoint from = resumePoint.apply(spark);
            MetricsWriter metrics = new MetricsWriter(spark, location, config.target());
            this.metrics = metrics;
            // On Ctrl-C or kill (not kill -9), record the run as interrupted before Spark's own hooks stop it, and
            // say so here: the JVM may end before the training thread gets to its consequence, Spark's failure.
            String resumeWith = "continue with --resume " + id + " --out " + location.outputDir();
            java.io.PrintStream console = System.err;
            onSignal = () -> {
                try {
                    metrics.markInterrupted("stopped by a signal (Ctrl-C or kill) before it finished", () -> {
                        console.println("drilldown: interrupted by a signal; completed epochs are kept; " + resumeWith);
                        // What follows is the record's write cancelling the jobs under way, then Spark stopping:
                        // consequences, not news. Silenced in the logs and on stderr, where DL4J's prefetch threads
                        // print their uncaught exceptions.
                        Configurator.setAllLevels(LogManager.getRootLogger().getName(), Level.OFF);
                        System.setErr(new java.io.PrintStream(
                                java.io.OutputStream.nullOutputStream(),
                                true,
                                java.nio.charset.StandardCharsets.UTF_8));
                    });
                } catch (RuntimeException e) { // the logs are silenced by now; without this line it would go unsaid
                    console.println("drilldown: the interruption could not be recorded in " + location.outputDir()
                            + " (" + e + "); the run will read as ended without an outcome");
                    throw e;
                }
            };
            ShutdownHookManager.get().addShutdownHook(onSignal, BEFORE_SPARK_STOPS);
            try {
                new DrilldownJob(spark, config)
                        .run(
                                id,
                                String.join(" ", commandLine()),
                                mnist,
                                List.of(new ConsoleProgress(config.lrScaling()), metrics),
                                new Checkpoints(location.checkpoints(id)),
                                from);
            } catch (Throwable e) { // Spark's SparkException is checked in Java terms but thrown undeclared
                if (metrics.interrupted()) {
                    return Main.EXIT_INTERRUPTED; // the shutdown hook has said what happened
                }
                if (DiskFull.isCause(e)) {
                    throw new DiskFull(
                            location.outputDir(),
                            ExportDir.of(config, spark.sparkContext().hadoopConfiguration())
                                    .of(id),
                            e);
                }
                throw e;
            }
            Object named = queryConf == null ? job.conf : queryConf.isEmpty() ? null : queryConf;
            String reach = StoreOptions.reach(named, location.outputDir().toString());
            System.out.println("run " + id + " done; query it with: scripts/query.sh" + reach + " --out "
                    + location.outputDir() + " \"select step, epoch, test_accuracy from epochs where run_id = '" + id
                    + "'\"");
            return 0;
        } finally {
            if (!ShutdownHookManager.get().isShutdownInProgress()) {
                if (onSignal != null) {
                    ShutdownHookManager.get().removeShutdownHook(onSignal);
                }
                spark.stop();
            }
        }
    }

    private Map<String, Object> overrides() {
        Map<String, Object> o = new LinkedHashMap<>();
        JobOptions.put(o, "drilldown.run-steps", steps);
        JobOptions.put(o, "drilldown.epochs", epochs);
        JobOptions.put(o, "drilldown.training.workers", workers);
        JobOptions.put(o, "drilldown.training.averaging-frequency", averagingFrequency);
        JobOptions.put(o, "drilldown.training.lr-scaling.rule", lrScaling);
        JobOptions.put(o, "drilldown.seed", seed);
        job.putData(o);
        job.putSession(o);
        return o;
    }

    /**
     * Refuses an output directory it cannot write, before Spark starts (an existing id is refused by
     * {@link DriverLock#acquire}).
     */
    private static void requireNewRun(MetricsLocation location, String id) {
        try {
            location.outputDir().mkdirs();
            StorePath probe = location.outputDir().resolve(".write-check-" + java.util.UUID.randomUUID());
            probe.createNew(new byte[0]);
            probe.deleteTree(location.outputDir());
        } catch (IOException | RuntimeException e) { // S3A reports missing credentials unchecked
            throw new BadInput("output directory " + location.outputDir() + " is not writable (" + e.getMessage()
                    + "); pass --out DIR you can write to");
        }
    }

    private List<String> commandLine() {
        // originalArgs are the whole command line's, the subcommand's name included.
        List<String> args = new java.util.ArrayList<>(List.of("drilldown"));
        args.addAll(spec.commandLine().getParseResult().originalArgs());
        return args;
    }
}
