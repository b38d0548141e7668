package org.drilldown.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import org.drilldown.config.ConfigLoader;
import org.drilldown.config.JobConfig;
import org.drilldown.metrics.MetricsLocation;
import org.drilldown.metrics.MetricsReader;
import org.drilldown.metrics.ReadOnlySql;
import org.drilldown.metrics.RunId;
import org.drilldown.metrics.RunManifest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code drilldown replay RUN_ID}: trains a recorded run again, as a new run with the configuration its manifest
 * holds, then says epoch by epoch whether the parameters came out the same ({@code epochs.params_sha256}). The
 * same seed, workers, build and machine type give the same bits on any Spark schedule.
 */
@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        description = "Train a recorded run again from its manifest and compare the fingerprints epoch by epoch.")
final class ReplayCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUN_ID", description = "the recorded run to train again")
    String recorded;

    @Option(names = "--out", description = "output directory of the recorded run; the replay writes there too")
    String out;

    @Option(names = "--master", description = "Spark master for the replay (default: the recorded run's default)")
    String master;

    @Option(names = "--run-id", description = "id of the replay (default: RUN_ID-replay-<time>)")
    String replayId;

    @Option(
            names = "--conf",
            description = "HOCON file of Spark settings only (credentials, endpoints), which no record holds")
    Path settingsConf;

    @Override
    public Integer call() throws IOException {
        RunId.require("replay", recorded);
        Map<String, Object> settings = settingsConf == null ? Map.of() : ConfigLoader.sparkSettingsOnly(settingsConf);
        JobConfig defaults = ConfigLoader.load(null, settings);
        MetricsLocation location = MetricsLocation.of(out != null ? out : defaults.outputDir(), defaults);
        RunManifest.Recorded manifest = RunManifest.read(location.manifest(recorded));
        String id = replayId != null
                ? RunId.require("--run-id", replayId)
                : recorded + "-replay-" + System.currentTimeMillis();
        // The recorded configuration as a --conf file (owner-only, as createTempFile makes it: it may hold
        // credentials).
        Path conf = Files.createTempFile("drilldown-replay-", ".conf");
        try {
            Files.writeString(
                    conf, ConfigLoader.recordedAsConf(manifest.configJson(), settings), StandardCharsets.UTF_8);
            List<String> run = new ArrayList<>(List.of(
                    "run",
                    "--conf",
                    conf.toString(),
                    "--out",
                    location.outputDir().toString(),
                    "--run-id",
                    id,
                    "--query-conf",
                    settingsConf == null ? "" : settingsConf.toString()));
            if (master != null) {
                run.addAll(List.of("--master", master));
            }
            int code = Main.execute(run.toArray(String[]::new));
            if (code != 0) {
                return code; // the run said why
            }
        } finally {
            Files.deleteIfExists(conf);
        }
        Map<String, String> replayedData =
                RunManifest.read(location.manifest(id)).dataChecksums();
        if (!replayedData.equals(manifest.dataChecksums())) {
            System.out.println("replay '" + id + "' read other data than '" + recorded + "' (SHA-256 " + replayedData
                    + ", recorded " + manifest.dataChecksums() + "); its parameters cannot be the same");
            return Main.EXIT_FAILED;
        }
        return compare(location, id);
    }

    /** Prints one line per epoch of the recorded run, then the verdict; 0 when every fingerprint matches. */
    private int compare(MetricsLocation location, String id) {
        Map<String, String> before = new LinkedHashMap<>();
        Map<String, String> after = new LinkedHashMap<>();
        try (ReadOnlySession session = ReadOnlySession.open(location.outputDir().toString(), settingsConf)) {
            MetricsReader.registerViews(session.spark(), session.location());
            String sql = "select run_id, step, epoch, params_sha256 from epochs where run_id in ('" + recorded + "', '"
                    + id + "') order by step, epoch";
            for (Row r : ReadOnlySql.sql(session.spark(), sql).collectAsList()) {
                (r.getString(0).equals(recorded) ? before : after)
                        .put("step " + r.getString(1) + " epoch " + r.getInt(2), r.getString(3));
            }
        }
        int differing = 0;
        for (Map.Entry<String, String> e : before.entrySet()) {
            String replayed = after.get(e.getKey());
            boolean same = e.getValue().equals(replayed);
            differing += same ? 0 : 1;
            System.out.println(e.getKey() + ": " + e.getValue().substring(0, 12) + " "
                    + (same
                            ? "same"
                            : "DIFFERENT (replay " + (replayed == null ? "none" : replayed.substring(0, 12)) + ")"));
        }
        System.out.println(
                differing == 0
                        ? "replay '" + id + "' of '" + recorded + "': all " + before.size()
                                + " epochs have the same parameters"
                        : "replay '" + id + "' of '" + recorded + "': " + differing + " of " + before.size()
                                + " epochs differ (same seed, workers, build and machine type replay to the bit;"
                                + " runs recorded before schema version 3 have no fingerprint)");
        return differing == 0 ? 0 : Main.EXIT_FAILED;
    }

    private static String shortly(String sha) {
        return sha == null ? "none" : sha.substring(0, 12);
    }
}
