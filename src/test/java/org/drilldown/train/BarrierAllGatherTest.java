package org.drilldown.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.drilldown.SharedSpark;
import org.junit.jupiter.api.Test;

/**
 * Canary for {@link BarrierWorker#allGather} (docs/dl4j-couplings.md): Spark 3.5 waits for every allGather reply in
 * a loop of one-second sleeps, which the worker cuts short by interrupting its own thread. Twenty rounds between two
 * tasks must then take far less than Spark's twenty seconds, hand every task every message in partition order, and
 * leave no interrupt behind. (Without the nudge, the same twenty rounds took 20 s.)
 */
class BarrierAllGatherTest {
    private static final int ROUNDS = 20;

    @Test
    void twentyRoundsTakeFarLessThanSparksSecondEachAndLeaveNoInterrupt() {
        JavaSparkContext sc =
                JavaSparkContext.fromSparkContext(SharedSpark.get().sparkContext());
        long start = System.nanoTime();
        List<String> seen = sc.parallelize(List.of(0, 1), 2)
                .rdd()
                .barrier()
                .mapPartitions(new Rounds(), false, scala.reflect.ClassTag$.MODULE$.apply(String.class))
                .toJavaRDD()
                .collect();
        double seconds = (System.nanoTime() - start) / 1e9;

        assertThat(seen).hasSize(2 * ROUNDS);
        for (int r = 0; r < ROUNDS; r++) {
            // Each task records what it got in round r: both tasks' messages, partition 0 first.
            assertThat(seen.get(r)).isEqualTo("0:" + r + "|1:" + r + " interrupted=false");
            assertThat(seen.get(ROUNDS + r)).isEqualTo(seen.get(r));
        }
        assertThat(seconds).as("seconds for %d rounds", ROUNDS).isLessThan(ROUNDS / 4.0);
    }

    /** A task that runs ROUNDS allGathers and reports each result and whether its thread was left interrupted. */
    private static final class Rounds
            extends scala.runtime.AbstractFunction1<
                    scala.collection.Iterator<Integer>, scala.collection.Iterator<String>>
            implements java.io.Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public scala.collection.Iterator<String> apply(scala.collection.Iterator<Integer> ignored) {
            BarrierTaskContext ctx = BarrierTaskContext.get();
            List<String> out = new ArrayList<>();
            for (int r = 0; r < ROUNDS; r++) {
                String[] all = BarrierWorker.allGather(ctx, ctx.partitionId() + ":" + r);
                out.add(String.join("|", all) + " interrupted="
                        + Thread.currentThread().isInterrupted());
            }
            return scala.collection.JavaConverters.asScalaIterator(out.iterator());
        }
    }
}
