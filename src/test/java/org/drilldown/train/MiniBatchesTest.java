package org.drilldown.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.drilldown.SharedSpark;
import org.drilldown.TestData;
import org.drilldown.augment.RandomRotation;
import org.drilldown.data.MnistFiles;
import org.drilldown.data.MnistFrames;
import org.drilldown.data.MnistSplit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

class MiniBatchesTest {

    @Test
    void rotatedBatchesAreTheSameWhateverThePartitioning() {
        SparkSession spark = SharedSpark.get();
        MnistSplit split = new MnistFiles(TestData.mnistDir()).test().limit(60);
        RandomRotation rotation = new RandomRotation(11, 3, 10.0);

        List<float[]> onePartition = images(MnistFrames.toFrame(spark, split, 1), rotation);
        List<float[]> threePartitions = images(MnistFrames.toFrame(spark, split, 3), rotation);

        assertThat(onePartition).hasSize(60);
        for (int i = 0; i < 60; i++) {
            assertThat(threePartitions.get(i)).as("image %d", i).containsExactly(onePartition.get(i));
        }
        List<float[]> unrotated = images(MnistFrames.toFrame(spark, split, 1), null);
        assertThat(Arrays.equals(unrotated.get(0), onePartition.get(0))).isFalse();
    }

    @Test
    void batchesAreNormalisedOneHotAndSizedAsAsked() {
        SparkSession spark = SharedSpark.get();
        MnistSplit split = new MnistFiles(TestData.mnistDir()).test().limit(70);
        List<DataSet> batches = MnistFrames.toFrame(spark, split, 1)
                .javaRDD()
                .mapPartitions(new MiniBatches(null, 0.1307, 0.3081, 32, 5L))
                .collect();

        assertThat(batches).extracting(DataSet::numExamples).containsExactly(32, 32, 6);
        DataSet first = batches.get(0);
        assertThat(first.getFeatures().shape()).containsExactly(32, 1, 28, 28);
        assertThat(first.getLabels().sum(1).toDoubleVector()).containsOnly(1.0);
        // Background pixels (0) map to -mean/std.
        assertThat(first.getFeatures().minNumber().doubleValue())
                .isCloseTo(-0.1307 / 0.3081, org.assertj.core.api.Assertions.within(1e-5));
    }

    @Test
    void theTrainEvalSampleSpreadsOverEveryPartition() {
        SparkSession spark = SharedSpark.get();
        MnistSplit split = new MnistFiles(TestData.mnistDir()).train().limit(1000);
        Dataset<Row> frame = MnistFrames.toFrame(spark, split, 2);

        List<Integer> perPartition = StepTrainer.trainEvalSample(frame, 1000, 200)
                .javaRDD()
                .mapPartitions(rows -> {
                    int n = 0;
                    for (; rows.hasNext(); rows.next()) {
                        n++;
                    }
                    return List.of(n).iterator();
                })
                .collect();
        assertThat(perPartition).as("images sampled per partition").containsExactly(100, 100);
        List<Long> ids = StepTrainer.trainEvalSample(frame, 1000, 200)
                .select("id")
                .as(org.apache.spark.sql.Encoders.LONG())
                .collectAsList();
        assertThat(ids).hasSize(200).contains(0L, 5L, 995L).doesNotContain(1L, 998L);
        assertThat(StepTrainer.trainEvalSample(frame, 1000, 0).count())
                .as("0 = all")
                .isEqualTo(1000);
        assertThat(StepTrainer.trainEvalSample(frame, 1000, 5000).count())
                .as("more than there are = all")
                .isEqualTo(1000);
    }

    /** One image per DataSet, in id order (no shuffle), as flat float arrays. */
    private static List<float[]> images(Dataset<Row> frame, RandomRotation rotation) {
        return frame.javaRDD()
                .mapPartitions(new MiniBatches(rotation, 0.0, 1.0, 1, null))
                .map(ds -> ds.getFeatures().data().asFloat())
                .collect();
    }
}
