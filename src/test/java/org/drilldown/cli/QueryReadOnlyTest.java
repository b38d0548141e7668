package org.drilldown.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code query} only reads: whatever would write, change the session or reach past the views is refused. Every
 * statement runs against a real {@code --out}: one run of the job (step 2, one epoch, a small subset), so the
 * refused statements meet the tables as a user's run leaves them.
 */
class QueryReadOnlyTest {
    /** The metric views a read-only session registers; each one's row count is checked after every refusal. */
    private static final List<String> VIEWS = List.of(
            "data_stats",
            "epochs",
            "iterations",
            "runs",
            "runs_history",
            "steps",
            "trials",
            "trials_history",
            "worker_stats");

    @TempDir
    static Path out;

    /** Each view's row count after the run: read once more after every test has tried its statements. */
    private static String rowCounts;

    @BeforeAll
    static void runTheJobOnce() {
        Console run = Console.run(TinyRun.args(out, "good", "2", 1, 512));
        assertThat(run.exitCode()).as(run.err()).isZero();
        rowCounts = rowCounts();
        assertThat(rowCounts).contains("epochs,1\n", "runs,1\n", "steps,1\n");
    }

    @AfterAll
    static void everyViewStillHoldsTheRunsRows() {
        assertThat(rowCounts()).isEqualTo(rowCounts);
    }

    /** The one-liner: it used to exit 0 and replace the epochs table with one column "a". */
    @Test
    void insertOverwriteDirectoryIsRefusedAndTheEpochsSurvive() throws IOException {
        Map<String, String> before = state();
        Console c =
                query("INSERT OVERWRITE DIRECTORY '" + out.resolve("metrics/epochs") + "' USING parquet SELECT 1 AS a");
        assertRefused(c, "InsertIntoDir");
        assertThat(state()).isEqualTo(before);
        Console epochs = query("select run_id, epoch from epochs");
        assertThat(epochs.out()).isEqualTo("run_id,epoch\ngood,1\n");
    }

    static Stream<Arguments> statementsThatDoNotRead() {
        return Stream.of(
                Arguments.of("CREATE TABLE t (a int) USING parquet", "CreateTable"),
                Arguments.of("CREATE TABLE t USING parquet AS SELECT * FROM epochs", "CreateTableAsSelect"),
                Arguments.of("CREATE VIEW v AS SELECT 1", "CreateView"),
                Arguments.of("CREATE OR REPLACE TEMPORARY VIEW epochs AS SELECT 1 AS a", "CreateViewCommand"),
                Arguments.of("DROP VIEW epochs", "DropView"),
                Arguments.of("DROP TABLE IF EXISTS epochs", "DropTable"),
                Arguments.of("INSERT INTO epochs SELECT * FROM epochs", "InsertIntoStatement"),
                Arguments.of("ALTER VIEW epochs AS SELECT 1 AS a", "AlterViewAs"),
                Arguments.of("CACHE TABLE epochs", "CacheTable"),
                Arguments.of("UNCACHE TABLE epochs", "UncacheTable"),
                Arguments.of("CLEAR CACHE", "ClearCacheCommand"),
                Arguments.of("SET spark.sql.runSQLOnFiles=true", "SetCommand"),
                Arguments.of("RESET", "ResetCommand"),
                Arguments.of("ADD JAR lib.jar", "AddJarsCommand"),
                Arguments.of("ADD FILE notes.txt", "AddFilesCommand"),
                Arguments.of("ADD ARCHIVE notes.zip", "AddArchivesCommand"),
                Arguments.of("CREATE TEMPORARY FUNCTION f AS 'x.Y' USING JAR 'lib.jar'", "CreateFunctionCommand"),
                Arguments.of("DELETE FROM epochs WHERE epoch = 1", "DeleteFromTable"),
                Arguments.of("UPDATE epochs SET epoch = 2", "UpdateTable"),
                Arguments.of(
                        "MERGE INTO epochs t USING epochs s ON t.run_id = s.run_id WHEN MATCHED THEN DELETE",
                        "MergeIntoTable"),
                Arguments.of("TRUNCATE TABLE epochs", "TruncateTable"),
                Arguments.of("LOAD DATA LOCAL INPATH 'epochs.csv' INTO TABLE epochs", "LoadData"),
                Arguments.of("ALTER TABLE epochs ADD COLUMNS (x int)", "AddColumns"),
                Arguments.of("ANALYZE TABLE epochs COMPUTE STATISTICS", "AnalyzeTable"),
                Arguments.of("MSCK REPAIR TABLE epochs", "RepairTable"),
                Arguments.of("REFRESH TABLE epochs", "RefreshTable"),
                Arguments.of("CREATE DATABASE d", "CreateNamespace"),
                Arguments.of("USE other", "SetCatalogAndNamespace"),
                Arguments.of(
                        "WITH x AS (SELECT 1 AS a) INSERT OVERWRITE DIRECTORY '" + "ignored"
                                + "' USING parquet SELECT * FROM x",
                        "InsertIntoDir"),
                Arguments.of(
                        "EXPLAIN INSERT OVERWRITE DIRECTORY 'ignored' USING parquet SELECT 1",
                        "EXPLAIN of InsertIntoDir"));
    }

