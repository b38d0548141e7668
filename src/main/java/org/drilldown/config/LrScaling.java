package org.drilldown.config;

import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * How a step's configured learning rate, written for one process (the seed's recipe), becomes the rate that
 * K parameter-averaging workers use. K workers that each fit a minibatch and average every round move the
 * model about as far as one process fitting one minibatch: per image seen, they progress like one process on
 * a K-times larger batch at the same rate, about 1/K as far. {@code linear} multiplies the rate by K (the
 * linear scaling rule for K-times larger batches), {@code sqrt} by the square root of K, {@code none} keeps
 * it. An optional warm-up ramps the multiplier from 1 to its full value over the first epochs.
 *
 * <p>{@code keep-batch} keeps the recipe itself rather than compensating for a larger batch: each of K workers
 * fits 1/K of every configured minibatch at the configured rate, and the workers average after every
 * minibatch. For SGD with momentum that is the configured step exactly: the mean of K parameter and momentum
 * updates from the K partial gradients is the update from their mean, the whole minibatch's gradient
 * ({@code KeepBatchEquivalenceTest}). BatchNorm's batch statistics and dropout's masks are the per-worker
 * ones. One worker always trains the configured recipe, under every rule.
 */
public record LrScaling(String rule, int warmupEpochs) {

    public static final String KEEP_BATCH = "keep-batch";
    private static final List<String> RULES = List.of("none", "linear", "sqrt", KEEP_BATCH);

    /** A warm-up longer than any step is a typo: the exercise trains 15 epochs. */
    public static final int MAX_WARMUP_EPOCHS = StepSpec.MAX_EPOCHS;

    public LrScaling {
        if (!RULES.contains(rule)) {
            throw new ConfigError(
                    "drilldown.training.lr-scaling.rule", rule, "use \"none\", \"linear\", \"sqrt\" or \"keep-batch\"");
        }
        if (warmupEpochs < 0 || warmupEpochs > MAX_WARMUP_EPOCHS) {
            throw new ConfigError(
                    "drilldown.training.lr-scaling.warmup-epochs",
                    warmupEpochs,
                    "must be in 0.." + MAX_WARMUP_EPOCHS + " (0 = no warm-up)");
        }
    }

    /** The rate multiplier for {@code workers} workers once any warm-up is over. */
    public double multiplier(int workers) {
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1, got " + workers);
        }
        return switch (rule) {
            case "linear" -> workers;
            case "sqrt" -> Math.sqrt(workers);
            default -> 1;
        };
    }

    /**
     * The minibatch each of {@code workers} workers fits for a step configured with {@code batch}: the whole
     * of it, or under {@code keep-batch} its 1/K share, which needs K to divide it.
     */
    public int workerBatch(int batch, int workers) {
        if (!rule.equals(KEEP_BATCH)) {
            return batch;
        }
        if (workers < 1 || batch % workers != 0) {
            throw new BadInput(String.format(
                    Locale.ROOT,
                    "drilldown.training.lr-scaling.rule = %s splits every minibatch of %d among the workers, and %d"
                            + " workers do not divide it; use a worker count that divides the batch size, or another rule",
                    KEEP_BATCH,
                    batch,
                    workers));
        }
        return batch / workers;
    }

    /**
     * The workers a job uses when none are configured, given Spark's {@code parallelism}: all of them, or under
     * {@code keep-batch} the most (at most {@code parallelism}) that divide every step's batch, so that a default
     * run on a machine with, say, 6 cores trains 4 workers rather than stopping at its first step.
     */
    public int defaultWorkers(int parallelism, Collection<Integer> batchSizes) {
        if (!rule.equals(KEEP_BATCH)) {
            return Math.max(1, parallelism);
        }
        for (int k = parallelism; k > 1; k--) {
            int workers = k;
            if (batchSizes.stream().allMatch(b -> b % workers == 0)) {
                return workers;
            }
        }
        return 1;
    }

    /**
     * Minibatches each worker fits between averaging rounds: {@code keep-batch} averages after every one (a lone
     * worker has nothing to average with, so it keeps the configured rounds, which cost less).
     */
    public int averagingFrequency(int configured, int workers) {
        return rule.equals(KEEP_BATCH) && workers > 1 ? 1 : configured;
    }

    /**
     * The rate each worker uses in a 1-based epoch: the step's scheduled rate times the multiplier, which
     * during a warm-up of W epochs rises linearly from 1 in epoch 1 to the full multiplier in epoch W + 1.
     */
    public double rateAt(StepSpec step, int workers, int epoch) {
        double full = multiplier(workers);
        double m = epoch <= warmupEpochs ? 1 + (full - 1) * (epoch - 1) / warmupEpochs : full;
        return step.learningRateAt(epoch) * m;
    }

    /**
     * For the report and the console: "none", "linear: × 2 for 2 workers", "sqrt: × 1.41 for 2 workers, warm-up 2
     * epochs", "keep-batch: each of 2 workers fits 1/2 of every minibatch, averaging after each".
     */
    public String describe(int workers) {
        if (rule.equals("none")) {
            return "none";
        }
        if (rule.equals(KEEP_BATCH)) {
            return workers == 1
                    ? KEEP_BATCH + ": 1 worker fits every minibatch whole"
                    : KEEP_BATCH + ": each of " + workers + " workers fits 1/" + workers
                            + " of every minibatch, averaging after each";
        }
        double m = multiplier(workers);
        String times = m == Math.rint(m) ? String.valueOf((long) m) : String.format(Locale.ROOT, "%.2f", m);
        String text = rule + ": × " + times + " for " + workers + (workers == 1 ? " worker" : " workers");
        return warmupEpochs > 0 ? text + ", warm-up " + warmupEpochs + " epochs" : text;
    }
}
