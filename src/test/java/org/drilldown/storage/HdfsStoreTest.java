package org.drilldown.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What HDFS guarantees, on a real NameNode and DataNode in this JVM: the facts {@link Store} is built on (a canary
 * for each), and the seam's operations on them.
 */
class HdfsStoreTest {
    @TempDir
    static Path tmp;

    private static MiniDFSCluster cluster;
    private static String url;
    private static Configuration conf;

    @BeforeAll
    static void start() throws Exception {
        conf = new Configuration();
        conf.set("dfs.datanode.address", "127.0.0.1:0");
        conf.set("dfs.datanode.http.address", "127.0.0.1:0");
        conf.set("dfs.datanode.ipc.address", "127.0.0.1:0");
        cluster = new MiniDFSCluster.Builder(conf, new File(tmp.toString()))
                .nameNodeHttpPort(0)
                .numDataNodes(1)
                .build();
        cluster.waitActive();
        url = "hdfs://127.0.0.1:" + cluster.getNameNodePort(); // getURI() says localhost
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.shutdown();
        }
    }

    private static StorePath at(String path) {
        return StorePath.of(url + path, conf, "--out");
    }

    @Test
    void hdfsRenameOntoAFileSaysFalseSoAWriteReplacesThroughFileContext() throws Exception {
        StorePath a = at("/canary/a");
        StorePath b = at("/canary/b");
        a.createNew(new byte[] {1});
        b.createNew(new byte[] {2});
        FileSystem fs = FileSystem.get(java.net.URI.create(url), conf);
        // The fact Store.HDFS is built on: FileSystem.rename onto a file neither throws nor renames.
        assertThat(fs.rename(new org.apache.hadoop.fs.Path(a.uri()), new org.apache.hadoop.fs.Path(b.uri())))
                .isFalse();
        assertThat(b.readAllBytes()).containsExactly(2);

        b.write("new".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(b.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("new");
        assertThat(b.parent().list()).extracting(StorePath::name).containsExactly("a", "b"); // no scratch left
        assertThatThrownBy(() -> a.moveTo(b)).hasMessageContaining("cannot move");
    }

    @Test
    void directoriesAreCreatedExclusivelyAndDeletedOnlyInsideTheirRoot() throws Exception {
        StorePath runs = at("/out/runs");
        runs.mkdirs();
        assertThat(runs.resolve("r1").createDirectory()).isTrue();
        assertThat(runs.resolve("r1").createDirectory()).isFalse();
        // Why Store.HDFS has no exclusive mkdir: the NameNode accepts a mkdir of an existing directory.
        org.apache.hadoop.fs.FileContext.getFileContext(java.net.URI.create(url), conf)
                .mkdir(
                        new org.apache.hadoop.fs.Path(runs.resolve("r1").uri()),
                        org.apache.hadoop.fs.permission.FsPermission.getDirDefault(),
                        false);
        assertThat(runs.resolve("r1").isDirectory()).isTrue();
        assertThatThrownBy(() -> at("/elsewhere").deleteTree(runs)).isInstanceOf(IllegalStateException.class);
        runs.resolve("r1").deleteTree(runs);
        assertThat(runs.list()).isEmpty();
        at("/x").createNew(new byte[0]);
        assertThatThrownBy(() -> at("/x").createNew(new byte[0])).isInstanceOf(java.io.IOException.class);
    }

    @Test
    void aReportDirectoryIsReplacedWhole() throws Exception {
        Path from = java.nio.file.Files.createDirectories(tmp.resolve("scratch"));
        java.nio.file.Files.writeString(from.resolve("REPORT.md"), "# run");
        StorePath root = at("/out/report");
        StorePath target = root.resolve("r1");
        target.resolve("stale.png").createNew(new byte[0]);
        target.replaceDirectoryWith(from, root);
        assertThat(target.list()).extracting(StorePath::name).containsExactly("REPORT.md");
        assertThat(root.list()).extracting(StorePath::name).containsExactly("r1");
    }

    @Test
    void aHeartbeatOnHdfsShowsALiveDriver() throws Exception {
        StorePath file = at("/out/runs/r2/driver.heartbeat");
        try (Heartbeat beat = Heartbeat.start(file)) {
            assertThat(Heartbeat.isFresh(file)).isTrue();
            Thread.sleep(Heartbeat.INTERVAL.toMillis() + 500); // a touch replaces the file on HDFS too
            assertThat(Heartbeat.age(file)).isLessThan(Heartbeat.INTERVAL.plusSeconds(1));
        }
    }
}
