package org.drilldown.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.drilldown.MetricsFixtures;
import org.drilldown.SharedSpark;
import org.drilldown.config.TargetSpec;
import org.drilldown.metrics.MetricsLocation;
import org.drilldown.metrics.MetricsWriter;
import org.drilldown.train.RunInfo;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Queries over broken or foreign metric directories: one clear message and exit 2, never a partial result. */
class QueryErrorsTest {
    @TempDir
    Path out;

    @BeforeEach
    void writeAValidRun() {
        MetricsWriter writer =
                new MetricsWriter(SharedSpark.get(), new MetricsLocation(out), new TargetSpec(99.4, 3, 10000, 15));
        RunInfo run = MetricsFixtures.run("good");
        writer.onRunStart(run);
        writer.onEpochEnd(run, MetricsFixtures.epoch(1));
        writer.onRunEnd(run, null);
    }

    @Test
    void theValidTablesAnswer() {
        Console ok = query("select run_id, epoch from epochs");
        assertThat(ok.exitCode()).as(ok.err()).isZero();
        assertThat(ok.out()).isEqualTo("run_id,epoch\ngood,1\n");
    }

    @Test
    void whatAWriteKilledMidwayLeavesBehindIsNeverRead() throws Exception {
        // kill -9 during a metrics write leaves, at worst, a partial file in the writer's staging directory
        // (and, from Spark's own committer, a _temporary directory): neither may show up in a result.
        Path staged = Files.createDirectories(out.resolve("metrics/.staging/epochs-killed"));
        Files.write(staged.resolve("part-00000-partial.snappy.parquet"), "PAR1 cut short".getBytes());
        Path temporary = Files.createDirectories(out.resolve("metrics/epochs/_temporary/0/task_1"));
        Files.write(temporary.resolve("part-00000-partial.snappy.parquet"), "PAR1 cut short".getBytes());
        Console ok = query("select run_id, epoch from epochs");
        assertThat(ok.exitCode()).as(ok.err()).isZero();
        assertThat(ok.out()).isEqualTo("run_id,epoch\ngood,1\n");
    }

