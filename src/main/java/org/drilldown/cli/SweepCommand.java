package org.drilldown.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.drilldown.config.BadInput;
import org.drilldown.config.ConfigLoader;
import org.drilldown.config.JobConfig;
import org.drilldown.config.SparkSessions;
import org.drilldown.data.MnistData;
import org.drilldown.metrics.ExportScratch;
import org.drilldown.metrics.MetricsLocation;
import org.drilldown.model.StepModels;
import org.drilldown.sweep.JobTrialTraining;
import org.drilldown.sweep.SearchSpace;
import org.drilldown.sweep.SuccessiveHalving;
import org.drilldown.sweep.SweepManifest;
import org.drilldown.sweep.SweepPlan;
import org.drilldown.sweep.Trial;
import org.drilldown.sweep.TrialsTable;
import org.drilldown.train.DrilldownJob;
import org.drilldown.train.NativeHelpers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code drilldown sweep}: seeded trials of one step's recipe, pruned by successive halving on validation accuracy. */
@Command(
        name = "sweep",
        mixinStandardHelpOptions = true,
        description = "Sweep a step's recipe: seeded one-worker trials side by side as Spark jobs, pruned by successive"
                + " halving on validation accuracy; every trial and decision goes to the trials table.")
final class SweepCommand implements Callable<Integer> {
    @Option(names = "--step", description = "the step whose recipe the trials vary (its key in conf/steps.conf)")
    String step;

    @Option(names = "--space", description = "HOCON search space, e.g. conf/sweep-step4.conf")
    Path space;

    @Option(names = "--trials", description = "configurations drawn from the space (default: 8)")
    Integer trials;

    @Option(names = "--seeds", description = "seeds each configuration trains with: seed, seed+1, ... (default: 1)")
    Integer seeds;

    @Option(names = "--epochs", description = "epochs of the last rung (default: the step's own)")
    Integer epochs;

    @Option(names = "--eta", description = "successive halving keeps the top 1/eta at each rung (default: 3)")
    Integer eta;

    @Option(names = "--parallel", description = "trials trained at once, at most the cores (default: the cores)")
    Integer parallel;

    @Option(names = "--seed", description = "the sweep's seed: draws the configurations, and is the first trial seed")
    Long seed;

    @Mixin
    JobOptions job = new JobOptions();

    @Option(names = "--sweep-id", description = "id of this sweep (default: sweep-<time>); must be new")
    String sweepId;

