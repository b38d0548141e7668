package org.drilldown.sweep;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Successive halving over a sweep's trials: every trial trains to the first rung's epochs, the configurations are
 * ranked by their seeds' mean best validation accuracy (never test), the top 1/eta go on to the next rung and the
 * rest are pruned, up to the last rung's epochs. Trials train {@code parallel} at a time. Every start, rung,
 * promotion, pruning, finish and failure is a row in {@code trials}; a resumed sweep ({@code recorded}: the rows
 * it wrote before) reuses every rung result and decision it finds there and trains only what is missing.
 */
public final class SuccessiveHalving {
    private final SweepPlan plan;
    private final List<Trial> trials;
    private final TrialTraining training;
    private final TrialsTable table;
    private final List<TrialsTable.Recorded> recorded;
    private final Consumer<String> progress;

    public SuccessiveHalving(
            SweepPlan plan,
            List<Trial> trials,
            TrialTraining training,
            TrialsTable table,
            List<TrialsTable.Recorded> recorded,
            Consumer<String> progress) {
        this.plan = plan;
        this.trials = List.copyOf(trials);
        this.training = training;
        this.table = table;
        this.recorded = List.copyOf(recorded);
        this.progress = progress;
    }

    /** A configuration's place after a rung: its mean best validation accuracy over its seeds, NaN if one failed. */
    public record Ranked(int configId, int rank, double meanBestValAccuracy) {}

