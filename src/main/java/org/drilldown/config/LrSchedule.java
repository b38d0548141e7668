package org.drilldown.config;

/** A per-epoch learning-rate schedule: constant, or multiplied by {@code gamma} every {@code stepEpochs}. */
public record LrSchedule(String type, int stepEpochs, double gamma) {

    public LrSchedule {
        if (!type.equals("constant") && !type.equals("step")) {
            throw new ConfigError("lr-schedule.type", type, "use \"constant\" or \"step\"");
        }
        if (stepEpochs < 1) {
            throw new ConfigError("lr-schedule.step-epochs", stepEpochs, "must be at least 1");
        }
        if (!(gamma > 0 && gamma <= 1)) {
            throw new ConfigError("lr-schedule.gamma", gamma, "must be in (0, 1]");
        }
    }

    /** Learning rate for a 1-based epoch. */
    public double rateAt(double base, int epoch) {
        if (type.equals("constant")) {
            return base;
        }
        return base * Math.pow(gamma, (epoch - 1) / stepEpochs);
    }
}
