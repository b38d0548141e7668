package org.drilldown.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.SparkSession;
import org.drilldown.SharedSpark;
import org.drilldown.config.BadInput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The read-only session's own defences, under the plan check: even SQL that skipped the check (spark.sql
 * on the session) finds no reflection functions and cannot read a file by path.
 */
class ReadOnlySqlTest {
    @TempDir
    Path dir;

    @Test
    void theSessionHasNoReflectionFunctions() {
        SparkSession spark = ReadOnlySql.session(SharedSpark.get());
        for (String f : ReadOnlyPlans.JVM_FUNCTIONS) {
            assertThat(spark.catalog().functionExists(f)).as(f).isFalse();
        }
        assertThatThrownBy(() -> spark.sql("select reflect('java.util.UUID', 'randomUUID')")
                        .collectAsList())
                .isInstanceOf(AnalysisException.class)
                .hasMessageContaining("reflect");
        // the base session keeps them: the lock-down is the query session's alone
        assertThat(SharedSpark.get().catalog().functionExists("reflect")).isTrue();
    }

    @Test
    void theSessionDoesNotReadFilesByPath() {
        String path = dir.resolve("t").toString();
        SharedSpark.get().sql("select 1 as a").write().parquet(path);
        SparkSession spark = ReadOnlySql.session(SharedSpark.get());
        assertThatThrownBy(
                        () -> spark.sql("select * from parquet.`" + path + "`").collectAsList())
                .isInstanceOf(AnalysisException.class);
        assertThat(SharedSpark.get().sql("select * from parquet.`" + path + "`").count())
                .isEqualTo(1);
    }

    @Test
    void aReadRunsAndAWriteIsRefusedBeforeItRuns() {
        SparkSession spark = ReadOnlySql.session(SharedSpark.get());
        assertThat(ReadOnlySql.sql(spark, "select 1 as a").collectAsList()).hasSize(1);
        String target = dir.resolve("written").toString();
        assertThatThrownBy(() -> ReadOnlySql.sql(
                        spark, "insert overwrite directory '" + target + "' using parquet select 1 as a"))
                .isInstanceOf(BadInput.class)
                .hasMessageStartingWith("query only reads: InsertIntoDir is refused");
        assertThat(dir.resolve("written")).doesNotExist();
    }
}
