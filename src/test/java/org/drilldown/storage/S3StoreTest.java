package org.drilldown.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.drilldown.Scripts;
import org.drilldown.config.BadInput;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What S3 (through S3A) guarantees, on a real S3 protocol server (scripts/local-s3.sh: S3Proxy on 127.0.0.1): the
 * facts {@link Store#S3A} is built on (a canary for each), and the seam's operations on them.
 */
class S3StoreTest {
    /** The test bucket and keys of scripts/local-s3.sh: test-only, accepted by that local server alone. */
    static final String BUCKET = "s3a://drilldown-test";

    static final String ACCESS_KEY = "drilldown-test-key";
    static final String SECRET_KEY = "drilldown-test-secret";

    @TempDir
    static Path tmp;

    private static String endpoint;
    private static Configuration conf;
    private static FileSystem fs;

    @BeforeAll
    static void start() throws Exception {
        Scripts.Result start = script("start");
        assertThat(start.code()).as(start.output()).isZero();
        endpoint = Files.readString(tmp.resolve("s3/s3.url")).trim();
        assertThat(endpoint).startsWith("http://127.0.0.1:");
        conf = s3a(endpoint, ACCESS_KEY, SECRET_KEY);
        fs = FileSystem.get(URI.create(BUCKET), conf);
    }

    @AfterAll
    static void stop() throws Exception {
        script("stop");
        assertThat(script("status").output()).contains("s3: stopped");
    }

    /** The settings scripts/local-s3.sh writes to its s3.conf, without the spark.hadoop. prefix. */
    static Configuration s3a(String endpoint, String accessKey, String secretKey) {
        Configuration c = new Configuration();
        c.set("fs.s3a.endpoint", endpoint);
        c.set("fs.s3a.path.style.access", "true");
        c.set("fs.s3a.connection.ssl.enabled", "false");
        c.set("fs.s3a.access.key", accessKey);
        c.set("fs.s3a.secret.key", secretKey);
        c.set("fs.s3a.impl.disable.cache", "true"); // each configuration its own client (wrong keys below)
        return c;
    }

    private static StorePath at(String path) {
        return StorePath.of(BUCKET + path, conf, "--out");
    }

    private static org.apache.hadoop.fs.Path hadoop(StorePath p) {
        return new org.apache.hadoop.fs.Path(p.uri());
    }

    @Test
    void anObjectAppearsOnlyWhenItsStreamClosesSoAWriteGoesStraightToItsTarget() throws Exception {
        StorePath file = at("/canary/manifest.json");
        // The fact Store.S3A's direct write is built on: nothing is visible until close, then all of it.
        try (OutputStream out = fs.create(hadoop(file), true)) {
            out.write("partial".getBytes(StandardCharsets.UTF_8));
            out.flush();
            assertThat(fs.exists(hadoop(file))).isFalse();
        }
        assertThat(new String(file.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("partial");

        file.write("whole".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(file.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("whole");
        assertThat(file.parent().list()).extracting(StorePath::name).containsExactly("manifest.json"); // no scratch
    }

    @Test
    void renameIsACopyThatRefusesAnExistingTargetAndMovesATableFileOntoANewName() throws Exception {
        StorePath a = at("/rename/a");
        StorePath b = at("/rename/b");
        a.createNew(new byte[] {1});
        b.createNew(new byte[] {2});
        // The fact: S3A's rename onto an existing file throws rather than replacing it.
        assertThatThrownBy(() -> fs.rename(hadoop(a), hadoop(b)))
                .isInstanceOf(org.apache.hadoop.fs.FileAlreadyExistsException.class);
        assertThat(b.readAllBytes()).containsExactly(2);
        assertThatThrownBy(() -> a.moveTo(b)).hasMessageContaining("cannot move");

        StorePath c = at("/rename/c");
        a.moveTo(c); // a table's staged row set onto its unique name: copied, then the source deleted
        assertThat(c.readAllBytes()).containsExactly(1);
        assertThat(a.exists()).isFalse();
    }

    @Test
    void twoExclusiveCreatesBothSucceedAndADirectoryIsAKeyPrefix() throws Exception {
        StorePath lock = at("/runs/r1/driver.lock");
        // The fact behind the heartbeat: create(overwrite=false) checks first, so two writers in flight both win.
        try (OutputStream first = fs.create(hadoop(lock), false);
                OutputStream second = fs.create(hadoop(lock), false)) {
            first.write(1);
            second.write(2);
        }
        assertThat(lock.readAllBytes()).hasSize(1);
        // Once it exists, a later exclusive create fails, as on the other stores.
        assertThatThrownBy(() -> lock.createNew(new byte[0])).isInstanceOf(java.io.IOException.class);

        StorePath runs = at("/runs");
        assertThat(runs.isDirectory()).isTrue(); // no directory was made: the key runs/r1/driver.lock implies it
        assertThat(runs.resolve("r2").createDirectory()).isTrue();
        assertThat(runs.resolve("r2").createDirectory()).isFalse(); // checked, not exclusive (Store.exclusiveMkdir)
        assertThatThrownBy(() -> at("/elsewhere").deleteTree(runs)).isInstanceOf(IllegalStateException.class);
        runs.resolve("r1").deleteTree(runs);
        assertThat(runs.list()).extracting(StorePath::name).containsExactly("r2");
    }

    @Test
    void aReportDirectoryIsReplacedFileByFile() throws Exception {
        Path from = Files.createDirectories(tmp.resolve("scratch"));
        Files.writeString(from.resolve("REPORT.md"), "# run");
        StorePath root = at("/out/report");
        StorePath target = root.resolve("r1");
        target.resolve("stale.png").createNew(new byte[0]);
        assertThat(Store.S3A.atomicDirectoryRename()).isFalse();
        target.replaceDirectoryWith(from, root);
        assertThat(target.list()).extracting(StorePath::name).containsExactly("REPORT.md");
        assertThat(root.list()).extracting(StorePath::name).containsExactly("r1");
    }

    @Test
    void aHeartbeatOnS3ShowsALiveDriver() throws Exception {
        StorePath file = at("/out/runs/r2/driver.heartbeat");
        try (Heartbeat beat = Heartbeat.start(file)) {
            assertThat(Heartbeat.isFresh(file)).isTrue();
            Thread.sleep(Heartbeat.INTERVAL.toMillis() + 500); // each touch is a new PUT of the whole object
            assertThat(Heartbeat.age(file)).isLessThan(Heartbeat.INTERVAL.plusSeconds(1));
        }
    }

    @Test
    void wrongKeysOrNoneAreBadInputNamingTheSettings() {
        assertThatThrownBy(() -> StorePath.of(BUCKET + "/x", s3a(endpoint, ACCESS_KEY, "not-the-secret"), "--out"))
                .isInstanceOf(BadInput.class)
                .hasMessageStartingWith("--out " + BUCKET + "/x: S3 refused or could not be reached (")
                .hasMessageContaining("(AccessDeniedException: Forbidden")
                .hasMessageContaining("spark.hadoop.fs.s3a.secret.key");
        Configuration none = s3a(endpoint, "", "");
        none.set("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
        assertThatThrownBy(() -> StorePath.of(BUCKET + "/x", none, "--out"))
                .isInstanceOf(BadInput.class)
                .hasMessageContaining("(no AWS credentials found)")
                .hasMessageContaining("spark.hadoop.fs.s3a.endpoint");
    }

    @Test
    void aBucketThatDoesNotExistIsBadInput() {
        assertThatThrownBy(() -> StorePath.of("s3a://no-such-bucket/x", conf, "--out"))
                .isInstanceOf(BadInput.class)
                .hasMessageStartingWith("--out s3a://no-such-bucket/x: S3 refused or could not be reached (")
                .hasMessageContaining("bucket");
    }

    @Test
    @Timeout(60)
    void anEndpointThatRefusesConnectionsIsBadInputWithinSeconds() {
        // S3A's own retries would keep the job trying for many minutes; the check when it opens retries little
        long start = System.nanoTime();
        assertThatThrownBy(
                        () -> StorePath.of(BUCKET + "/x", s3a("http://127.0.0.1:1", ACCESS_KEY, SECRET_KEY), "--out"))
                .isInstanceOf(BadInput.class)
                .hasMessageContaining("S3 refused or could not be reached (")
                .hasMessageContaining("Connection refused");
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(java.time.Duration.ofSeconds(30));
    }

    private static Scripts.Result script(String command) throws Exception {
        return Scripts.run(
                Scripts.ROOT,
                tmp.resolve("local-s3-" + command + "-" + System.nanoTime() + ".log"),
                120,
                Map.of("DRILLDOWN_S3_DIR", tmp.resolve("s3").toString(), "DRILLDOWN_NO_BUILD", "1"),
                "scripts/local-s3.sh",
                command);
    }
}
