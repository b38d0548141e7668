package org.drilldown.train;

import java.util.List;
import org.drilldown.config.StepSpec;
import org.drilldown.data.SplitStats;

/** Observes a run; the metric tables and the console progress are listeners. Every method has a no-op default. */
public interface TrainingListener {
    default void onRunStart(RunInfo run) {}

    default void onDataStats(RunInfo run, List<SplitStats> stats) {}

    default void onStepStart(RunInfo run, StepSpec step, long params) {}

    default void onEpochEnd(RunInfo run, EpochResult epoch) {}

    default void onStepEnd(RunInfo run, StepResult step) {}

    /** {@code failure} is null when the run succeeded. */
    default void onRunEnd(RunInfo run, Throwable failure) {}
}
