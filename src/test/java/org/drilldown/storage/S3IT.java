package org.drilldown.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.drilldown.Scripts;
import org.drilldown.TestData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job with its output in an S3 bucket (scripts/local-s3.sh: S3Proxy on 127.0.0.1), driven through the scripts
 * as a user would: run-local.sh with {@code --out s3a://…} and the server's settings in a {@code --conf} file, then
 * query.sh and report.sh reading it back with the same file.
 */
class S3IT {
    @TempDir
    static Path tmp;

    private static Path settings;
    private static FileSystem fs;

    @BeforeAll
    static void startS3() throws Exception {
        Scripts.Result start = script(120, "scripts/local-s3.sh", "start");
        assertThat(start.code()).as(start.output()).isZero();
        String endpoint = Files.readString(tmp.resolve("s3/s3.url")).trim();
        settings = tmp.resolve("s3/s3.conf");
        assertThat(Files.readString(settings)).contains("\"spark.hadoop.fs.s3a.endpoint\" = \"" + endpoint + "\"");
        Configuration conf = S3StoreTest.s3a(endpoint, S3StoreTest.ACCESS_KEY, S3StoreTest.SECRET_KEY);
        fs = FileSystem.get(URI.create(S3StoreTest.BUCKET), conf);
    }

    @AfterAll
    static void stopS3() throws Exception {
        if (fs != null) {
            fs.close();
        }
        script(60, "scripts/local-s3.sh", "stop");
        assertThat(script(30, "scripts/local-s3.sh", "status").output()).contains("s3: stopped");
    }

    @Test
    void aRunWritesItsTablesManifestAndCheckpointsToABucketAndTheScriptsReadThemBack() throws Exception {
        String out = S3StoreTest.BUCKET + "/runs-out";
        Scripts.Result run = script(
                400,
                "scripts/run-local.sh",
                "--conf",
                settings.toString(),
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
                "on-s3",
                "--out",
                out);
        assertThat(run.code()).as(run.output()).isZero();
        // Each epoch's minibatch files went to the bucket too (the export approach, through Hadoop's S3A).
        assertThat(run.output())
                .contains("training with the export approach: each epoch's minibatches as files under " + out
                        + "/tmp/export/on-s3");
        // The query it suggests reaches the bucket: it names the --conf the run was given.
        assertThat(run.output()).contains("query it with: scripts/query.sh --conf " + settings + " --out " + out);

        assertThat(isFile(out + "/runs/on-s3/manifest.json")).isTrue();
        assertThat(isFile(out + "/runs/on-s3/checkpoints/step-2-epoch-1.zip")).isTrue();
        assertThat(isFile(out + "/runs/on-s3/checkpoints/step-4-epoch-1.zip")).isTrue();
        assertThat(isFile(out + "/runs/on-s3/driver.heartbeat")).isTrue();
        for (String table : new String[] {"runs", "epochs", "steps", "iterations", "worker_stats", "data_stats"}) {
            assertThat(parquetFiles(out + "/metrics/" + table)).as(table).isPositive();
        }
        String manifest = new String(
                fs.open(new org.apache.hadoop.fs.Path(out + "/runs/on-s3/manifest.json"))
                        .readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8);
        assertThat(manifest).contains("\"on-s3\"");
        // Credentials never land in a record: the manifest keeps the key names, not the values.
        assertThat(manifest)
                .containsPattern("\"spark.hadoop.fs.s3a.secret.key\" ?: ?\"\\*{9}\\(redacted\\)\"")
                .doesNotContain("drilldown-test-secret", "drilldown-test-key\"");

        Scripts.Result query = script(
                120,
                "scripts/query.sh",
                "--conf",
                settings.toString(),
                "--out",
                out,
                "--format",
                "csv",
                "select r.run_id, r.status, e.step, e.train_images from runs r join epochs e using (run_id)"
                        + " order by e.step");
        assertThat(query.code()).as(query.output()).isZero();
        assertThat(query.output()).contains("on-s3,succeeded,2,3000").contains("on-s3,succeeded,4,3000");

        Scripts.Result report =
                script(180, "scripts/report.sh", "--conf", settings.toString(), "--out", out, "--run-id", "on-s3");
        assertThat(report.code()).as(report.output()).isZero();
        assertThat(report.output()).contains("report of run on-s3: " + out + "/report/on-s3/REPORT.md");
        assertThat(isFile(out + "/report/on-s3/REPORT.md")).isTrue();

        Scripts.Result secrets = script(
                120,
                "scripts/query.sh",
                "--conf",
                settings.toString(),
                "--out",
                out,
                "--format",
                "csv",
                "select count(*) as leaks from runs where config like '%drilldown-test-secret%'");
        assertThat(secrets.output()).as(secrets.output()).contains("leaks\n0");
        // Replaying takes the credentials the record left out from a --conf of Spark settings.
        Scripts.Result replay = script(
                240,
                "scripts/reproduce.sh",
                "on-s3",
                "--conf",
                settings.toString(),
                "--out",
                out,
                "--run-id",
                "on-s3-again");
        assertThat(replay.code()).as(replay.output()).isZero();
        assertThat(replay.output())
                .contains("all 2 epochs have the same parameters")
                // its suggested query names the user's settings, not the replay's temporary copy of the record
                .contains("query it with: scripts/query.sh --conf " + settings + " --out " + out)
                .doesNotContain("drilldown-replay-");
    }

    private static boolean isFile(String uri) throws java.io.IOException {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(uri);
        return fs.exists(p) && fs.getFileStatus(p).isFile();
    }

    private static long parquetFiles(String dir) throws java.io.IOException {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(dir);
        if (!fs.exists(p)) {
            return 0;
        }
        long n = 0;
        for (org.apache.hadoop.fs.FileStatus s : fs.listStatus(p)) {
            if (s.getPath().getName().endsWith(".parquet")) {
                n++;
            }
        }
        return n;
    }

    private static Scripts.Result script(int seconds, String... command) throws Exception {
        return Scripts.run(
                Scripts.ROOT,
                tmp.resolve(command[0].replace('/', '-') + "-" + System.nanoTime() + ".log"),
                seconds,
                Map.of("DRILLDOWN_S3_DIR", tmp.resolve("s3").toString()),
                command);
    }
}
