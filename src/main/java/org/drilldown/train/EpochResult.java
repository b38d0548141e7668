package org.drilldown.train;

import java.util.List;

/**
 * One finished epoch of one step. Accuracies in percent; {@code validation} is {@link Score#EMPTY} without a
 * validation set; seconds of training only (evaluation excluded);
 * {@code rounds} are its parameter-averaging rounds in order, {@code timings} DL4J's training stats of it; {@code paramsSha256} the trained network's fingerprint
 * ({@link Fingerprint}; null for epochs recorded before the column existed).
 */
public record EpochResult(
        String step,
        int epoch,
        int epochs,
        double learningRate,
        Score train,
        Score validation,
        Score test,
        double epochSeconds,
        long trainImages,
        double evalSeconds,
        List<AveragingRound> rounds,
        List<WorkerTiming> timings,
        String paramsSha256) {

    public double trainImagesPerSecond() {
        return epochSeconds > 0 ? trainImages / epochSeconds : 0;
    }
}
