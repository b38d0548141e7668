package org.drilldown.metrics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.drilldown.config.BadInput;
import org.drilldown.storage.StorePath;
import org.drilldown.train.RunInfo;

/** The run manifest, {@code <out>/runs/<run_id>/manifest.json}: everything needed to reproduce the run. */
public final class RunManifest {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private RunManifest() {}

    static void write(StorePath file, RunInfo run) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run_id", run.runId());
        m.put("started_at", run.startedAt().toString());
        m.put("seed", run.seed());
        m.put("spark_master", run.sparkMaster());
        m.put("executors", run.executors());
        m.put("cores", run.cores());
        m.put("gpus", run.gpus());
        m.put("workers", run.workers());
        m.put("command_line", run.commandLine());
        m.put("versions", run.versions());
        m.put("data_sha256", run.dataChecksums());
        m.put("threads", run.threads()); // what the tasks' thread counts were, from spark.task.cpus (ExecutorThreads)
        try {
            m.put("config", JSON.readTree(run.configJson()));
            file.write(JSON.writeValueAsBytes(m)); // whole or not at all: see StorePath#write
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write run manifest " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Replaces the configuration a manifest records and keeps the rest. A sweep trial promoted to a later rung
     * resumes with a higher epoch cap than it started with; replay reads the manifest, so it must say the last one.
     */
    public static void recordConfig(StorePath file, String configJson) {
        try {
            com.fasterxml.jackson.databind.node.ObjectNode m =
                    (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(file.readAllBytes());
            m.set("config", JSON.readTree(configJson));
            file.write(JSON.writeValueAsBytes(m));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rewrite run manifest " + file + ": " + e.getMessage(), e);
        }
    }

    /** What a resumed run needs from the manifest: its resolved configuration (JSON) and data checksums. */
    public record Recorded(String configJson, Map<String, String> dataChecksums) {}

    public static Recorded read(StorePath file) {
        try {
            if (!file.isFile()) {
                throw new BadInput("no run manifest " + file + "; is the run id right, and --out the"
                        + " directory the run wrote to?");
            }
            JsonNode m = JSON.readTree(file.readAllBytes());
            Map<String, String> sums = new java.util.TreeMap<>();
            m.path("data_sha256")
                    .fields()
                    .forEachRemaining(e -> sums.put(e.getKey(), e.getValue().asText()));
            return new Recorded(JSON.writeValueAsString(m.path("config")), sums);
        } catch (IOException e) {
            throw new BadInput("run manifest " + file + " cannot be read: " + e.getMessage());
        }
    }

    static String json(Map<String, String> map) {
        try {
            return new ObjectMapper().writeValueAsString(new java.util.TreeMap<>(map));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
