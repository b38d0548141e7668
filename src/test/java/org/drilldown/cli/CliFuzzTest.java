package org.drilldown.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.drilldown.SharedSpark;
import org.drilldown.TestData;
import org.drilldown.metrics.MetricsLocation;
import org.drilldown.metrics.MetricsReader;
import org.drilldown.metrics.Tables;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random command lines against one output directory, within a time budget: most are bad input and stop
 * before Spark, some reuse an id already taken; a few train a tiny plan, one of them in a child JVM killed at
 * a random point (after its first checkpoint, inside its first {@code runs} write, or by kill -9 after a
 * random delay), and one may then {@code --resume} it. After each: the exit code is 0, 1 or 2 (2: one
 * documented line, no stack trace), no metric row is duplicated or half-written, nothing outside OUT changed
 * (a watched sibling, the MNIST files, the --conf files), and no other run's files changed. A new seed each
 * run, printed and in every failure message; rerun one with -Ddrilldown.fuzz.seed=N.
 */
class CliFuzzTest {
    private static final long BUDGET_NANOS = TimeUnit.SECONDS.toNanos(Long.getLong("drilldown.fuzz.seconds", 75));
    private static final int MAX_CASES = 300;
    private static final int MAX_TRAININGS = 2; // in-process, besides the killed child
    private static final List<String> BASE = List.of(
            "--steps",
            "2",
            "--epochs",
            "1",
            "--train-limit",
            "600",
            "--test-limit",
            "100",
            "--validation",
            "100",
            "--workers",
            "2",
            "--averaging-frequency",
            "2");
    private static final List<Pattern> DOCUMENTED =
            ErrorsDoc.messages().stream().map(ErrorsDoc::loose).toList();

    @TempDir
    Path root;

    private Path watched;
    private Path out;
    private Random random;
    private String context;

