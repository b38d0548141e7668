package org.drilldown.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.sql.SparkSession;
import org.drilldown.SharedSpark;
import org.drilldown.config.ConfigLoader;
import org.drilldown.metrics.MetricsLocation;
import org.drilldown.metrics.MetricsReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ladder's bookkeeping with a stand-in for training (each configuration scores 90 + its number on validation),
 * the trials table written and read back as Parquet: a failed trial is recorded and the sweep goes on; a sweep
 * killed mid-rung resumes training only what it had not recorded.
 */
class SuccessiveHalvingTest {
    @TempDir
    Path out;

    private final SparkSession spark = SharedSpark.get();
    private final String base =
            ConfigLoader.load(null, Map.of("drilldown.run-steps", List.of("4"))).resolvedJson();
    private final SweepPlan plan = new SweepPlan("k1", "4", 4, 1, 2, 2, 1, 1);

    /** Stands in for the job: records each call; c01 fails; {@code killAt} (trial:epochs) throws as a kill would. */
    private static final class Stand implements TrialTraining {
        final List<String> calls = new CopyOnWriteArrayList<>();
        final String killAt;

        Stand(String killAt) {
            this.killAt = killAt;
        }

        @Override
        public TrialResult train(Trial trial, int epochs, boolean last) {
            String call = trial.id() + ":" + epochs + ":" + last;
            if (call.startsWith(killAt)) {
                throw new IllegalStateException("killed");
            }
            calls.add(call);
            if (trial.configId() == 1) {
                return TrialResult.failed(0, "java.lang.IllegalStateException: boom");
            }
            double val = 90 + trial.configId() + epochs / 10.0;
            return new TrialResult(epochs, val, val, null);
        }
    }

    private List<Trial> trials() throws Exception {
        Path space = Files.writeString(out.resolve("s.conf"), "sweep.space.learning-rate { range = [0.01, 0.1] }");
        return plan.trials(SearchSpace.load(space), base, "s.conf");
    }

    private List<SuccessiveHalving.Ranked> sweep(Stand training) throws Exception {
        MetricsLocation location = new MetricsLocation(out);
        return new SuccessiveHalving(
                        plan,
                        trials(),
                        training,
                        new TrialsTable(spark, location, base),
                        TrialsTable.history(spark, location, "k1"),
                        line -> {})
                .run();
    }

    private List<String> latest() {
        MetricsReader.registerViews(spark, new MetricsLocation(out));
        return spark
                .sql("select trial_id, status, rung, epochs_trained from trials order by trial_id")
                .collectAsList()
                .stream()
                .map(r -> r.mkString(","))
                .toList();
    }

    @Test
    void aFailedTrialIsRecordedAndTheSweepGoesOn() throws Exception {
        Stand training = new Stand("none");
        List<SuccessiveHalving.Ranked> ranking = sweep(training);

        assertThat(ranking).extracting(SuccessiveHalving.Ranked::configId).containsExactly(3, 2);
        assertThat(latest())
                .containsExactly(
                        "c00-s0,pruned,0,1", "c01-s0,failed,0,0", "c02-s0,finished,1,2", "c03-s0,finished,1,2");
        assertThat(spark.sql("select decision from trials where trial_id = 'c01-s0'")
                        .first()
                        .getString(0))
                .isEqualTo("java.lang.IllegalStateException: boom");
        // The pruned trial's run is closed where it stopped (1 epoch), as the last call of its run.
        assertThat(training.calls).contains("c00-s0:1:true");
    }

    @Test
    void aKilledSweepResumesWithoutRedoingWhatItRecorded() throws Exception {
        assertThatThrownBy(() -> sweep(new Stand("c03-s0:2"))).hasMessageContaining("killed");
        assertThat(latest()).contains("c02-s0,running,1,2", "c03-s0,running,1,1");

        Stand resumed = new Stand("none");
        sweep(resumed);
        assertThat(resumed.calls).containsExactly("c03-s0:2:true");
        assertThat(latest())
                .containsExactly(
                        "c00-s0,pruned,0,1", "c01-s0,failed,0,0", "c02-s0,finished,1,2", "c03-s0,finished,1,2");
    }

    @Test
    void theLadderHalvesConfigurationsAndDoublesEpochs() {
        assertThat(plan.rungEpochs()).containsExactly(1, 2);
        assertThat(new SweepPlan("x", "4", 27, 1, 15, 3, 1, 1).rungEpochs()).containsExactly(2, 5, 15);
        assertThat(new SweepPlan("x", "4", 24, 1, 15, 2, 1, 1).rungEpochs()).containsExactly(2, 4, 8, 15);
        assertThat(new SweepPlan("x", "4", 1, 1, 15, 3, 1, 1).rungEpochs()).containsExactly(15);
        assertThat(plan.promoted(4)).isEqualTo(2);
        assertThat(plan.promoted(1)).isEqualTo(1);
    }
}
