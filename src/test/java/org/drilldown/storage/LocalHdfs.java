package org.drilldown.storage;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/**
 * A real single-node HDFS (one NameNode, one DataNode) on 127.0.0.1, in this JVM, for scripts/local-hdfs.sh:
 * {@code LocalHdfs DIR PORT} keeps its blocks under DIR, writes {@code hdfs://127.0.0.1:PORT} to DIR/hdfs.url once
 * it serves (PORT 0: a free one), and runs until killed. Its own getURI() says localhost, so the URL is built from
 * the address and port.
 */
public final class LocalHdfs {
    private LocalHdfs() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        Configuration conf = new Configuration();
        conf.set("dfs.namenode.rpc-bind-host", "127.0.0.1");
        conf.set("dfs.datanode.address", "127.0.0.1:0");
        conf.set("dfs.datanode.http.address", "127.0.0.1:0");
        conf.set("dfs.datanode.ipc.address", "127.0.0.1:0");
        conf.setBoolean("dfs.permissions.enabled", false); // the cluster's executors write as whoever runs them
        MiniDFSCluster cluster = new MiniDFSCluster.Builder(
                        conf, new File(dir.resolve("data").toString()))
                .nameNodePort(port)
                .nameNodeHttpPort(0)
                .numDataNodes(1)
                .format(true)
                .build();
        cluster.waitActive();
        String url = "hdfs://127.0.0.1:" + cluster.getNameNodePort();
        Runtime.getRuntime().addShutdownHook(new Thread(cluster::shutdown, "local-hdfs-shutdown"));
        Path tmp = dir.resolve("hdfs.url.tmp");
        Files.writeString(tmp, url + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, dir.resolve("hdfs.url"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        System.out.println("serving " + url);
        Thread.currentThread().join(); // until killed
    }
}
