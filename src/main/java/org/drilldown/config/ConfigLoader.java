package org.drilldown.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads the job configuration once: the defaults embedded from {@code conf/} (resource
 * {@code drilldown/drilldown.conf}), then an optional user file, then flag overrides. Unknown keys and
 * wrong types fail here, before Spark starts, with the key and what is allowed.
 */
public final class ConfigLoader {
    static final String EMBEDDED = "drilldown/drilldown.conf";
    private static final String STEPS = "drilldown.steps";

    private ConfigLoader() {}

    /** Loads defaults, {@code userFile} (may be null) and {@code overrides} (dotted path to value). */
    public static JobConfig load(Path userFile, Map<String, ?> overrides) {
        Config defaults = embedded();
        Config user = ConfigFactory.empty();
        if (userFile != null) {
            user = parseUserFile(requireFile(userFile));
            rejectUnknownKeys(user, defaults, userFile.toString());
        }
        Config flags = ConfigFactory.parseMap(overrides, "command-line flags");
        try {
            Config merged = flags.withFallback(user).withFallback(defaults).resolve();
            return build(merged);
        } catch (ConfigException e) {
            throw new ConfigError(e.getMessage());
        }
    }

    /**
     * Parses a --conf file; a syntax error, binary content or a missing {@code include required(...)} is bad
     * input named by file and line (the included file's, where the fault is there).
     */
    private static Config parseUserFile(Path file) {
        try {
            return ConfigFactory.parseFile(
                    file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
        } catch (ConfigException e) {
            throw new ConfigError(ConfigProblem.describe(file, e));
        }
    }

    /**
     * What runs recorded before a key existed did in its place, where that differs from today's default:
     * a resumed or reported old run keeps its own behaviour.
     */
    private static final String BEFORE_THE_KEY_EXISTED = "drilldown.training.train-accuracy = after-epoch\n"
            + "drilldown.data.validation = 0\n" + "drilldown.training.lr-scaling.rule = none\n"
            + "drilldown.training.lr-scaling.min-worker-batch = 1";

    /**
     * Rebuilds the configuration a run recorded in {@code runs.config}; keys added to Drilldown since that
     * run take {@link #BEFORE_THE_KEY_EXISTED} or else today's embedded defaults.
     */
    public static JobConfig fromRecorded(String json) {
        return fromRecorded(json, Map.of());
    }

    /** As {@link #fromRecorded(String)}, with {@code overrides} (dotted path to value) on top. */
    public static JobConfig fromRecorded(String json, Map<String, ?> overrides) {
        try {
            Config recorded = ConfigFactory.parseString(json).atKey("drilldown");
            return build(ConfigFactory.parseMap(overrides, "command-line flags")
                    .withFallback(recorded)
                    .withFallback(ConfigFactory.parseString(BEFORE_THE_KEY_EXISTED))
                    .withFallback(embedded())
                    .resolve());
        } catch (ConfigException e) {
            throw new ConfigError("the run's recorded config: " + e.getMessage());
        }
    }

    /**
     * The Spark settings of a --conf file given with --resume or to a replay, as overrides (dotted path to value):
     * such a run keeps its recorded configuration, and takes only what a record leaves out or may need anew
     * (credentials, endpoints) from the file; any other key is refused.
     */
    public static Map<String, Object> sparkSettingsOnly(Path userFile) {
        return sparkSettings(userFile, true);
    }

    /**
     * The Spark settings of a --conf file, as overrides: what a configuration rebuilt from its record (a sweep's
     * base) takes again, since the record leaves credentials out.
     */
    public static Map<String, Object> sparkSettingsIn(Path userFile) {
        return sparkSettings(userFile, false);
    }

    private static Map<String, Object> sparkSettings(Path userFile, boolean only) {
        Config user = parseUserFile(requireFile(userFile));
        Map<String, Object> settings = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, ConfigValue> entry : user.entrySet()) {
            if (!entry.getKey().startsWith("drilldown.spark.settings.")) {
                if (!only) {
                    continue;
                }
                throw new ConfigError("--conf " + userFile + ": " + entry.getKey() + " is part of the run's recorded"
                        + " configuration; a --conf given with --resume or to reproduce may set only"
                        + " drilldown.spark.settings (credentials, endpoints)");
            }
            settings.put(entry.getKey(), entry.getValue().unwrapped());
        }
        return settings;
    }

