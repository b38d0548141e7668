package org.drilldown.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.drilldown.config.BadInput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plain-path/URI rule, and what the local disk guarantees through the seam. */
class StorePathTest {
    private static final Configuration CONF = new Configuration();

    @TempDir
    Path tmp;

    @Test
    void aPlainPathIsALocalAbsoluteOneAsBefore() {
        StorePath out = StorePath.of("out/../out2", CONF, "--out");
        assertThat(out.store()).isEqualTo(Store.LOCAL);
        assertThat(out.toString()).isEqualTo(Path.of("out2").toAbsolutePath().toString());
        assertThat(out.uri()).isEqualTo("file:" + Path.of("out2").toAbsolutePath());
        assertThat(StorePath.isUri("out")).isFalse();
        assertThat(StorePath.isUri("/abs/dir:with-colon")).isFalse();
    }

    @Test
    void aFileUriIsTheLocalDisk() {
        StorePath out = StorePath.of("file:" + tmp + "/a/../b", CONF, "--out");
        assertThat(out.store()).isEqualTo(Store.LOCAL);
        assertThat(out.local()).isEqualTo(tmp.resolve("b"));
        assertThat(StorePath.of("file://" + tmp + "/b", CONF, "--out")).isEqualTo(out);
    }

    @Test
    void anHdfsUriKeepsItsStoreAndPrintsAsAUri() {
        StorePath out = StorePath.of("hdfs://127.0.0.1:9/runs/../out", CONF, "--out");
        assertThat(out.store()).isEqualTo(Store.HDFS);
        assertThat(out.toString()).isEqualTo("hdfs://127.0.0.1:9/out");
        assertThat(out.resolve("metrics").uri()).isEqualTo("hdfs://127.0.0.1:9/out/metrics");
        assertThatThrownBy(out::local).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void unusableUrisAreBadInputNamingTheValueAndTheFix() {
        assertThatThrownBy(() -> StorePath.of("hdfs:/no-host", CONF, "--out"))
                .isInstanceOf(BadInput.class)
                .hasMessageContaining("--out hdfs:/no-host")
                .hasMessageContaining("scheme://host:port/absolute/path");
        assertThatThrownBy(() -> StorePath.of("file:relative", CONF, "--out"))
                .isInstanceOf(BadInput.class)
                .hasMessageContaining("file:/absolute/path");
        assertThatThrownBy(() -> StorePath.of("nosuch://bucket/x", CONF, "--out"))
                .isInstanceOf(BadInput.class)
                .hasMessageContaining("no Hadoop filesystem for scheme 'nosuch'");
        Configuration noKeys = new Configuration();
        noKeys.set("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
        noKeys.set("fs.s3a.impl.disable.cache", "true");
        assertThatThrownBy(() -> StorePath.of("s3a://bucket/out", noKeys, "--out"))
                .isInstanceOf(BadInput.class)
                .hasMessageStartingWith("--out s3a://bucket/out: S3 refused or could not be reached (no AWS"
                        + " credentials found); set spark.hadoop.fs.s3a.access.key and spark.hadoop.fs.s3a.secret.key");
        assertThatThrownBy(() -> StorePath.of(" ", CONF, "drilldown.output.dir"))
                .isInstanceOf(BadInput.class)
                .hasMessageContaining("drilldown.output.dir is empty");
    }

    @Test
    void storesAreNamedByScheme() {
        assertThat(Store.of(null)).isEqualTo(Store.LOCAL);
        assertThat(Store.of("FILE")).isEqualTo(Store.LOCAL);
        assertThat(Store.of("hdfs")).isEqualTo(Store.HDFS);
        assertThat(Store.of("s3a")).isEqualTo(Store.S3A);
        assertThat(Store.of("gs")).isEqualTo(Store.OTHER);
        assertThat(Store.LOCAL.osLocks()).isTrue();
        assertThat(Store.HDFS.osLocks()).isFalse();
        assertThat(Store.S3A.atomicDirectoryRename()).isFalse();
        assertThat(Store.HDFS.replace()).isEqualTo(Store.Replace.RENAME_OVERWRITE);
        assertThat(Store.S3A.replace()).isEqualTo(Store.Replace.DIRECT);
        assertThat(Store.HDFS.exclusiveMkdir()).isFalse();
    }

    @Test
    void aWriteReplacesWholeAndLeavesNoScratch() throws Exception {
        StorePath file = StorePath.local(tmp.resolve("d/manifest.json"));
        file.write("one".getBytes(StandardCharsets.UTF_8));
        file.write("two".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(file.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("two");
        try (var files = Files.list(tmp.resolve("d"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("manifest.json"); // no .crc
        }
        assertThat(file.isFile()).isTrue();
        assertThat(file.parent().isDirectory()).isTrue();
        assertThatThrownBy(() -> file.createNew(new byte[0])).isInstanceOf(java.io.IOException.class);
    }

    @Test
    void directoriesAreCreatedOnceAndListedByName() throws Exception {
        StorePath dir = StorePath.local(tmp.resolve("runs"));
        assertThat(dir.list()).isEmpty();
        dir.mkdirs();
        assertThat(dir.resolve("b").createDirectory()).isTrue();
        assertThat(dir.resolve("b").createDirectory()).isFalse();
        dir.resolve("a").createNew(new byte[0]);
        assertThat(dir.list()).extracting(StorePath::name).containsExactly("a", "b");
    }

    @Test
    void aMoveNeverReplacesAndADeleteStaysInsideItsRoot() throws Exception {
        StorePath root = StorePath.local(tmp.resolve("t"));
        StorePath a = root.resolve("a");
        StorePath b = root.resolve("b");
        a.createNew(new byte[] {1});
        b.createNew(new byte[] {2});
        assertThatThrownBy(() -> a.moveTo(b)).isInstanceOf(java.io.IOException.class);
        a.moveTo(root.resolve("c"));
        assertThat(a.exists()).isFalse();
        assertThatThrownBy(() -> root.deleteTree(root)).isInstanceOf(IllegalStateException.class);
        b.deleteTree(root);
        assertThat(b.exists()).isFalse();
        assertThat(root.resolve("c").readAllBytes()).containsExactly(1);
    }

    @Test
    void aDirectoryIsReplacedWhole() throws Exception {
        Path from = Files.createDirectories(tmp.resolve("scratch"));
        Files.writeString(from.resolve("REPORT.md"), "new");
        StorePath root = StorePath.local(tmp.resolve("report"));
        StorePath target = root.resolve("run-1");
        target.resolve("old.png").createNew(new byte[0]);
        target.replaceDirectoryWith(from, root);
        assertThat(target.list()).extracting(StorePath::name).containsExactly("REPORT.md");
        assertThat(root.list()).extracting(StorePath::name).containsExactly("run-1");
    }

    @Test
    void aHeartbeatIsFreshWhileTouchedAndStaleWhenOld() throws Exception {
        StorePath file = StorePath.local(tmp.resolve("driver.heartbeat"));
        assertThat(Heartbeat.isFresh(file)).isFalse();
        try (Heartbeat beat = Heartbeat.start(file)) {
            assertThat(beat.file()).isEqualTo(file);
            assertThat(Heartbeat.isFresh(file)).isTrue();
        }
        long old = System.currentTimeMillis() - Heartbeat.STALE.toMillis() - 1000;
        file.write(Long.toString(old).getBytes(StandardCharsets.US_ASCII));
        assertThat(Heartbeat.isFresh(file)).isFalse();
        file.write("garbage".getBytes(StandardCharsets.US_ASCII));
        assertThat(Heartbeat.isFresh(file)).isFalse();
    }

    @Test
    void hadoopSettingsComeFromSparkHadoopKeys() {
        Configuration conf = HadoopSettings.of(java.util.Map.of("spark.hadoop.fs.s3a.endpoint", "http://127.0.0.1:1"));
        assertThat(conf.get("fs.s3a.endpoint")).isEqualTo("http://127.0.0.1:1");
    }
}