    @Option(
            names = "--resume",
            paramLabel = "SWEEP_ID",
            description = "continue a killed sweep: what it recorded is kept, only the rest trains")
    String resume;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        SweepManifest sweep = resume != null ? resumed() : planned();
        JobConfig base = ConfigLoader.fromRecorded(sweep.baseJson(), sessionOverrides());
        NativeHelpers.configure(base.onednn());
        MetricsLocation location = MetricsLocation.of(base.outputDir(), base);
        List<Trial> trialList = sweep.plan()
                .trials(sweep.space(), sweep.baseJson(), space != null ? space.toString() : "the recorded space");
        for (Trial t : trialList) {
            StepModels.configuration(t.spec(sweep.baseJson()), t.seed()); // every trial's model builds
        }
        MnistData mnist = DrilldownJob.preflight(base);
        ExportScratch.removeDead(location);
        SparkSession spark = SparkSessions.create(
                base, DrilldownJob.executorSettings(base, System.getenv(), SparkSessions.launcherSettings()));
        try {
            int cores = spark.sparkContext().defaultParallelism();
            if (sweep.plan().parallel() > cores) {
                throw new BadInput("--parallel " + sweep.plan().parallel() + ": more trials at once than the " + cores
                        + " cores Spark has (" + spark.sparkContext().master() + "); lower --parallel or add cores");
            }
            if (resume == null) {
                sweep.writeNew(location);
            }
            List<TrialsTable.Recorded> recorded =
                    TrialsTable.history(spark, location, sweep.plan().sweepId());
            TrialsTable table = new TrialsTable(spark, location, sweep.baseJson());
            List<SuccessiveHalving.Ranked> ranking;
            try (JobTrialTraining training =
                    new JobTrialTraining(spark, location, mnist, sweep.baseJson(), sweep.commandLine())) {
                ranking = new SuccessiveHalving(
                                sweep.plan(),
                                trialList,
                                training,
                                table,
                                recorded,
                                line -> System.out.println(
                                        "sweep " + sweep.plan().sweepId() + ": " + line))
                        .run();
            }
            printSummary(
                    sweep.plan(),
                    ranking,
                    location,
                    StoreOptions.reach(job.conf, location.outputDir().toString()));
            return 0;
        } finally {
            spark.stop();
        }
    }

    /** A new sweep: the flags, the space file and the configuration its trials start from. */
    private SweepManifest planned() {
        if (step == null || space == null) {
            throw new BadInput("drilldown sweep needs --step S and --space FILE (or --resume SWEEP_ID)");
        }
        if (job.validation != null && job.validation == 0) {
            throw new BadInput("--validation 0: a sweep ranks its trials on validation accuracy, never on test;"
                    + " hold out at least one image (the default is 5000)");
        }
        SearchSpace searchSpace = SearchSpace.load(space);
        Map<String, Object> o = sessionOverrides();
        o.put("drilldown.run-steps", List.of(step));
        JobOptions.put(o, "drilldown.seed", seed);
        job.putData(o);
        JobConfig base = ConfigLoader.load(job.conf, o);
        if (base.validation() == 0) {
            throw new BadInput("drilldown.data.validation = 0: a sweep ranks its trials on validation accuracy, never"
                    + " on test; hold out at least one image (the default is 5000)");
        }
        int stepEpochs = base.steps().get(0).epochs();
        int lastRung = epochs != null ? epochs : stepEpochs;
        if (lastRung > stepEpochs) {
            throw new BadInput("--epochs " + lastRung + ": step " + step + " trains " + stepEpochs
                    + " epochs; a sweep trains at most those");
        }
        String id = sweepId != null
                ? sweepId
                : "sweep-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        int cores = Runtime.getRuntime().availableProcessors();
        int configs = trials != null ? trials : 8;
        int trialSeeds = seeds != null ? seeds : 1;
        SweepPlan plan = new SweepPlan(
                id,
                step,
                configs,
                trialSeeds,
                lastRung,
                eta != null ? eta : 3,
                parallel != null ? parallel : Math.min(cores, configs * trialSeeds),
                base.seed());
        return new SweepManifest(plan, searchSpace, base.resolvedJson(), String.join(" ", commandLine()));
    }

    private SweepManifest resumed() {
        if (step != null
                || space != null
                || trials != null
                || seeds != null
                || eta != null
                || epochs != null
                || seed != null
                || job.changesTheRecordBesidesSettings()
                || sweepId != null) {
            throw new BadInput("--resume continues a sweep with its recorded plan: only --out, --master, --parallel"
                    + " and a --conf of Spark settings (credentials, endpoints) may be given with it");
        }
        org.drilldown.metrics.RunId.require("--resume", resume);
        JobConfig defaults = ConfigLoader.load(null, settingsOfConf());
        MetricsLocation location = MetricsLocation.of(job.out != null ? job.out : defaults.outputDir(), defaults);
        return SweepManifest.read(location, resume, parallel);
    }

    /** What may differ between a sweep's start and its resumption: where it writes, where Spark runs. */
    private Map<String, Object> sessionOverrides() {
        Map<String, Object> o = new LinkedHashMap<>(settingsOfConf());
        job.putSession(o);
        return o;
    }

    /**
     * The --conf file's Spark settings: the recorded base leaves credentials out (SecretSettings), and the
     * sweep's session needs them. A resumed sweep's --conf may hold nothing else.
     */
    private Map<String, Object> settingsOfConf() {
        if (job.conf == null) {
            return Map.of();
        }
        return resume != null ? ConfigLoader.sparkSettingsOnly(job.conf) : ConfigLoader.sparkSettingsIn(job.conf);
    }

    private static void printSummary(
            SweepPlan plan, List<SuccessiveHalving.Ranked> ranking, MetricsLocation location, String reach) {
        List<String> lines = new ArrayList<>();
        for (SuccessiveHalving.Ranked r : ranking) {
            lines.add(String.format(
                    Locale.ROOT,
                    "  %d. configuration c%02d: mean best validation accuracy %.2f %%",
                    r.rank(),
                    r.configId(),
                    r.meanBestValAccuracy()));
        }
        System.out.println("sweep " + plan.sweepId() + " done; the last rung ("
                + plan.rungEpochs().get(plan.rungEpochs().size() - 1) + " epochs):");
        lines.forEach(System.out::println);
        System.out.println("query it with: scripts/query.sh" + reach + " --out " + location.outputDir()
                + " \"select trial_id, status, rung, epochs_trained, best_val_accuracy, decision from trials where sweep_id = '"
                + plan.sweepId() + "' order by best_val_accuracy desc\"");
        System.out.println("report it with: scripts/report.sh" + reach + " --out " + location.outputDir() + " --sweep "
                + plan.sweepId());
    }

    private List<String> commandLine() {
        List<String> args = new ArrayList<>(List.of("drilldown"));
        args.addAll(spec.commandLine().getParseResult().originalArgs());
        return args;
    }
}
