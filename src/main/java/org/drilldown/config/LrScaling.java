package org.drilldown.config;

import java.util.Locale;

/**
 * How a step's configured learning rate, written for one process (the seed's recipe), becomes the rate that
 * K parameter-averaging workers use. K workers that each fit a minibatch and average every round move the
 * model about as far as one process fitting one minibatch: per image seen, they progress like one process on
 * a K-times larger batch at the same rate, about 1/K as far. {@code linear} multiplies the rate by K (the
 * linear scaling rule for K-times larger batches), {@code sqrt} by the square root of K, {@code none} keeps
 * it. An optional warm-up ramps the multiplier from 1 to its full value over the first epochs. One worker
 * always trains at the configured rate.
 */
public record LrScaling(String rule, int warmupEpochs) {

    /** A warm-up longer than any step is a typo: the exercise trains 15 epochs. */
    public static final int MAX_WARMUP_EPOCHS = StepSpec.MAX_EPOCHS;

    public LrScaling {
        if (!rule.equals("none") && !rule.equals("linear") && !rule.equals("sqrt")) {
            throw new ConfigError("drilldown.training.lr-scaling.rule", rule, "use \"none\", \"linear\" or \"sqrt\"");
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
     * The rate each worker uses in a 1-based epoch: the step's scheduled rate times the multiplier, which
     * during a warm-up of W epochs rises linearly from 1 in epoch 1 to the full multiplier in epoch W + 1.
     */
    public double rateAt(StepSpec step, int workers, int epoch) {
        double full = multiplier(workers);
        double m = epoch <= warmupEpochs ? 1 + (full - 1) * (epoch - 1) / warmupEpochs : full;
        return step.learningRateAt(epoch) * m;
    }

    /** For the report and the console: "none", "linear: × 2 for 2 workers", "sqrt: × 1.41 for 2 workers, warm-up 2 epochs". */
    public String describe(int workers) {
        if (rule.equals("none")) {
            return "none";
        }
        double m = multiplier(workers);
        String times = m == Math.rint(m) ? String.valueOf((long) m) : String.format(Locale.ROOT, "%.2f", m);
        String text = rule + ": × " + times + " for " + workers + (workers == 1 ? " worker" : " workers");
        return warmupEpochs > 0 ? text + ", warm-up " + warmupEpochs + " epochs" : text;
    }
}
