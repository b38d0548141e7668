package org.drilldown.config;

import java.util.List;

/**
 * A per-epoch learning-rate schedule, applied to the step's {@code learning-rate}:
 * {@code constant}; {@code step} (multiplied by {@code gamma} every {@code stepEpochs}); or
 * {@code per-epoch} (multiplied by {@code factors[epoch - 1]}, the last factor holding for later epochs),
 * which expresses any shape, e.g. a one-cycle warm-up and anneal.
 */
public record LrSchedule(String type, int stepEpochs, double gamma, List<Double> factors) {

    public LrSchedule {
        factors = List.copyOf(factors);
        if (!type.equals("constant") && !type.equals("step") && !type.equals("per-epoch")) {
            throw new ConfigError("lr-schedule.type", type, "use \"constant\", \"step\" or \"per-epoch\"");
        }
        if (stepEpochs < 1) {
            throw new ConfigError("lr-schedule.step-epochs", stepEpochs, "must be at least 1");
        }
        if (!(gamma > 0 && gamma <= 1)) {
            throw new ConfigError("lr-schedule.gamma", gamma, "must be in (0, 1]");
        }
        if (type.equals("per-epoch") && factors.isEmpty()) {
            throw new ConfigError(
                    "lr-schedule.factors",
                    factors,
                    "type \"per-epoch\" needs one factor per epoch, e.g. [0.2, 1, 0.5, 0.1]");
        }
        for (double f : factors) {
            if (!(f > 0 && f <= 100)) {
                throw new ConfigError(
                        "lr-schedule.factors", factors, "every factor must be in (0, 100]; " + f + " is not");
            }
        }
    }

    /** Learning rate for a 1-based epoch. */
    public double rateAt(double base, int epoch) {
        return switch (type) {
            case "constant" -> base;
            case "per-epoch" -> base * factors.get(Math.min(epoch, factors.size()) - 1);
            default -> base * Math.pow(gamma, Math.floorDiv(epoch - 1, stepEpochs));
        };
    }
}