    /**
     * A recorded configuration ({@code runs.config}, a manifest's) as the text of a --conf file, with
     * {@code settings} (from {@link #sparkSettingsOnly}) on top: a replay's credentials, which no record holds.
     */
    public static String recordedAsConf(String recordedJson, Map<String, Object> settings) {
        return ConfigFactory.parseMap(settings, "--conf")
                .withFallback(ConfigFactory.parseString(recordedJson).atKey("drilldown"))
                .root()
                .render(ConfigRenderOptions.concise());
    }

    private static Path requireFile(Path userFile) {
        if (!Files.isRegularFile(userFile)) {
            throw new ConfigError(
                    "--conf " + userFile + ": no such file; pass a HOCON file such as conf/drilldown.conf");
        }
        return userFile;
    }

    private static Config embedded() {
        return ConfigFactory.parseResources(
                EMBEDDED, ConfigParseOptions.defaults().setAllowMissing(false));
    }

    /** The embedded defaults alone. */
    public static JobConfig defaults() {
        return load(null, Map.of());
    }

    /**
     * Every step {@code conf/steps.conf} defines, in key order, whether or not the default run-steps name it:
     * what a test that must cover each configured step iterates over.
     */
    public static List<StepSpec> definedSteps() {
        List<String> keys = embedded().resolve().getObject(STEPS).keySet().stream()
                .sorted(java.util.Comparator.comparing(String::length).thenComparing(k -> k))
                .toList();
        return load(null, Map.of("drilldown.run-steps", keys)).steps();
    }

    private static void rejectUnknownKeys(Config user, Config defaults, String file) {
        Config stepDefaults = defaults.getConfig("drilldown.step-defaults");
        for (Map.Entry<String, ConfigValue> entry : user.entrySet()) {
            String path = entry.getKey();
            boolean known;
            if (path.startsWith(STEPS + ".")) {
                List<String> parts = ConfigPaths.split(path);
                String field = String.join(".", parts.subList(Math.min(3, parts.size()), parts.size()));
                known = !field.isEmpty() && stepDefaults.hasPathOrNull(field);
            } else {
                known = defaults.hasPathOrNull(path) || path.startsWith("drilldown.spark.settings.");
            }
            if (!known) {
                String hint = !path.startsWith("drilldown.")
                                && defaults.hasPathOrNull(
                                        "drilldown." + ConfigPaths.split(path).get(0))
                        ? "; every key sits under drilldown { }: write 'drilldown." + path + "'"
                        : " (see conf/drilldown.conf and conf/steps.conf for the keys that exist)";
                throw new ConfigError(file + ": unknown config key '" + path + "'" + hint);
            }
        }
    }

