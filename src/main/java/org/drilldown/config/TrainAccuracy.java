package org.drilldown.config;

/** Where an epoch's train loss and accuracy come from ({@code drilldown.training.train-accuracy}). */
public enum TrainAccuracy {
    /**
     * The minibatches as the workers fitted them: rotated, dropout on, weights moving through the epoch. What
     * the seed's notebook and the PyTorch yardstick report, and free: the training forward pass computes it.
     */
    FITTED_BATCHES("fitted-batches"),
    /** A separate pass after the epoch, dropout off, over {@code train-eval-images} of that epoch's rotated images. */
    AFTER_EPOCH("after-epoch");

    private final String configName;

    TrainAccuracy(String configName) {
        this.configName = configName;
    }

    static TrainAccuracy parse(String key, String value) {
        return ConfigChoice.parse(key, value, values(), v -> v.configName);
    }
}
