package org.drilldown.sweep;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.drilldown.augment.Seeds;
import org.drilldown.config.BadInput;
import org.drilldown.config.ConfigError;
import org.drilldown.config.ConfigLoader;
import org.drilldown.config.JobConfig;
import org.drilldown.config.StepSpec;
import org.drilldown.metrics.RunId;
import org.drilldown.model.ParamCount;
import org.drilldown.model.StepModels;

/**
 * What a sweep trains: {@code configs} configurations drawn from the space by the sweep's {@code seed}, each with
 * {@code seeds} seeds (seed, seed + 1, ...), pruned by successive halving with factor {@code eta} up to
 * {@code epochs}; {@code parallel} trials at a time.
 */
public record SweepPlan(
        String sweepId, String step, int configs, int seeds, int epochs, int eta, int parallel, long seed) {
    /** Ids of trials are {@code <sweep id>-cNN-sK}: the sweep id leaves room for them within a run id's 128. */
    static final int MAX_SWEEP_ID = 100;
    /** The stream of {@link Seeds} the configurations are drawn from; training seeds are the sweep's own. */
    private static final long SPACE_STREAM = 0x5EED5L;

    public SweepPlan {
        RunId.require("--sweep-id", sweepId);
        if (sweepId.length() > MAX_SWEEP_ID) {
            throw new BadInput("--sweep-id '" + sweepId + "': at most " + MAX_SWEEP_ID + " characters");
        }
        atLeast("--trials", configs, 1);
        atLeast("--seeds", seeds, 1);
        atLeast("--epochs", epochs, 1);
        atLeast("--eta", eta, 2);
        atLeast("--parallel", parallel, 1);
    }

    private static void atLeast(String flag, int value, int min) {
        if (value < min) {
            throw new BadInput(flag + " " + value + ": must be at least " + min);
        }
    }

    /**
     * Epochs each rung trains to: successive halving's ladder, {@code epochs / eta^k} for the rungs below the
     * top, as many rungs as both the configurations and the epochs allow halving (at least one rung of 1 epoch).
     */
    public List<Integer> rungEpochs() {
        int rungs = 1 + Math.min(floorLog(configs), floorLog(epochs));
        List<Integer> out = new ArrayList<>();
        for (int rung = 0; rung < rungs; rung++) {
            int e = (int) Math.max(1, Math.round(epochs / Math.pow(eta, rungs - 1 - rung)));
            if (out.isEmpty() || e > out.get(out.size() - 1)) {
                out.add(e);
            }
        }
        return List.copyOf(out);
    }

    /** How many of {@code ranked} configurations a rung promotes: the top 1/eta, at least one. */
    public int promoted(int ranked) {
        return Math.max(1, ranked / eta);
    }

    private int floorLog(int n) {
        int k = 0;
        for (long p = eta; p <= n; p *= eta) {
            k++;
        }
        return k;
    }

    /**
     * Refuses layers with as many trainable parameters as the step's budget ({@code drilldown.target.max-params},
     * or the step's own {@code goal.max-params}): a trial that wins with them could not be the step's model.
     */
    private static void withinBudget(JobConfig config) {
        StepSpec spec = config.steps().get(0);
        long budget = config.target().forStep(spec).maxParams();
        long params = ParamCount.trainable(StepModels.network(spec, config.seed()));
        if (params >= budget) {
            throw new ConfigError(String.format(
                    java.util.Locale.ROOT,
                    "%,d trainable parameters, and step %s needs fewer than %,d; narrow the layers or drop the choice",
                    params,
                    spec.key(),
                    budget));
        }
    }

    /**
     * Every trial, configurations in order and each one's seeds; refuses a space whose values the step does not
     * accept (each range's ends and every choice are tried first, to name the key).
     */
    public List<Trial> trials(SearchSpace space, String baseJson, String source) {
        for (Dimension d : space.dimensions()) {
            for (Object value : d.extremes()) {
                try {
                    Trial probe = new Trial(sweepId, step, 0, 0, seed, Map.of(d.key(), value));
                    JobConfig config =
                            ConfigLoader.fromRecorded(baseJson, Trial.overrides(step, seed, epochs, probe.values()));
                    if (d.key().equals("layers")) {
                        withinBudget(config);
                    }
                } catch (ConfigError e) {
                    throw new ConfigError(source + ": sweep.space." + d.key() + " = " + value + ": " + e.getMessage());
                }
            }
        }
        int points = space.gridPoints();
        if (configs % points != 0) {
            throw new BadInput("--trials " + configs + ": " + source + "'s grid has " + points
                    + " points, each given to as many configurations; pass a multiple of " + points);
        }
        List<Trial> trials = new ArrayList<>();
        for (int c = 0; c < configs; c++) {
            Random random = new Random(Seeds.derive(seed, SPACE_STREAM, c));
            Map<String, Object> values = new LinkedHashMap<>();
            int point = c % points; // configurations 0..points-1 take each grid point once, in order
            for (Dimension d : space.dimensions()) {
                if (d.isGrid()) {
                    values.put(d.key(), d.choices().get(point % d.choices().size()));
                    point /= d.choices().size();
                } else {
                    values.put(d.key(), d.draw(random));
                }
            }
            for (int s = 0; s < seeds; s++) {
                trials.add(new Trial(sweepId, step, c, s, seed + s, values));
            }
        }
        return List.copyOf(trials);
    }
}