    /** TRANSFORM is a query operator, not a command, but it runs a shell command: refused wherever it sits. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "select transform(run_id) using 'touch %s' as (a) from epochs",
                "from epochs map run_id using 'touch %s' as a",
                "from epochs reduce run_id using 'touch %s' as a",
                "select * from (select transform(run_id) using 'touch %s' as (a) from epochs)",
                "with x as (select transform(run_id) using 'touch %s' as (a) from epochs) select * from x",
                "select run_id from epochs where run_id in (select transform(run_id) using 'touch %s' as (a) from runs)"
            })
    void transformIsRefusedAndItsCommandNeverRuns(String template) throws IOException {
        Path marker = out.resolve("transform-ran");
        Map<String, String> before = state();
        Console c = query(String.format(template, marker));
        assertRefused(c, "TRANSFORM (a shell command run on every row)");
        assertThat(marker).doesNotExist();
        assertThat(state()).isEqualTo(before);
    }

    @ParameterizedTest
    @MethodSource("statementsThatDoNotRead")
    void aStatementThatDoesNotOnlyReadIsRefusedAndChangesNothing(String sql, String kind) throws IOException {
        Map<String, String> before = state();
        Console c = query(sql);
        assertRefused(c, kind);
        assertThat(state()).isEqualTo(before);
        assertThat(query("select run_id, epoch from epochs").out()).isEqualTo("run_id,epoch\ngood,1\n");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "select reflect('java.util.UUID', 'randomUUID')",
                "select java_method('java.util.UUID', 'randomUUID')",
                "select upper(REFLECT('java.util.UUID', 'randomUUID')) from epochs",
                "select run_id from epochs where run_id in (select reflect('java.util.UUID', 'randomUUID'))",
                "with x as (select reflect('java.util.UUID', 'randomUUID') as r) select * from x"
            })
    void functionsThatCallJavaAreRefused(String sql) {
        Console c = query(sql);
        assertThat(c.exitCode()).as(c.err()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(c.err())
                .matches(
                        "drilldown: query only reads: function (reflect|java_method) calls Java methods and is not available\n");
        assertThat(c.out()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"parquet", "csv", "json", "text", "orc"})
    void filesAreNotReadByPath(String format) {
        Console c = query("select * from " + format + ".`" + out.resolve("metrics/epochs") + "`");
        assertThat(c.exitCode()).as(c.err()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(c.err())
                .startsWith("drilldown: query only reads the metric views (data_stats, epochs, iterations, runs, "
                        + "runs_history, steps, trials, trials_history, worker_stats); `" + format + "`.`"
                        + out.resolve("metrics/epochs")
                        + "`")
                .endsWith(" names a file or another table, which it does not read\n");
        assertThat(c.out()).isEmpty();
    }

    @Test
    void describingAFileByPathIsRefusedToo() {
        Console c = query("describe parquet.`" + out.resolve("metrics/epochs") + "`");
        assertThat(c.exitCode()).as(c.err()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(c.err()).contains("names a file or another table");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "with e as (select * from epochs) select run_id, epoch from e",
                "select run_id, epoch from epochs union all select run_id, epoch from epochs where epoch > 1",
                "select * from (values ('good', 1)) as t(run_id, epoch)",
                "select e.run_id, e.epoch from epochs e join runs r on e.run_id = r.run_id"
            })
    void queriesStillRead(String sql) {
        Console c = query(sql);
        assertThat(c.exitCode()).as(c.err()).isZero();
        assertThat(c.out()).isEqualTo("run_id,epoch\ngood,1\n");
    }

    @Test
    void showDescribeAndExplainStillRead() {
        Console tables = query("show tables");
        assertThat(tables.exitCode()).as(tables.err()).isZero();
        // Every view the session registers is one whose row count the refusals are checked against (VIEWS).
        assertThat(tables.out().lines().skip(1).map(l -> l.split(",")[1])).containsExactlyInAnyOrderElementsOf(VIEWS);
        assertThat(tables.out()).contains(",epochs,true", ",runs_history,true", ",worker_stats,true");
        Console describe = query("describe epochs");
        assertThat(describe.exitCode()).as(describe.err()).isZero();
        assertThat(describe.out())
                .startsWith("col_name,data_type,comment\nrun_id,string,")
                .contains("test_accuracy,double,");
        Console columns = query("show columns in epochs");
        assertThat(columns.out()).contains("test_accuracy");
        for (String show : new String[] {
            "show views",
            "show functions",
            "show databases",
            "describe query select run_id from epochs",
            "describe epochs run_id",
            "explain show tables"
        }) {
            Console c = query(show);
            assertThat(c.exitCode()).as(show + ": " + c.err()).isZero();
        }
        Console function = query("describe function upper");
        assertThat(function.exitCode()).as(function.err()).isZero();
        Console explain = query("explain select run_id from epochs where epoch = 1");
        assertThat(explain.exitCode()).as(explain.err()).isZero();
        assertThat(explain.out()).contains("Physical Plan");
    }

    /**
     * report reads through the same checked session: its own SQL passes, the tables stay as they were, and what
     * it writes (one run's report, a comparison of runs) lands under OUT/report only.
     */
    @Test
    void theReportStillReads() throws IOException {
        Map<String, String> metrics = state();
        metrics.keySet().removeIf(f -> f.startsWith("report/"));
        Console report = Console.run("report", "--out", out.toString());
        assertThat(report.exitCode()).as(report.err()).isZero();
        assertThat(out.resolve("report/good/REPORT.md")).exists();
        // The comparison of runs writes under OUT/report too, and nowhere else.
        Console compare = Console.run("report", "--out", out.toString(), "--runs", "good", "--step", "2");
        assertThat(compare.exitCode()).as(compare.err()).isZero();
        Map<String, String> after = state();
        after.keySet().removeIf(f -> f.startsWith("report/"));
        assertThat(after).isEqualTo(metrics);
    }

    private static void assertRefused(Console c, String kind) {
        assertThat(c.exitCode()).as(c.err()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(c.err())
                .startsWith("drilldown: query only reads: " + kind + " is refused; it runs SELECT")
                .hasLineCount(1);
        assertThat(c.out()).isEmpty();
    }

    private static String rowCounts() {
        String counts = String.join(
                " union all ",
                VIEWS.stream()
                        .map(v -> "select '" + v + "' as v, count(*) as n from " + v)
                        .toList());
        Console c = query(counts);
        assertThat(c.exitCode()).as(c.err()).isZero();
        return c.out();
    }

    /** What a refused statement must leave alone: every file under the output directory, with its SHA-256. */
    private static Map<String, String> state() throws IOException {
        Map<String, String> state = new TreeMap<>();
        try (Stream<Path> all = Files.walk(out)) {
            for (Path f : all.filter(Files::isRegularFile).toList()) {
                state.put(out.relativize(f).toString(), sha256(f));
            }
        }
        return state;
    }

    private static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Console query(String sql) {
        return Console.run("query", "--out", out.toString(), "--format", "csv", sql);
    }
}