    private static JobConfig build(Config c) {
        Config d = c.getConfig("drilldown");
        int epochCap = d.getInt("epochs");
        if (epochCap < 0 || epochCap > StepSpec.MAX_EPOCHS) {
            throw new ConfigError(
                    "drilldown.epochs", epochCap, "0 (each step's own count) or a cap in 1.." + StepSpec.MAX_EPOCHS);
        }
        List<String> runSteps = d.getStringList("run-steps");
        List<StepSpec> steps = new ArrayList<>();
        for (String key : runSteps) {
            // One run id holds one row per (step, epoch): a step trained twice would write each epoch twice.
            if (runSteps.indexOf(key) != runSteps.lastIndexOf(key)) {
                throw new ConfigError(
                        "drilldown.run-steps", runSteps, "step " + key + " is named twice; name each step once");
            }
            steps.add(step(d, key).withEpochCap(epochCap));
        }
        Map<String, String> settings = new LinkedHashMap<>();
        d.getConfig("spark.settings").entrySet().forEach(e -> {
            String value = String.valueOf(e.getValue().unwrapped());
            if (!SecretSettings.isRedacted(value)) { // a record's redacted credential: Spark gets none
                settings.put(ConfigPaths.unquote(e.getKey()), value);
            }
        });
        return new JobConfig(
                d.getLong("seed"),
                steps,
                Path.of(d.getString("data.dir")),
                d.getInt("data.train-limit"),
                d.getInt("data.test-limit"),
                d.getInt("data.validation"),
                d.getString("output.dir"),
                d.getInt("training.workers"),
                d.getInt("training.averaging-frequency"),
                new LrScaling(
                        d.getString("training.lr-scaling.rule"),
                        d.getInt("training.lr-scaling.warmup-epochs"),
                        d.getInt("training.lr-scaling.min-worker-batch")),
                d.getInt("training.prefetch-batches"),
                d.getInt("training.eval-batch-size"),
                TrainAccuracy.parse("drilldown.training.train-accuracy", d.getString("training.train-accuracy")),
                d.getInt("training.train-eval-images"),
                TrainingApproach.parse("drilldown.training.approach", d.getString("training.approach")),
                Averaging.parse("drilldown.training.averaging", d.getString("training.averaging")),
                d.getString("training.export-dir"),
                new TargetSpec(
                        d.getDouble("target.test-accuracy"),
                        d.getInt("target.last-epochs"),
                        d.getLong("target.max-params"),
                        d.getInt("target.max-epochs")),
                d.getBoolean("native.onednn"),
                d.getString("spark.default-master"),
                d.getString("spark.app-name"),
                settings,
                SecretSettings.redacted(d).root().render(ConfigRenderOptions.concise()));
    }

    private static LrSchedule lrSchedule(Config lr, String at) {
        try {
            return new LrSchedule(
                    lr.getString("type"), lr.getInt("step-epochs"), lr.getDouble("gamma"), lr.getDoubleList("factors"));
        } catch (ConfigError e) {
            throw e.under(at);
        }
    }

    /** Reads step {@code key}, each missing field taken from {@code step-defaults}. */
    static StepSpec step(Config d, String key) {
        String path = "steps." + ConfigPaths.quote(key);
        if (!d.hasPath(path)) {
            throw new ConfigError(
                    "drilldown.run-steps",
                    key,
                    "unknown step; the configured steps are "
                            + d.getObject("steps").keySet());
        }
        Config s = d.getConfig(path).withFallback(d.getConfig("step-defaults"));
        return new StepSpec(
                key,
                s.getString("name"),
                s.getString("description"),
                s.getStringList("target"),
                s.getStringList("layers"),
                s.getBoolean("batch-norm"),
                s.getDouble("dropout"),
                s.getInt("epochs"),
                s.getInt("batch-size"),
                s.getDouble("learning-rate"),
                s.getDouble("momentum"),
                s.getDouble("weight-decay"),
                // A schedule replaced whole (lr-schedule = null, then { ... }) takes its missing keys from the
                // defaults; Typesafe Config's object for it ignores fallbacks, so it is copied first.
                lrSchedule(
                        ConfigFactory.parseMap(s.getConfig("lr-schedule").root().unwrapped())
                                .withFallback(d.getConfig("step-defaults.lr-schedule")),
                        "drilldown.steps." + key + "."),
                s.getDouble("rotation-degrees"),
                s.getLong("expected-params"),
                s.getDouble("reference.best-train-accuracy"),
                s.getDouble("reference.best-test-accuracy"),
                goal(s, "drilldown.steps." + key + "."));
    }

    private static StepGoal goal(Config s, String at) {
        try {
            return new StepGoal(s.getDouble("goal.test-accuracy"), s.getLong("goal.max-params"));
        } catch (ConfigError e) {
            throw e.under(at);
        }
    }
}
