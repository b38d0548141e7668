package org.drilldown.data;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Turns a split read on the driver into a DataFrame of {@link #SCHEMA}, spread over Spark partitions. */
public final class MnistFrames {
    /** id: the example's index in its IDX file; pixels: 784 unsigned bytes, row-major 28x28. */
    public static final StructType SCHEMA = new StructType()
            .add("id", DataTypes.LongType, false)
            .add("label", DataTypes.IntegerType, false)
            .add("pixels", DataTypes.BinaryType, false);

    private MnistFrames() {}

    public static Dataset<Row> toFrame(SparkSession spark, MnistSplit split, int partitions) {
        List<Row> rows = new ArrayList<>(split.size());
        for (int i = 0; i < split.size(); i++) {
            rows.add(RowFactory.create((long) i, (int) split.labels()[i], split.images()[i]));
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        return spark.createDataFrame(jsc.parallelize(rows, partitions), SCHEMA);
    }
}