    @Test
    void randomCommandLinesKeepEveryRowAndTouchNothingOutsideOut() throws Exception {
        long seed = Long.getLong("drilldown.fuzz.seed", System.nanoTime());
        System.out.printf("CliFuzzTest: seed %d (rerun with -Ddrilldown.fuzz.seed=%d)%n", seed, seed);
        random = new Random(seed);
        watched = Files.createDirectories(root.resolve("watched"));
        out = watched.resolve("out");
        Path canary = Files.createDirectories(watched.resolve("canary"));
        Files.writeString(canary.resolve("keep.txt"), "x");
        Files.createDirectories(root.resolve("confs"));
        Map<Path, String> outside = snapshot(watched, out);
        Map<Path, String> data = snapshot(TestData.mnistDir(), null);
        Map<Path, String> runsBefore = new TreeMap<>();
        Map<Path, String> metricsBefore = new TreeMap<>();
        long deadline = System.nanoTime() + BUDGET_NANOS;
        int trainings = 0;
        boolean killed = false;
        boolean resumed = false;
        String killPoint = null;
        int n = 0;
        for (; n < MAX_CASES && System.nanoTime() < deadline; n++) {
            String id = "fz-" + n;
            List<String> args;
            int code;
            Map<Path, String> confs = snapshot(root.resolve("confs"), null);
            if (!killed && n == 3) {
                args = trainingArgs("fz-killed");
                String point = pick("after-checkpoint:2:1", "in-first-runs-write", "kill -9 after a random delay");
                killPoint = point;
                context = "seed " + seed + ", case " + n + " (child JVM killed: " + point + "): " + args;
                code = killedChild(args, point);
                killed = true;
                assertThat(code).as(context).isIn(0, 137);
                id = "fz-killed";
            } else if (killed && !resumed && trainings < MAX_TRAININGS && random.nextInt(6) == 0) {
                // The killed run again: it resumes (0) or, if the kill left nothing to resume, is refused (2).
                args = List.of("run", "--master", "local[2]", "--out", out.toString(), "--resume", "fz-killed");
                context = "seed " + seed + ", case " + n + " (resume of the killed run): " + args;
                Console c = Console.run(args.toArray(String[]::new));
                code = c.exitCode();
                assertExitAndMessage(c);
                assertThat(code).as(context + "\n" + c.err()).isIn(0, 2);
                resumed = true;
                trainings++;
                id = "fz-killed";
            } else {
                // A training takes ~15 s: none starts that the budget could not finish.
                boolean train = trainings < MAX_TRAININGS
                        && n > 3
                        && random.nextInt(8) == 0
                        && deadline - System.nanoTime() > TimeUnit.SECONDS.toNanos(30);
                args = train ? trainingArgs(id) : faultyArgs(id);
                confs = snapshot(root.resolve("confs"), null); // with this case's own --conf, if it wrote one
                trainings += train ? 1 : 0;
                context = "seed " + seed + ", case " + n + ": " + args;
                Console c = Console.run(args.toArray(String[]::new));
                code = c.exitCode();
                assertExitAndMessage(c);
                if (train) {
                    assertThat(code).as(context + "\n" + c.err()).isZero();
                    // The killed run's export scratch is gone: this start removed it.
                    assertThat(out.resolve("tmp/export/fz-killed")).as(context).doesNotExist();
                }
            }
            assertThat(snapshot(watched, out))
                    .as(context + ": files outside OUT")
                    .isEqualTo(outside);
            assertThat(snapshot(TestData.mnistDir(), null))
                    .as(context + ": the MNIST files")
                    .isEqualTo(data);
            assertThat(snapshot(root.resolve("confs"), null))
                    .as(context + ": the --conf files")
                    .isEqualTo(confs);
            // This case's own run directory may change (a resume rewrites it); every other run's may not.
            Path own = Path.of(safe(id));
            runsBefore.keySet().removeIf(p -> p.startsWith(own));
            assertOnlyAdded(
                    runsBefore,
                    snapshot(out.resolve("runs"), out.resolve("runs").resolve(own)),
                    "runs");
            Map<Path, String> metricsNow = snapshot(out.resolve("metrics"), out.resolve("metrics/.staging"));
            assertOnlyAdded(metricsBefore, metricsNow, "metrics");
            if (!metricsNow.equals(metricsBefore) && !metricsNow.isEmpty()) {
                assertRowsWholeAndUnique();
            }
            runsBefore = snapshot(out.resolve("runs"), null);
            metricsBefore = metricsNow;
        }
        System.out.printf(
                "CliFuzzTest: seed %d, %d cases, %d trainings (resume: %s), one child killed (%s)%n",
                seed, n, trainings, resumed, killPoint);
        assertThat(killed).as("the budget reached the kill case").isTrue();
    }

    private List<String> trainingArgs(String id) {
        List<String> args = new ArrayList<>(List.of(
                "run",
                "--master",
                "local[2]",
                "--data",
                TestData.mnistDir().toString(),
                "--out",
                out.toString(),
                "--run-id",
                id,
                "--seed",
                String.valueOf(random.nextInt(1000))));
        args.addAll(BASE);
        return args;
    }

    /** A command line with at least one fault that stops it before Spark starts, among valid flags. */
    private List<String> faultyArgs(String id) throws IOException {
        List<String> args =
                new ArrayList<>(List.of("run", "--data", TestData.mnistDir().toString(), "--out", out.toString()));
        List<String> flags = new ArrayList<>(BASE);
        int faults = 1 + random.nextInt(2);
        for (int f = 0; f < faults; f++) {
            fault(flags);
        }
        if (random.nextBoolean()) {
            String runId =
                    switch (random.nextInt(4)) {
                        case 0 -> oddRunId();
                        case 1 -> takenRunId(id);
                        default -> id;
                    };
            flags.addAll(List.of("--run-id", runId));
        }
        args.addAll(flags);
        return args;
    }

