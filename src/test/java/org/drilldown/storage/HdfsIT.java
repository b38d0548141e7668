package org.drilldown.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Row;
import org.drilldown.Scripts;
import org.drilldown.SharedSpark;
import org.drilldown.TestData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job with its output on a real HDFS (scripts/local-hdfs.sh: a NameNode and a DataNode on 127.0.0.1), driven
 * through the scripts as a user would: run-local.sh with {@code --out hdfs://…}, then query.sh and report.sh reading
 * it back, and a kill -9 of the driver read back as interrupted (by its stale heartbeat: HDFS has no lock).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HdfsIT {
    @TempDir
    static Path tmp;

    private static String hdfs;
    private static FileSystem fs;

    @BeforeAll
    static void startHdfs() throws Exception {
        Scripts.Result start = script(120, "scripts/local-hdfs.sh", "start");
        assertThat(start.code()).as(start.output()).isZero();
        hdfs = java.nio.file.Files.readString(tmp.resolve("hdfs/hdfs.url")).trim();
        assertThat(hdfs).startsWith("hdfs://127.0.0.1:");
        fs = FileSystem.newInstance(URI.create(hdfs), new Configuration());
    }

    @AfterAll
    static void stopHdfs() throws Exception {
        if (fs != null) {
            fs.close();
        }
        script(60, "scripts/local-hdfs.sh", "stop");
        assertThat(script(30, "scripts/local-hdfs.sh", "status").output()).contains("hdfs: stopped");
    }

    @Test
    @Order(1)
    void aRunWritesItsTablesManifestAndCheckpointsToHdfsAndTheScriptsReadThemBack() throws Exception {
        String out = hdfs + "/runs-out";
        Scripts.Result run = script(
                400,
                "scripts/run-local.sh",
                "--data",
                TestData.mnistDir().toString(),
                "--steps",
                "2,4",
                "--epochs",
                "1",
                "--train-limit",
                "3000",
                "--test-limit",
                "500",
                "--workers",
                "2",
                "--run-id",
                "on-hdfs",
                "--out",
                out);
        assertThat(run.code()).as(run.output()).isZero();
        assertThat(run.output())
                .contains("training with the export approach: each epoch's minibatches as files under " + out
                        + "/tmp/export/on-hdfs");

        assertThat(fs.exists(new org.apache.hadoop.fs.Path(out + "/runs/on-hdfs/manifest.json")))
                .isTrue();
        assertThat(fs.exists(new org.apache.hadoop.fs.Path(out + "/runs/on-hdfs/checkpoints/step-4-epoch-1.zip")))
                .isTrue();
        assertThat(fs.exists(new org.apache.hadoop.fs.Path(out + "/runs/on-hdfs/driver.heartbeat")))
                .isTrue();
        List<Row> epochs = SharedSpark.get()
                .read()
                .parquet(out + "/metrics/epochs")
                .orderBy("step")
                .collectAsList();
        assertThat(epochs).extracting(r -> (String) r.getAs("step")).containsExactly("2", "4");
        assertThat(epochs).extracting(r -> (Long) r.getAs("train_images")).containsOnly(3000L);

        Scripts.Result query =
                script(120, "scripts/query.sh", "--out", out, "--format", "csv", "select run_id, status from runs");
        assertThat(query.code()).as(query.output()).isZero();
        assertThat(query.output()).contains("on-hdfs,succeeded");

        Scripts.Result report = script(180, "scripts/report.sh", "--out", out, "--run-id", "on-hdfs");
        assertThat(report.code()).as(report.output()).isZero();
        assertThat(report.output()).contains("report of run on-hdfs: " + out + "/report/on-hdfs/REPORT.md");
        assertThat(fs.exists(new org.apache.hadoop.fs.Path(out + "/report/on-hdfs/REPORT.md")))
                .isTrue();
    }

    @Test
    @Order(2)
    void aDriverKilledWithSignal9ReadsBackAsInterruptedOnceItsHeartbeatIsStale() throws Exception {
        String out = hdfs + "/killed-out";
        Path log = tmp.resolve("killed.log");
        Process job = Scripts.start(
                Scripts.ROOT,
                log,
                env(),
                List.of(
                        "scripts/run-local.sh",
                        "--data",
                        TestData.mnistDir().toString(),
                        "--steps",
                        "4",
                        "--epochs",
                        "20",
                        "--train-limit",
                        "3000",
                        "--test-limit",
                        "500",
                        "--run-id",
                        "killed",
                        "--out",
                        out));
        org.apache.hadoop.fs.Path epochs = new org.apache.hadoop.fs.Path(out + "/metrics/epochs");
        for (int i = 0; i < 1500 && job.isAlive() && !hasParquet(epochs); i++) {
            Thread.sleep(200);
        }
        assertThat(job.isAlive()).as(java.nio.file.Files.readString(log)).isTrue();
        assertThat(hasParquet(epochs)).isTrue();
        job.destroyForcibly(); // run-local.sh execs the JVM: this is kill -9 of the driver itself
        job.waitFor();
        Thread.sleep(Heartbeat.STALE.toMillis() + 2_000); // until its last heartbeat is stale

        Scripts.Result dead =
                script(120, "scripts/query.sh", "--out", out, "--format", "csv", "select status from runs");
        assertThat(dead.code()).as(dead.output()).isZero();
        assertThat(dead.output()).contains("interrupted").doesNotContain("running");
    }

    private static boolean hasParquet(org.apache.hadoop.fs.Path dir) throws java.io.IOException {
        if (!fs.exists(dir)) {
            return false;
        }
        for (org.apache.hadoop.fs.FileStatus s : fs.listStatus(dir)) {
            if (s.getPath().getName().endsWith(".parquet")) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, String> env() {
        return Map.of("DRILLDOWN_HDFS_DIR", tmp.resolve("hdfs").toString());
    }

    private static Scripts.Result script(int seconds, String... command) throws Exception {
        return Scripts.run(
                Scripts.ROOT,
                tmp.resolve(command[0].replace('/', '-') + "-" + System.nanoTime() + ".log"),
                seconds,
                env(),
                command);
    }
}
