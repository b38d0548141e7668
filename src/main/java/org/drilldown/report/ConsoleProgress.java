package org.drilldown.report;

import java.time.Duration;
import java.util.List;
import org.drilldown.config.LrScaling;
import org.drilldown.config.StepSpec;
import org.drilldown.data.SplitStats;
import org.drilldown.train.EpochResult;
import org.drilldown.train.RunInfo;
import org.drilldown.train.StepResult;
import org.drilldown.train.TrainingListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Listener that logs one line per step and epoch, with images/s and the step's ETA. */
public final class ConsoleProgress implements TrainingListener {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleProgress.class);
    private final LrScaling lrScaling;
    private double stepSeconds;
    // Epochs this process trained of the current step: a resumed step starts past epoch 1, and its ETA must
    // average over the epochs timed here, not over the step's epoch number.
    private int stepEpochs;

    /** {@code lrScaling}: how the workers' rate follows from the configured one, to say both at a step's start. */
    public ConsoleProgress(LrScaling lrScaling) {
        this.lrScaling = lrScaling;
    }

    @Override
    public void onRunStart(RunInfo run) {
        LOG.info(
                "run {}: seed {}, master {}, {} parameter-averaging workers",
                run.runId(),
                run.seed(),
                run.sparkMaster(),
                run.workers());
    }

    @Override
    public void onDataStats(RunInfo run, List<SplitStats> stats) {
        for (SplitStats s : stats) {
            LOG.info(
                    "data {}: {} images, pixel mean {} std {}",
                    s.split(),
                    s.count(),
                    String.format("%.4f", s.mean()),
                    String.format("%.4f", s.std()));
        }
    }

    @Override
    public void onStepStart(RunInfo run, StepSpec step, long params) {
        stepSeconds = 0;
        stepEpochs = 0;
        LOG.info(
                "step {} ({}): {} params, {} epochs, batch {}, lr {} ({} configured, {})",
                step.key(),
                step.name(),
                params,
                step.epochs(),
                batch(step.batchSize(), lrScaling.workerBatch(step.batchSize(), run.workers())),
                step.learningRate() * lrScaling.multiplier(step.batchSize(), run.workers()),
                step.learningRate(),
                lrScaling.describe(step.batchSize(), run.workers()));
    }

    /** "128", or "128 (64 a worker)" where each worker fits a share of the minibatch (lr-scaling keep-batch). */
    static String batch(int configured, int perWorker) {
        return perWorker == configured ? String.valueOf(configured) : configured + " (" + perWorker + " a worker)";
    }

    @Override
    public void onEpochEnd(RunInfo run, EpochResult e) {
        LOG.info(epochLine(e));
    }

    /** The epoch's line; adds the epoch to the step's timing, so call it once per epoch. */
    String epochLine(EpochResult e) {
        stepSeconds += e.epochSeconds() + e.evalSeconds();
        stepEpochs++;
        long eta = Math.round(stepSeconds / stepEpochs * (e.epochs() - e.epoch()));
        String validation = e.validation().count() == 0
                ? ""
                : String.format(
                        ", validation loss %.4f acc %.2f%%",
                        e.validation().loss(), e.validation().accuracy());
        return String.format(
                "step %s epoch %d/%d: train loss %s acc %s%%%s, test loss %s acc %s%%, %d img/s, ETA %s",
                e.step(),
                e.epoch(),
                e.epochs(),
                String.format("%.4f", e.train().loss()),
                String.format("%.2f", e.train().accuracy()),
                validation,
                String.format("%.4f", e.test().loss()),
                String.format("%.2f", e.test().accuracy()),
                Math.round(e.trainImagesPerSecond()),
                format(Duration.ofSeconds(eta)));
    }

    @Override
    public void onStepEnd(RunInfo run, StepResult s) {
        LOG.info(
                "step {} done: best train {}%, best test {}%",
                s.spec().key(),
                String.format("%.2f", s.bestTrainAccuracy()),
                String.format("%.2f", s.bestTestAccuracy()));
    }

    @Override
    public void onRunEnd(RunInfo run, Throwable failure) {
        if (failure == null) {
            LOG.info("run {} succeeded", run.runId());
        } else {
            LOG.error("run {} failed: {}", run.runId(), failure.toString());
        }
    }

    private static String format(Duration d) {
        return d.toHours() > 0
                ? String.format("%dh%02dm", d.toHours(), d.toMinutesPart())
                : String.format("%dm%02ds", d.toMinutes(), d.toSecondsPart());
    }
}