    private void fault(List<String> flags) throws IOException {
        switch (random.nextInt(12)) {
            case 0 -> replace(flags, "--epochs", pick("0", "-1", "1001", "99999999999", "lots", "1000000"));
            case 1 -> replace(flags, "--steps", pick("2,2", "9", "", "2,,4", "1,2,3,4,4", "x"));
            case 2 -> flags.addAll(List.of("--steps", pick("2", "3"))); // a second --steps: a step named twice or more
            case 3 -> replace(flags, "--train-limit", pick("-5", "-1", "many"));
            case 4 -> replace(flags, "--test-limit", pick("-1", "1e3"));
            case 5 -> replace(flags, "--validation", pick("-3", "-100"));
            case 6 -> replace(flags, "--workers", pick("-1", "two", "2.5"));
            case 7 -> replace(flags, "--averaging-frequency", pick("0", "-2", ""));
            case 8 -> flags.addAll(List.of("--seed", pick("abc", "1.5", "99999999999999999999")));
            case 9 -> flags.addAll(
                    List.of(pick("--bogus", "--epoch", "--steps=", "--run-id"))); // unknown, or missing value
            case 10 -> flags.addAll(List.of("--run-id", oddRunId()));
            default -> flags.addAll(List.of("--conf", badConf().toString()));
        }
    }

    /** An id a run under OUT already holds (killed, trained or refused), else {@code fallback}. */
    private String takenRunId(String fallback) throws IOException {
        if (!Files.isDirectory(out.resolve("runs"))) {
            return fallback;
        }
        try (Stream<Path> runs = Files.list(out.resolve("runs"))) {
            List<String> ids =
                    runs.map(p -> p.getFileName().toString()).sorted().toList();
            return ids.isEmpty() ? fallback : ids.get(random.nextInt(ids.size()));
        }
    }

    private String oddRunId() {
        return pick("..", ".", "a/b", "../x", "x".repeat(129), "ünïcødé", "a b", "-x", ".hidden", "a\nb", "日本");
    }

    private Path badConf() throws IOException {
        String hocon = pick(
                "drilldown { epochs = [",
                "drilldown.trainig.workers = 2",
                "drilldown.seed = lots",
                "drilldown.steps.2.dropout = 1.5",
                "drilldown.steps.2.learning-rate = NaN",
                "steps.2.epochs = 3",
                "drilldown.training.workers = -4",
                "drilldown.steps.2.batch-size = 0",
                "include required(\"nope.conf\")",
                "drilldown.run-steps = [2, 2]",
                "\u0000\u0001binary",
                "drilldown.steps.2.epochs = 5000");
        if (random.nextInt(10) == 0) {
            return root.resolve("confs/missing.conf");
        }
        return Files.writeString(Files.createTempFile(root.resolve("confs"), "fuzz", ".conf"), hocon);
    }

    private void replace(List<String> flags, String flag, String value) {
        int at = flags.indexOf(flag);
        flags.set(at + 1, value);
    }

    private String pick(String... values) {
        return values[random.nextInt(values.length)];
    }

    /** Exit 0, 1 or 2; 2 is one line that docs/errors.md documents, and never a stack trace. */
    private void assertExitAndMessage(Console c) {
        assertThat(c.exitCode()).as(context + "\n" + c.err()).isIn(0, 1, 2);
        if (c.exitCode() == Main.EXIT_BAD_INPUT) {
            assertThat(c.err().lines()).as(context).hasSize(1);
            assertThat(c.err()).as(context).startsWith("drilldown: ").doesNotContain("\tat ");
            String message = c.err().strip().substring("drilldown: ".length());
            assertThat(DOCUMENTED.stream().anyMatch(p -> p.matcher(message).matches()))
                    .as(context + ": not in docs/errors.md: " + message)
                    .isTrue();
        }
    }

    /** Files of {@code previous} are all still there, unchanged; new ones may have come. */
    private void assertOnlyAdded(Map<Path, String> previous, Map<Path, String> now, String what) {
        for (Map.Entry<Path, String> e : previous.entrySet()) {
            assertThat(now.get(e.getKey()))
                    .as(context + ": " + what + " file " + e.getKey())
                    .isEqualTo(e.getValue());
        }
    }

