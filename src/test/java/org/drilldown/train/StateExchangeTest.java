package org.drilldown.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.drilldown.SharedSpark;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import scala.collection.Iterator;
import scala.collection.JavaConverters;
import scala.runtime.AbstractFunction1;

/**
 * The two ways a barrier stage's workers hand each other their states give every worker the same states, with the
 * same bits, in partition order; a worker that fitted nothing counts in no round; the in-memory exchange leaves
 * nothing behind once the stage is over. Two tasks in local mode, three rounds of seeded states.
 */
class StateExchangeTest {
    private static final int ROUNDS = 3;

    @Test
    void inMemoryAndOverTheWireEveryWorkerGetsTheSameStatesToTheBit() {
        List<String> inMemory = stage(InMemoryExchange::new);
        List<String> wire = stage(WireExchange::new);
        List<String> chosen = stage(StateExchange::choose);

        List<String> expected = new ArrayList<>();
        for (int r = 0; r < ROUNDS; r++) {
            StringBuilder round = new StringBuilder();
            for (int p = 0; p < 2; p++) {
                WorkerState s = state(r, p);
                if (s != null) {
                    round.append(describe(s));
                }
            }
            expected.add(round.toString());
        }
        // Each task lists its rounds: task 0's first, then task 1's, which must read the same.
        List<String> twice = new ArrayList<>(expected);
        twice.addAll(expected);
        assertThat(inMemory).containsExactlyElementsOf(twice);
        assertThat(wire).containsExactlyElementsOf(twice);
        assertThat(chosen).containsExactlyElementsOf(twice);
        assertThat(expected.get(0)).as("worker 1 fitted nothing in round 1").startsWith("1x5:");
        assertThat(InMemoryExchange.held()).isZero();
    }

    @Test
    void withTasksInOneJvmTheWorkersChooseTheInMemoryExchange() {
        assertThat(run(ctx -> {
                    StateExchange chosen = StateExchange.choose(ctx);
                    chosen.close();
                    return List.of(chosen.getClass().getSimpleName());
                }))
                .containsExactly("InMemoryExchange", "InMemoryExchange");
    }

    /** A worker's state in a round; worker 1 fits nothing in round 0. */
    private static WorkerState state(int round, int partition) {
        if (round == 0 && partition == 1) {
            return null;
        }
        java.util.Random random = new java.util.Random(31L * round + partition);
        float[] values = new float[5];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextFloat();
        }
        INDArray params = Nd4j.createFromArray(values).reshape(1, 5);
        return new WorkerState(params, partition == 0 ? null : params.mul(3), round + partition / 10.0);
    }

    private static String describe(WorkerState s) {
        float[] v = s.params().toFloatVector();
        int[] bits = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            bits[i] = Float.floatToRawIntBits(v[i]);
        }
        return "1x5:" + Arrays.toString(bits) + (s.updater() == null ? "-" : "u") + s.score() + ";";
    }

    /** Every task's rounds through its exchange: per round, the states it got. */
    private static List<String> stage(Exchanges exchanges) {
        return run(ctx -> {
            StateExchange exchange = exchanges.apply(ctx);
            List<String> out = new ArrayList<>();
            for (int r = 0; r < ROUNDS; r++) {
                StringBuilder round = new StringBuilder();
                exchange.gather(r, state(r, ctx.partitionId())).forEach(s -> round.append(describe(s)));
                out.add(round.toString());
            }
            exchange.close();
            return out;
        });
    }

    /** What two barrier tasks return, task 0's first. */
    private static List<String> run(Body body) {
        JavaSparkContext sc =
                JavaSparkContext.fromSparkContext(SharedSpark.get().sparkContext());
        return sc.parallelize(List.of(0, 1), 2)
                .rdd()
                .barrier()
                .mapPartitions(new Task(body), false, scala.reflect.ClassTag$.MODULE$.apply(String.class))
                .toJavaRDD()
                .collect();
    }

    /** Makes a task's exchange. */
    private interface Exchanges extends Function<BarrierTaskContext, StateExchange>, Serializable {}

    /** What a task does. */
    private interface Body extends Function<BarrierTaskContext, List<String>>, Serializable {}

    private static final class Task extends AbstractFunction1<Iterator<Integer>, Iterator<String>>
            implements Serializable {
        private static final long serialVersionUID = 1L;
        private final Body body;

        Task(Body body) {
            this.body = body;
        }

        @Override
        public Iterator<String> apply(Iterator<Integer> ignored) {
            return JavaConverters.asScalaIterator(
                    body.apply(BarrierTaskContext.get()).iterator());
        }
    }
}
