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
 * ones. It splits a minibatch only where K divides it and each worker keeps {@code minWorkerBatch} images: a
 * smaller share costs more time than the exactness is worth (step 4's 32 split in two trained at about half
 * {@code linear}'s speed and no more accurately, docs/drilldown.md). A step it does not split trains as
 * {@code linear} does, and the console and the report say which. One worker always trains the configured
 * recipe, under every rule.
 */
public record LrScaling(String rule, int warmupEpochs, int minWorkerBatch) {

    public static final String KEEP_BATCH = "keep-batch";
    private static final List<String> RULES = List.of("none", "linear", "sqrt", KEEP_BATCH);

    /** A warm-up longer than any step is a typo: the exercise trains 15 epochs. */
    public static final int MAX_WARMUP_EPOCHS = StepSpec.MAX_EPOCHS;

    /** The largest min-worker-batch accepted: a bound against typos, well above any batch that fits a worker. */
    public static final int MAX_MIN_WORKER_BATCH = 1 << 16;

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
        if (minWorkerBatch < 1 || minWorkerBatch > MAX_MIN_WORKER_BATCH) {
            throw new ConfigError(
                    "drilldown.training.lr-scaling.min-worker-batch",
                    minWorkerBatch,
                    "must be in 1.." + MAX_MIN_WORKER_BATCH + " (images a worker keeps of a split minibatch)");
        }
    }

    /**
     * Whether {@code workers} workers split each minibatch of {@code batch} among them: under {@code keep-batch},
     * where they divide it and each keeps at least {@link #minWorkerBatch} images.
     */
    public boolean splits(int batch, int workers) {
        return sharesKeepMinimum(batch, workers) && batch % workers == 0;
    }

    private boolean sharesKeepMinimum(int batch, int workers) {
        return rule.equals(KEEP_BATCH) && workers > 1 && batch / workers >= minWorkerBatch;
    }

    /**
     * The rate multiplier for {@code workers} workers on minibatches of {@code batch} once any warm-up is over;
     * {@code keep-batch} multiplies as {@code linear} where it does not split the minibatch.
     */
    public double multiplier(int batch, int workers) {
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1, got " + workers);
        }
        return switch (rule) {
            case "linear" -> workers;
            case "sqrt" -> Math.sqrt(workers);
            case KEEP_BATCH -> splits(batch, workers) ? 1 : workers;
            default -> 1;
        };
    }

    /**
     * The minibatch each of {@code workers} workers fits for a step configured with {@code batch}: its 1/K share
     * where {@code keep-batch} splits it, else the whole of it.
     */
    public int workerBatch(int batch, int workers) {
        return splits(batch, workers) ? batch / workers : batch;
    }

    /**
     * The workers a job uses when none are configured, given Spark's {@code parallelism}: all of them, or under
     * {@code keep-batch} the most (at most {@code parallelism}) that divide every minibatch they split, so that a
     * default run on a machine with, say, 3 cores splits steps 1-3's 128 between 2 workers rather than training
     * them as linear on 3.
     */
    public int defaultWorkers(int parallelism, Collection<Integer> batchSizes) {
        for (int k = parallelism; k > 1; k--) {
            int workers = k;
            if (batchSizes.stream().allMatch(b -> !sharesKeepMinimum(b, workers) || b % workers == 0)) {
                return workers;
            }
        }
        return 1;
    }

    /**
     * Minibatches each worker fits between averaging rounds on minibatches of {@code batch}: after every one
     * where {@code keep-batch} splits them (a lone worker has nothing to average with, so it keeps the
     * configured rounds, which cost less).
     */
    public int averagingFrequency(int configured, int batch, int workers) {
        return splits(batch, workers) ? 1 : configured;
    }

    /**
     * The rate each worker uses in a 1-based epoch: the step's scheduled rate times the multiplier, which
     * during a warm-up of W epochs rises linearly from 1 in epoch 1 to the full multiplier in epoch W + 1.
     */
    public double rateAt(StepSpec step, int workers, int epoch) {
        double full = multiplier(step.batchSize(), workers);
        double m = epoch <= warmupEpochs ? 1 + (full - 1) * (epoch - 1) / warmupEpochs : full;
        return step.learningRateAt(epoch) * m;
    }

    /**
     * For the report and the console, on minibatches of {@code batch}: "none", "linear: × 2 for 2 workers",
     * "sqrt: × 1.41 for 2 workers, warm-up 2 epochs", "keep-batch: each of 2 workers fits 1/2 of every
     * minibatch, averaging after each", or where keep-batch does not split "keep-batch: 16 images a worker is
     * below min-worker-batch 32, so linear: × 2 for 2 workers", "keep-batch: 3 workers do not divide 128, so
     * linear: × 3 for 3 workers".
     */
    public String describe(int batch, int workers) {
        if (rule.equals("none")) {
            return "none";
        }
        if (rule.equals(KEEP_BATCH)) {
            if (workers == 1) {
                return KEEP_BATCH + ": 1 worker fits every minibatch whole";
            }
            if (splits(batch, workers)) {
                return KEEP_BATCH + ": each of " + workers + " workers fits 1/" + workers
                        + " of every minibatch, averaging after each";
            }
            String why = sharesKeepMinimum(batch, workers)
                    ? workers + " workers do not divide " + batch
                    : batch / workers + " images a worker is below min-worker-batch " + minWorkerBatch;
            return KEEP_BATCH + ": " + why + ", so " + scaled("linear", workers);
        }
        return scaled(rule, workers);
    }

    private String scaled(String name, int workers) {
        double m = name.equals("sqrt") ? Math.sqrt(workers) : workers;
        String times = m == Math.rint(m) ? String.valueOf((long) m) : String.format(Locale.ROOT, "%.2f", m);
        String text = name + ": × " + times + " for " + workers + (workers == 1 ? " worker" : " workers");
        return warmupEpochs > 0 ? text + ", warm-up " + warmupEpochs + " epochs" : text;
    }
}
