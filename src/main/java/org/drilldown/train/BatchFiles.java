package org.drilldown.train;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.datavec.spark.util.BroadcastHadoopConfigHolder;
import org.datavec.spark.util.SerializableHadoopConfig;
import org.deeplearning4j.core.loader.DataSetLoader;
import org.drilldown.config.BadInput;
import org.drilldown.storage.Store;
import org.drilldown.storage.StorePath;
import org.nd4j.common.loader.Source;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An epoch's minibatches as files for DL4J's {@code fitPaths}: the Export approach without DL4J's own export,
 * whose {@code DataSet.save}/{@code load} write and read every float on its own (8 s of a 44-second epoch,
 * docs/performance.md), and which DL4J refuses off local mode on a {@code file:} default filesystem. Each batch is
 * one bulk write: a header (magic, n, channels, rows, columns, classes), the features, then the one-hot labels,
 * little-endian floats. Local paths are written and read with java.nio; any other store (HDFS, S3) through Hadoop's
 * {@code FileSystem}, with the Hadoop configuration DL4J broadcasts for reading the files back.
 */
final class BatchFiles {
    private static final int MAGIC = 0x44424631; // "DBF1"
    private static final int HEADER_INTS = 6;

    private BatchFiles() {}

    /**
     * Writes every batch of {@code batches} under {@code dir}; returns the files' URIs. On a cluster the driver then
     * lists them: a path the executors wrote but the driver cannot see is not shared, and each worker would miss
     * the files other executors wrote.
     */
    static List<String> write(JavaSparkContext sc, JavaRDD<DataSet> batches, StorePath dir) throws IOException {
        boolean local = dir.store() == Store.LOCAL;
        String target = local ? dir.local().toString() : dir.uri();
        Broadcast<SerializableHadoopConfig> hadoop = local ? null : BroadcastHadoopConfigHolder.get(sc);
        List<String> paths = batches.mapPartitionsWithIndex(
                        (partition, it) -> local
                                ? writeLocal(target, partition, it)
                                : writeHadoop(target, hadoop.getValue().getConfiguration(), partition, it),
                        false)
                .collect();
        int seen = sc.isLocal() || paths.isEmpty() ? paths.size() : dir.list().size();
        if (seen != paths.size()) {
            throw new BadInput("the executors wrote " + paths.size() + " minibatch files to " + dir + " and the driver"
                    + " sees " + seen + ": drilldown.training.export-dir must be storage that the driver"
                    + " and every executor share (a shared mount, hdfs://, s3a://), or set drilldown.training.approach"
                    + " = direct");
        }
        return paths;
    }

    private static Iterator<String> writeLocal(String dir, int partition, Iterator<DataSet> batches)
            throws IOException {
        Path base = Files.createDirectories(Path.of(dir));
        List<String> paths = new ArrayList<>();
        for (int i = 0; batches.hasNext(); i++) {
            Path file = base.resolve(name(partition, i));
            Files.write(file, encode(batches.next()));
            paths.add(file.toUri().toString()); // file: URIs, which Hadoop reads locally whatever fs.defaultFS says
        }
        return paths.iterator();
    }

    private static Iterator<String> writeHadoop(
            String dir, Configuration conf, int partition, Iterator<DataSet> batches) throws IOException {
        org.apache.hadoop.fs.Path base = new org.apache.hadoop.fs.Path(dir);
        FileSystem fs = base.getFileSystem(conf);
        List<String> paths = new ArrayList<>();
        for (int i = 0; batches.hasNext(); i++) {
            org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(base, name(partition, i));
            try (FSDataOutputStream out = fs.create(file, true)) {
                out.write(encode(batches.next()));
            }
            paths.add(fs.makeQualified(file).toString());
        }
        return paths.iterator();
    }

    private static String name(int partition, int index) {
        return "part-" + partition + "-" + index + ".bin";
    }

    static byte[] encode(DataSet batch) {
        INDArray features = batch.getFeatures();
        INDArray labels = batch.getLabels();
        long[] shape = features.shape();
        float[] f = contiguous(features).data().asFloat();
        float[] l = contiguous(labels).data().asFloat();
        ByteBuffer buf =
                ByteBuffer.allocate(4 * (HEADER_INTS + f.length + l.length)).order(ByteOrder.LITTLE_ENDIAN);
        buf.putInt(MAGIC)
                .putInt((int) shape[0])
                .putInt((int) shape[1])
                .putInt((int) shape[2])
                .putInt((int) shape[3])
                .putInt((int) labels.size(1));
        buf.asFloatBuffer().put(f).put(l);
        return buf.array();
    }

    private static INDArray contiguous(INDArray a) {
        return a.isView() || a.ordering() != 'c' ? a.dup('c') : a; // MiniBatches makes plain 'c' arrays: no copy
    }

    static DataSet decode(byte[] bytes, String path) {
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 4 * HEADER_INTS || buf.getInt() != MAGIC) {
            throw new IllegalStateException("not a Drilldown batch file: " + path);
        }
        int n = buf.getInt();
        int c = buf.getInt();
        int h = buf.getInt();
        int w = buf.getInt();
        int classes = buf.getInt();
        long expected = 4L * (HEADER_INTS + (long) n * c * h * w + (long) n * classes);
        if (bytes.length != expected) {
            throw new IllegalStateException(
                    "truncated batch file " + path + ": " + bytes.length + " bytes, expected " + expected);
        }
        float[] f = new float[n * c * h * w];
        float[] l = new float[n * classes];
        buf.asFloatBuffer().get(f).get(l);
        return new DataSet(Nd4j.create(f, new long[] {n, c, h, w}, 'c'), Nd4j.create(l, new long[] {n, classes}, 'c'));
    }

    /** Reads the files {@link #write} made; DL4J opens each path on the worker that trains on it. */
    static final class Loader implements DataSetLoader {
        @Override
        public DataSet load(Source source) throws IOException {
            String path = source.getPath();
            if (path.startsWith("file:")) { // what writeLocal wrote, read without Hadoop's checksummed local FS
                return decode(Files.readAllBytes(Path.of(URI.create(path))), path);
            }
            try (InputStream in = source.getInputStream()) {
                return decode(in.readAllBytes(), source.getPath());
            }
        }
    }
}