    @Test
    void anUnknownTableIsBadSqlAndTheViewsAreListed() {
        Console c = query("select * from epoch");
        assertThat(c.exitCode()).as(c.err()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(c.err()).contains("bad SQL", "`epoch`", "views under", "epochs", "runs_history");
        assertThat(c.out()).isEmpty();
    }

    @Test
    void badSqlIsOneLineWithoutThePlan() {
        String views = "; views under " + out.resolve("metrics")
                + ": data_stats, epochs, iterations, runs, runs_history, steps, trials, trials_history, worker_stats\n";
        Console c = query("select * from epoch");
        assertThat(c.err())
                .isEqualTo("drilldown: bad SQL: [TABLE_OR_VIEW_NOT_FOUND] The table or view `epoch` cannot be "
                        + "found. Verify the spelling and correctness of the schema and catalog. (line 1, position 14)"
                        + views);
        Console parse = query("selec * from epochs");
        assertThat(parse.exitCode()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(parse.err())
                .isEqualTo("drilldown: bad SQL: [PARSE_SYNTAX_ERROR] Syntax error at or near 'selec'. "
                        + "(line 1, position 0)" + views);
    }

    @Test
    void noSqlSaysWhatToPass() {
        for (String blank : new String[] {"", "  \n "}) {
            Console c = query(blank);
            assertThat(c.exitCode()).as(c.err()).isEqualTo(Main.EXIT_BAD_INPUT);
            assertThat(c.err())
                    .isEqualTo("drilldown: no SQL given; pass one statement in quotes, e.g. "
                            + "scripts/query.sh \"select run_id, status from runs\"\n");
        }
    }

    /** Issue 21: every run died before its first epoch, so only runs has files; the rest read as empty. */
    @Test
    void aTableNoRunHasWrittenYetIsEmpty() throws Exception {
        Path early = out.resolve("early");
        MetricsWriter writer =
                new MetricsWriter(SharedSpark.get(), new MetricsLocation(early), new TargetSpec(99.4, 3, 10000, 15));
        RunInfo run = MetricsFixtures.run("died");
        writer.onRunStart(run);
        writer.onRunEnd(run, new IllegalStateException("out of memory"));
        assertThat(early.resolve("metrics/epochs")).doesNotExist();
        for (String table : List.of("epochs", "steps", "iterations", "worker_stats", "data_stats")) {
            Console c = Console.run(
                    "query",
                    "--out",
                    early.toString(),
                    "--format",
                    "csv",
                    "select run_id, count(*) as n from " + table + " group by run_id");
            assertThat(c.exitCode()).as(c.err()).isZero();
            assertThat(c.out()).isEqualTo("run_id,n\n");
        }
        Console runs =
                Console.run("query", "--out", early.toString(), "--format", "csv", "select run_id, status from runs");
        assertThat(runs.out()).isEqualTo("run_id,status\ndied,failed\n");
    }

    @Test
    void anEmptyMetricsDirectoryIsNamed() throws Exception {
        Path empty = Files.createDirectories(out.resolve("empty/metrics"));
        Console c = Console.run("query", "--out", empty.getParent().toString(), "select 1");
        assertThat(c.exitCode()).as(c.err()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(c.err()).contains("no metric tables under " + empty);
    }

    @Test
    void aCorruptParquetFileIsNamed() throws Exception {
        Files.write(out.resolve("metrics/epochs/part-corrupt.parquet"), "PAR1 this is not parquet PAR1".getBytes());
        Console c = query("select run_id, epoch from epochs");
        assertThat(c.exitCode()).as(c.err()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(c.err()).contains("part-corrupt.parquet");
        assertDocumented(
                c, "table OUT/metrics/epochs: file F: not readable Parquet (…); move it out of the table directory");
    }

    @Test
    void foreignParquetWithAnotherTypeIsRefused() {
        SparkSession spark = SharedSpark.get();
        spark.sql("select 'x' as run_id, 'high' as test_accuracy")
                .write()
                .mode(SaveMode.Append)
                .parquet(out.resolve("metrics/epochs").toString());
        Console c = query("select run_id, epoch from epochs");
        assertThat(c.exitCode()).as(c.err()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertDocumented(c, "table OUT/metrics/epochs: file F: column test_accuracy is string, expected double; …");
    }

    @Test
    void foreignParquetWithoutRunIdsIsRefusedWithTheFile() {
        SparkSession spark = SharedSpark.get();
        spark.sql("select 7 as answer")
                .write()
                .mode(SaveMode.Append)
                .parquet(out.resolve("metrics/epochs").toString());
        Console c = query("select count(*) from epochs");
        assertThat(c.exitCode()).as(c.err()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(c.err()).contains(".parquet");
        assertDocumented(
                c, "table OUT/metrics/epochs: FILE holds rows without a run_id; it was not written by Drilldown, …");
    }

    /** A file whose footer reads but whose data does not fails only when the query runs: still one line. */
    @Test
    void aFileDamagedInsideItsDataFailsTheQueryWithTheTablesNamed() throws Exception {
        Path file;
        try (var files = Files.list(out.resolve("metrics/epochs"))) {
            file = files.filter(f -> f.toString().endsWith(".parquet"))
                    .findFirst()
                    .orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(file);
        java.util.Arrays.fill(bytes, 4, 4 + 64, (byte) 0x7f); // the first page header and data; footer intact
        Files.write(file, bytes);
        Console c = query("select * from epochs");
        assertDocumented(
                c,
                "reading the tables under OUT/metrics failed (…); a file there is corrupt or not Drilldown's: move it out");
    }

    /** Files that each pass alone but clash with one another: the column and both files are named. */
    @Test
    void filesWhoseColumnTypesClashAreNamed() throws Exception {
        foreignFile("foreign-1.parquet", "select 'x' as run_id, 1 as note");
        foreignFile("foreign-2.parquet", "select 'y' as run_id, 'one' as note");
        Console c = query("select count(*) from epochs");
        assertDocumented(
                c,
                "table OUT/metrics/epochs: file F: column note is string, but int in F; move it out of the table"
                        + " directory");
        assertThat(c.err()).contains("file foreign-2.parquet: column note is string, but int in foreign-1.parquet");
    }

    /** Writes {@code sql}'s rows as one Parquet file named {@code name} into the epochs table. */
    private void foreignFile(String name, String sql) throws Exception {
        Path staged = out.resolve("staged-" + name);
        SharedSpark.get().sql(sql).coalesce(1).write().parquet(staged.toString());
        try (var files = Files.list(staged)) {
            Path part = files.filter(f -> f.toString().endsWith(".parquet"))
                    .findFirst()
                    .orElseThrow();
            Files.move(part, out.resolve("metrics/epochs").resolve(name));
        }
    }

    /** No Drilldown file left to compare with: the whole table reads, and its type is refused. */
    @Test
    void aTableOfForeignFilesOnlyIsRefusedByItsType() throws Exception {
        Path table = out.resolve("metrics/epochs");
        Files.move(table, out.resolve("drilldown-epochs-aside"));
        SharedSpark.get()
                .sql("select 'x' as run_id, 'high' as test_accuracy")
                .write()
                .parquet(table.toString());
        assertDocumented(
                query("select run_id from epochs"),
                "table OUT/metrics/epochs: column test_accuracy is string, expected double; a file there was not"
                        + " written by Drilldown");
    }

    /** A report needs the runs table: other tables alone (a partial copy) are named as not a run's output. */
    @Test
    void aReportWithoutARunsTableSaysWhatOutShouldHold() throws Exception {
        Files.move(out.resolve("metrics/runs"), out.resolve("runs-aside"));
        Console c = Console.run("report", "--out", out.toString());
        assertDocumented(c, "no runs table under OUT/metrics; is --out the output directory of a Drilldown run?");
        assertThat(c.err()).contains(out.resolve("metrics").toString());
    }

    /** Exit 2, nothing printed, and one line that is docs/errors.md's {@code documented} message. */
    private static void assertDocumented(Console c, String documented) {
        assertThat(c.exitCode()).as(c.err()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(c.out()).isEmpty();
        assertThat(c.err()).hasLineCount(1).doesNotContain("\tat ");
        assertThat(c.err().strip().substring("drilldown: ".length())).matches(ErrorsDoc.strict(documented));
        assertThat(ErrorsDoc.messages()).contains(documented);
    }

    @Test
    void anUnknownDirectoryIsLeftOutNotMerged() throws Exception {
        SharedSpark.get()
                .sql("select 1 as a")
                .write()
                .parquet(out.resolve("metrics/notes").toString());
        Console c = query("select count(*) as n from epochs");
        assertThat(c.exitCode()).as(c.err()).isZero();
        Console notes = query("select * from notes");
        assertThat(notes.exitCode()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(List.of(notes.err())).anySatisfy(e -> assertThat(e).contains("`notes`"));
    }

    private Console query(String sql) {
        return Console.run("query", "--out", out.toString(), "--format", "csv", sql);
    }
}
