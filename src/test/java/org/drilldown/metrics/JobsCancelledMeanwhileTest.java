package org.drilldown.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.apache.spark.SparkContext;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.drilldown.SharedSpark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The shutdown hook's write, in process: a job holding every task slot until it is cancelled (as an epoch's
 * barrier stage does) is cancelled, and the write's own job runs and is not.
 */
class JobsCancelledMeanwhileTest {
    private final SparkContext sc = SharedSpark.get().sparkContext();
    private final JavaSparkContext jsc = JavaSparkContext.fromSparkContext(sc);

    @Test
    @Timeout(60) // without the cancelling, the work would wait for a slot forever
    void theWorkRunsWhileAJobHoldingEverySlotIsCancelled() throws Exception {
        int slots = sc.defaultParallelism();
        CompletableFuture<Long> holder = CompletableFuture.supplyAsync(
                () -> jsc.parallelize(IntStream.range(0, slots).boxed().toList(), slots)
                        .map(i -> {
                            while (!TaskContext.get().isInterrupted()) { // until Spark kills the task
                                Thread.sleep(20);
                            }
                            return i;
                        })
                        .count());
        for (int i = 0; i < 500 && sc.statusTracker().getActiveJobIds().length == 0; i++) {
            Thread.sleep(20);
        }
        assertThat(sc.statusTracker().getActiveJobIds())
                .as("the holding job started")
                .isNotEmpty();

        AtomicLong counted = new AtomicLong();
        JobsCancelledMeanwhile.run(
                sc, () -> counted.set(jsc.parallelize(List.of(1, 2, 3), 1).count()));

        assertThat(counted).hasValue(3);
        assertThatThrownBy(holder::join).hasMessageContaining("cancelled");
    }
}
