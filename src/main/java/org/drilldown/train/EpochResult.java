package org.drilldown.train;

/** One finished epoch of one step. Accuracies in percent; seconds of training only (evaluation excluded). */
public record EpochResult(
        String step,
        int epoch,
        int epochs,
        double learningRate,
        Score train,
        Score test,
        double epochSeconds,
        long trainImages,
        double evalSeconds) {

    public double trainImagesPerSecond() {
        return epochSeconds > 0 ? trainImages / epochSeconds : 0;
    }
}
