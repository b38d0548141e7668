package org.drilldown.sweep;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigUtil;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.drilldown.config.ConfigLoader;
import org.drilldown.config.JobConfig;
import org.drilldown.config.StepSpec;

/**
 * One seeded configuration of a sweep: the step's values drawn from the space ({@code values}, by step key) and
 * the seed it trains with. Its run is an ordinary one-worker run of the job ({@link #config}), so
 * {@code drilldown run --conf} of the configuration its {@code runs} row records trains it again to the bit.
 */
public record Trial(String sweepId, String step, int configId, int seedIndex, long seed, Map<String, Object> values) {

    public Trial {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** {@code cNN-sK}: configuration NN trained with the sweep's K-th seed. */
    public String id() {
        return String.format(Locale.ROOT, "c%02d-s%d", configId, seedIndex);
    }

    /** The trial's run id in {@code runs} and {@code epochs}. */
    public String runId() {
        return sweepId + "-" + id();
    }

    /** The run's configuration: {@code baseJson} (a recorded configuration) with the drawn values, capped at {@code epochs}. */
    public JobConfig config(String baseJson, int epochs) {
        return ConfigLoader.fromRecorded(baseJson, overrides(step, seed, epochs, values));
    }

    /** The step as the trial trains it (every epoch the step has). */
    public StepSpec spec(String baseJson) {
        return config(baseJson, 0).steps().get(0);
    }

    /** Dotted paths for ConfigLoader: one worker, the seed, the epoch cap and each drawn value. */
    static Map<String, Object> overrides(String step, long seed, int epochs, Map<String, Object> values) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("drilldown.seed", seed);
        o.put("drilldown.epochs", epochs);
        o.put("drilldown.training.workers", 1);
        o.put("drilldown.run-steps", java.util.List.of(step));
        String at = "drilldown.steps." + ConfigUtil.joinPath(step) + ".";
        values.forEach((key, value) -> o.put(at + key, value));
        if (values.containsKey("layers")) {
            o.put(at + "expected-params", 0); // the step's count is its own layers'
        }
        return o;
    }

    /** The drawn values as JSON, for the {@code trials} table. */
    public String valuesJson() {
        try {
            return new ObjectMapper().writeValueAsString(values);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
