package org.drilldown.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.drilldown.config.BadInput;
import org.drilldown.metrics.MetricsLocation;
import org.drilldown.storage.StorePath;

/**
 * {@code <out>/sweeps/<sweep id>/sweep.json}: what a sweep is (its plan, its space, the configuration its trials
 * start from), written before its first trial so that {@code --resume} rebuilds the same trials.
 */
public record SweepManifest(SweepPlan plan, SearchSpace space, String baseJson, String commandLine) {

    public static StorePath file(MetricsLocation location, String sweepId) {
        return dir(location, sweepId).resolve("sweep.json");
    }

    private static boolean isFile(StorePath file) {
        try {
            return file.isFile();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + file, e);
        }
    }

    private static StorePath dir(MetricsLocation location, String sweepId) {
        return location.outputDir().resolve("sweeps").resolve(sweepId);
    }

    /** Writes it; refuses a sweep id already taken. */
    public void writeNew(MetricsLocation location) throws IOException {
        StorePath file = file(location, plan.sweepId());
        if (file.exists()) {
            throw new BadInput("sweep '" + plan.sweepId() + "' exists under " + location.outputDir()
                    + "; pass a new --sweep-id, or continue it with --resume " + plan.sweepId());
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sweep_id", plan.sweepId());
        m.put("step", plan.step());
        m.put("trials", plan.configs());
        m.put("seeds", plan.seeds());
        m.put("epochs", plan.epochs());
        m.put("eta", plan.eta());
        m.put("parallel", plan.parallel());
        m.put("seed", plan.seed());
        m.put("space", space.json());
        m.put("base_config", baseJson);
        m.put("command_line", commandLine);
        dir(location, plan.sweepId()).mkdirs();
        file.write(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(m)); // whole or absent
    }

    /** Reads a sweep's manifest for --resume; {@code parallel}, when given, replaces the recorded one. */
    public static SweepManifest read(MetricsLocation location, String sweepId, Integer parallel) {
        StorePath file = file(location, sweepId);
        if (!isFile(file)) {
            throw new BadInput("--resume " + sweepId + ": no sweep of that id under " + location.outputDir() + " (no "
                    + file + "); pass the --out it ran with");
        }
        try {
            JsonNode m = new ObjectMapper().readTree(file.readAllBytes());
            SweepPlan plan = new SweepPlan(
                    f(m, file, "sweep_id").asText(),
                    f(m, file, "step").asText(),
                    f(m, file, "trials").asInt(),
                    f(m, file, "seeds").asInt(),
                    f(m, file, "epochs").asInt(),
                    f(m, file, "eta").asInt(),
                    parallel != null ? parallel : f(m, file, "parallel").asInt(),
                    f(m, file, "seed").asLong());
            return new SweepManifest(
                    plan,
                    SearchSpace.fromJson(f(m, file, "space").asText()),
                    f(m, file, "base_config").asText(),
                    f(m, file, "command_line").asText());
        } catch (IOException e) {
            throw new BadInput(file + " is not a sweep manifest Drilldown wrote (" + e + ")");
        }
    }

    private static JsonNode f(JsonNode m, StorePath file, String name) {
        JsonNode value = m.get(name);
        if (value == null) {
            throw new BadInput(file + " is not a sweep manifest Drilldown wrote (no " + name + ")");
        }
        return value;
    }
}
