package org.drilldown.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.spark.impl.common.SplitPartitionsFunction;

/**
 * Which minibatch files each worker fits in each averaging round of an epoch, dealt exactly as DL4J's
 * {@code ParameterAveragingTrainingMaster} deals them when {@code StepTrainer} hands it the epoch's files: first
 * the whole rounds, then the rest as one fit of its own; each fit's files sliced over the workers as
 * {@code parallelize(files, workers)} slices a list, then split into rounds by DL4J's {@link SplitPartitionsFunction}
 * with a seed drawn from the epoch's generator. So the barrier stage ({@link BarrierAveraging}) trains what
 * DL4J's jobs would, to the bit.
 */
final class PathRounds {
    private PathRounds() {}

    /**
     * One round: {@code fit} numbers the fit call it belongs to (DL4J counts an epoch per fit call: the whole rounds,
     * then the rest), and
     * {@code files.get(w)} are worker w's files in the order it fits them.
     */
    record Round(int fit, List<List<String>> files) implements java.io.Serializable {}

    /** The rounds of an epoch's {@code files}; {@code rng} is the epoch's generator (one draw per fit call). */
    static List<Round> of(List<String> files, int workers, int frequency, Random rng) throws Exception {
        int perRound = workers * frequency;
        int whole = files.size() / perRound * perRound;
        List<Round> rounds = new ArrayList<>();
        List<List<String>> fits = List.of(files.subList(0, whole), files.subList(whole, files.size()));
        int fit = 0; // the fit calls StepTrainer would make: one per non-empty part
        for (List<String> part : fits) {
            if (part.isEmpty()) {
                continue;
            }
            long seed = rng.nextLong(); // DL4J draws one per fit call, also when it does not split
            int splits = part.size() <= perRound ? 1 : part.size() / perRound;
            for (int split = 0; split < splits; split++) {
                List<List<String>> perWorker = new ArrayList<>();
                for (int w = 0; w < workers; w++) {
                    List<String> slice = slice(part, w, workers);
                    perWorker.add(
                            splits == 1
                                    ? slice
                                    : toList(new SplitPartitionsFunction<String>(split, splits, seed)
                                            .call(w, slice.iterator())));
                }
                rounds.add(new Round(fit, Collections.unmodifiableList(perWorker)));
            }
            fit++;
        }
        return rounds;
    }

    /** Spark's {@code ParallelCollectionRDD.slice} of a list: slice i holds [i·n/k, (i+1)·n/k). */
    private static List<String> slice(List<String> all, int index, int slices) {
        long n = all.size();
        return List.copyOf(all.subList((int) (index * n / slices), (int) ((index + 1) * n / slices)));
    }

    private static List<String> toList(java.util.Iterator<String> it) {
        List<String> list = new ArrayList<>();
        it.forEachRemaining(list::add);
        return List.copyOf(list);
    }
}