    /**
     * Every row's key once (epochs, steps, data_stats), and every column that may not be null is not. A kill
     * inside the first runs write may leave only scratch under metrics/: then no table may hold a data file.
     */
    private void assertRowsWholeAndUnique() throws IOException {
        SparkSession spark = SharedSpark.get();
        try {
            MetricsReader.registerViews(spark, new MetricsLocation(out));
        } catch (org.drilldown.config.BadInput noTables) {
            assertThat(noTables.getMessage()).as(context).startsWith("no metric tables under ");
            try (Stream<Path> files = Files.walk(out.resolve("metrics"))) {
                // Spark's readers skip names that start with '_' or '.' (_temporary, .staging): only others count.
                Path metrics = out.resolve("metrics");
                assertThat(files.filter(f -> f.getFileName().toString().endsWith(".parquet"))
                                .filter(f -> java.util.stream.StreamSupport.stream(
                                                metrics.relativize(f).spliterator(), false)
                                        .noneMatch(part -> part.toString().startsWith("_")
                                                || part.toString().startsWith(".")))
                                .toList())
                        .as(context + ": Parquet files in tables no query sees")
                        .isEmpty();
            }
            return;
        }
        for (String[] key : new String[][] {
            {"epochs", "run_id, step, epoch"}, {"steps", "run_id, step"}, {"data_stats", "run_id, split"}
        }) {
            assertThat(spark.sql("select " + key[1] + " from " + key[0] + " group by " + key[1]
                                    + " having count(*) > 1")
                            .count())
                    .as(context + ": duplicated " + key[0] + " rows")
                    .isZero();
        }
        Tables.SCHEMAS.forEach((table, schema) -> {
            String view = table.equals(Tables.RUNS) ? "runs_history" : table;
            for (StructField field : schema.fields()) {
                if (!field.nullable()) {
                    assertThat(spark.sql("select 1 from " + view + " where `" + field.name() + "` is null")
                                    .count())
                            .as(context + ": " + view + "." + field.name() + " null")
                            .isZero();
                }
            }
        });
    }

    /** Path (relative) to size and mtime of every file under {@code dir}, leaving out {@code except}'s subtree. */
    private static Map<Path, String> snapshot(Path dir, Path except) throws IOException {
        Map<Path, String> files = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return files;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p :
                    all.filter(p -> except == null || !p.startsWith(except)).toList()) {
                try {
                    files.put(
                            dir.relativize(p),
                            Files.isDirectory(p)
                                    ? "dir"
                                    : Files.size(p) + "@"
                                            + Files.getLastModifiedTime(p).toMillis());
                } catch (java.nio.file.NoSuchFileException gone) {
                    // a staging file renamed meanwhile: not a change of what was there before
                }
            }
        }
        return files;
    }

    private static String safe(String id) {
        return org.drilldown.metrics.RunId.isValid(id) ? id : "-not-a-run-";
    }

    /**
     * The tiny plan in a child JVM killed at {@code point}: a TestHalt point (halts as kill -9 would), or kill -9
     * from here after a random 2–12 s (from JVM start to its last epoch); 0 if the plan finished first.
     */
    private int killedChild(List<String> args, String point) throws Exception {
        boolean timed = !point.startsWith("after-") && !point.startsWith("in-");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-opens") || a.startsWith("-Dorg."))
                .forEach(cmd::add);
        cmd.addAll(List.of(
                "-Ddrilldown.test.halt=" + (timed ? "none" : point),
                "-Xmx2g",
                "-cp",
                System.getProperty("java.class.path"),
                "org.drilldown.cli.Main"));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(root.resolve("killed.log").toFile());
        pb.environment().put("OMP_NUM_THREADS", "1");
        Process job = pb.start();
        if (timed && !job.waitFor(2000 + random.nextInt(10_000), TimeUnit.MILLISECONDS)) {
            job.destroyForcibly(); // SIGKILL
            job.waitFor();
        }
        if (!job.waitFor(180, TimeUnit.SECONDS)) {
            job.destroyForcibly();
            throw new AssertionError(
                    context + ": child still running; its log:\n" + Files.readString(root.resolve("killed.log")));
        }
        return job.exitValue();
    }
}
