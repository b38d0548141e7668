package org.drilldown.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything one run needs, resolved from the embedded defaults, a --conf file and flags, then validated;
 * {@code resolvedJson} is the whole of it as runs record it, credentials redacted ({@link SecretSettings}).
 */
public record JobConfig(
        long seed,
        List<StepSpec> steps,
        Path dataDir,
        int trainLimit,
        int testLimit,
        int validation,
        String outputDir,
        int workers,
        int averagingFrequency,
        LrScaling lrScaling,
        int prefetchBatches,
        int evalBatchSize,
        TrainAccuracy trainAccuracy,
        int trainEvalImages,
        TrainingApproach approach,
        Averaging averaging,
        String exportDir,
        TargetSpec target,
        boolean onednn,
        String defaultMaster,
        String appName,
        Map<String, String> sparkSettings,
        String resolvedJson) {

    public JobConfig {
        // Absolute: executors on a cluster run in their own working directories, and write these paths too. The
        // output directory may be a URI (hdfs://, s3a://): the storage stage resolves it (StorePath).
        dataDir = dataDir.toAbsolutePath().normalize();
        steps = List.copyOf(steps);
        sparkSettings = Map.copyOf(sparkSettings);
        if (steps.isEmpty()) {
            throw new ConfigError("drilldown.run-steps", "[]", "name at least one step");
        }
        requireNonNegative("drilldown.data.train-limit", trainLimit);
        requireNonNegative("drilldown.data.test-limit", testLimit);
        requireNonNegative("drilldown.data.validation", validation);
        requireNonNegative("drilldown.training.workers", workers);
        requirePositive("drilldown.training.averaging-frequency", averagingFrequency);
        requireNonNegative("drilldown.training.prefetch-batches", prefetchBatches);
        requirePositive("drilldown.training.eval-batch-size", evalBatchSize);
        requireNonNegative("drilldown.training.train-eval-images", trainEvalImages);
    }

    private static void requireNonNegative(String key, int value) {
        if (value < 0) {
            throw new ConfigError(key, value, "must be 0 or more");
        }
    }

    private static void requirePositive(String key, int value) {
        if (value < 1) {
            throw new ConfigError(key, value, "must be at least 1");
        }
    }
}