    /** Runs the ladder; returns the last rung's ranking, best first. */
    public List<Ranked> run() {
        List<Integer> ladder = plan.rungEpochs();
        List<Trial> members = trials;
        ExecutorService pool = Executors.newFixedThreadPool(plan.parallel());
        try {
            for (int rung = 0; ; rung++) {
                boolean top = rung == ladder.size() - 1;
                Map<Trial, TrialResult> results = trainRung(pool, members, rung, ladder.get(rung), top);
                List<Ranked> ranking = rank(results);
                int keep = top ? 0 : plan.promoted(ranking.size());
                List<Integer> promoted = ranking.stream()
                        .filter(r -> !Double.isNaN(r.meanBestValAccuracy()))
                        .limit(keep)
                        .map(Ranked::configId)
                        .toList();
                decide(pool, results, ranking, rung, ladder, promoted);
                if (top) {
                    return ranking;
                }
                members = members.stream()
                        .filter(t -> promoted.contains(t.configId()))
                        .filter(t -> !results.get(t).isFailed())
                        .toList();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Trains the rung's trials, or takes their results from what a killed sweep recorded. */
    private Map<Trial, TrialResult> trainRung(
            ExecutorService pool, List<Trial> members, int rung, int epochs, boolean top) {
        Map<Trial, Future<TrialResult>> futures = new LinkedHashMap<>();
        for (Trial t : members) {
            TrialsTable.Recorded done = done(t, rung, epochs);
            if (done != null) {
                futures.put(t, java.util.concurrent.CompletableFuture.completedFuture(done.result()));
                continue;
            }
            futures.put(t, pool.submit(() -> trainOne(t, rung, epochs, top)));
        }
        Map<Trial, TrialResult> results = new LinkedHashMap<>();
        futures.forEach((t, f) -> results.put(t, get(f)));
        return results;
    }

    private TrialResult trainOne(Trial t, int rung, int epochs, boolean top) {
        if (rung == 0 && recorded.stream().noneMatch(r -> r.trialId().equals(t.id()))) {
            table.record(t, rung, epochs, new TrialResult(0, null, null, null), TrialsTable.RUNNING, null);
        }
        progress.accept("trial " + t.id() + ": training to epoch " + epochs + " (rung " + rung + ")");
        TrialResult r = training.train(t, epochs, top);
        if (r.isFailed()) {
            table.record(t, rung, epochs, r, TrialsTable.FAILED, r.failure());
            progress.accept("trial " + t.id() + ": failed: " + r.failure());
        } else {
            // Whatever comes next, the rung's result is recorded: a resumed sweep does not train it again.
            table.record(t, rung, epochs, r, TrialsTable.RUNNING, "trained to epoch " + epochs + " of rung " + rung);
        }
        return r;
    }

    /** Records each trial's outcome of the rung (promoted, pruned, finished), closing the runs it prunes. */
    private void decide(
            ExecutorService pool,
            Map<Trial, TrialResult> results,
            List<Ranked> ranking,
            int rung,
            List<Integer> ladder,
            List<Integer> promoted) {
        boolean top = rung == ladder.size() - 1;
        Map<Integer, Ranked> byConfig = ranking.stream().collect(Collectors.toMap(Ranked::configId, r -> r));
        List<Future<?>> closing = new ArrayList<>();
        results.forEach((t, r) -> {
            if (r.isFailed() || decided(t, rung)) {
                return;
            }
            Ranked place = byConfig.get(t.configId());
            String standing = String.format(
                    Locale.ROOT,
                    "rank %d of %d at rung %d (%d epochs), mean best validation accuracy %s",
                    place.rank(),
                    ranking.size(),
                    rung,
                    ladder.get(rung),
                    Double.isNaN(place.meanBestValAccuracy())
                            ? "none (a seed failed)"
                            : String.format(Locale.ROOT, "%.2f %%", place.meanBestValAccuracy()));
            if (top) {
                table.record(t, rung, ladder.get(rung), r, TrialsTable.FINISHED, "finished: " + standing);
            } else if (promoted.contains(t.configId())) {
                table.record(
                        t,
                        rung + 1,
                        ladder.get(rung + 1),
                        r,
                        TrialsTable.RUNNING,
                        "promoted to rung " + (rung + 1) + ": " + standing);
            } else {
                closing.add(pool.submit(() -> {
                    // The run ends where it stopped: its step and outcome rows, as any run that ends.
                    TrialResult closed = training.train(t, r.epochsTrained(), true);
                    String note = closed.isFailed() ? "; its run could not be closed: " + closed.failure() : "";
                    table.record(
                            t,
                            rung,
                            ladder.get(rung),
                            r,
                            TrialsTable.PRUNED,
                            "pruned: " + standing + "; the top " + promoted.size() + " go on" + note);
                }));
            }
            progress.accept("trial " + t.id() + ": " + standing
                    + (top ? "; finished" : promoted.contains(t.configId()) ? "; promoted" : "; pruned"));
        });
        closing.forEach(SuccessiveHalving::get);
    }

    /** Configurations ranked by their seeds' mean best validation accuracy; one with a failed seed ranks last. */
    static List<Ranked> rank(Map<Trial, TrialResult> results) {
        Map<Integer, List<TrialResult>> byConfig = new LinkedHashMap<>();
        results.forEach((t, r) ->
                byConfig.computeIfAbsent(t.configId(), c -> new ArrayList<>()).add(r));
        List<double[]> scores = new ArrayList<>(); // {configId, mean}
        byConfig.forEach((config, rs) -> {
            boolean failed = rs.stream().anyMatch(TrialResult::isFailed);
            double mean = failed
                    ? Double.NaN
                    : rs.stream()
                            .mapToDouble(TrialResult::bestValAccuracy)
                            .average()
                            .orElse(Double.NaN);
            scores.add(new double[] {config, mean});
        });
        scores.sort(Comparator.<double[]>comparingDouble(s -> Double.isNaN(s[1]) ? Double.NEGATIVE_INFINITY : -s[1])
                .thenComparingDouble(s -> s[0]));
        List<Ranked> out = new ArrayList<>();
        for (double[] s : scores) {
            out.add(new Ranked((int) s[0], out.size() + 1, s[1]));
        }
        return List.copyOf(out);
    }

    /** The rung's result a killed sweep recorded for the trial, or null: to train. */
    private TrialsTable.Recorded done(Trial t, int rung, int epochs) {
        TrialsTable.Recorded found = null;
        for (TrialsTable.Recorded r : recorded) {
            if (!r.trialId().equals(t.id())) {
                continue;
            }
            boolean failedHere = r.status().equals(TrialsTable.FAILED) && r.rung() == rung;
            boolean trainedHere = !r.status().equals(TrialsTable.FAILED)
                    && r.rung() >= rung
                    && r.epochsTrained() >= epochs
                    && r.bestValAccuracy() != null;
            if (failedHere || (trainedHere && found == null)) {
                found = failedHere
                        ? r
                        : new TrialsTable.Recorded(
                                r.trialId(),
                                rung,
                                epochs,
                                r.bestValAccuracy(),
                                r.lastValAccuracy(),
                                r.status(),
                                r.decision());
            }
        }
        return found;
    }

    /** Whether a killed sweep recorded the trial's outcome of this rung already. */
    private boolean decided(Trial t, int rung) {
        return recorded.stream()
                .anyMatch(r -> r.trialId().equals(t.id())
                        && (r.rung() > rung
                                || (r.rung() == rung
                                        && (r.status().equals(TrialsTable.PRUNED)
                                                || r.status().equals(TrialsTable.FINISHED)))));
    }

    private static <T> T get(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("the sweep was interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
