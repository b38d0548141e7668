package org.drilldown.sweep;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.drilldown.config.ConfigError;
import org.drilldown.config.ConfigProblem;

/**
 * A sweep's search space, read from a HOCON file such as conf/sweep-step4.conf: under {@code sweep.space}, one
 * entry per step key it varies, each {@code { range = [low, high], scale = linear|log }}, {@code { choices = [...] }}
 * or {@code { grid = [...] }}. Validated here, before Spark starts: an unknown key, an empty space, a range the
 * wrong way round are refused naming the file and key. Whether each value suits the step is checked when the
 * trials are built ({@link SweepPlan}).
 */
public record SearchSpace(List<Dimension> dimensions, String json) {
    /** Keys a range can vary (numbers), the integer ones among them, and keys that take choices only. */
    static final List<String> NUMBERS =
            List.of("learning-rate", "momentum", "dropout", "weight-decay", "rotation-degrees", "batch-size");

    static final Set<String> INTEGERS = Set.of("batch-size");
    static final List<String> CHOICES_ONLY = List.of("lr-schedule", "layers");
    private static final Set<String> FIELDS = Set.of("range", "scale", "choices", "grid");

    public SearchSpace {
        dimensions = List.copyOf(dimensions);
    }

    /** Reads and validates {@code file}. */
    public static SearchSpace load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigError(
                    "--space " + file + ": no such file; pass a HOCON file such as conf/sweep-step4.conf");
        }
        Config c;
        try {
            c = ConfigFactory.parseFile(
                            file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false))
                    .resolve();
        } catch (ConfigException e) {
            throw new ConfigError(ConfigProblem.describe(file, e));
        }
        return of(c, file.toString());
    }

    /** The space a sweep recorded ({@link #json}), read back for --resume. */
    public static SearchSpace fromJson(String json) {
        return of(ConfigFactory.parseString(json), "the sweep's recorded space");
    }

    private static SearchSpace of(Config c, String source) {
        for (String key : c.root().keySet()) {
            if (!key.equals("sweep")) {
                throw unknown(source, key);
            }
        }
        ConfigObject sweep = object(c.root().get("sweep"), source, "sweep");
        for (String key : sweep.keySet()) {
            if (!key.equals("space")) {
                throw unknown(source, "sweep." + key);
            }
        }
        ConfigObject space = sweep.containsKey("space") ? object(sweep.get("space"), source, "sweep.space") : null;
        if (space == null || space.isEmpty()) {
            throw new ConfigError(source + ": sweep.space is empty; give at least one step key a range or choices"
                    + " (see conf/sweep-step4.conf)");
        }
        List<Dimension> dimensions = new ArrayList<>();
        for (Map.Entry<String, ConfigValue> entry : space.entrySet()) {
            dimensions.add(dimension(source, entry.getKey(), entry.getValue()));
        }
        return new SearchSpace(
                dimensions, space.atKey("space").atKey("sweep").root().render(ConfigRenderOptions.concise()));
    }

    private static Dimension dimension(String source, String key, ConfigValue value) {
        String at = "sweep.space." + key;
        if (!NUMBERS.contains(key) && !CHOICES_ONLY.contains(key)) {
            throw new ConfigError(source + ": unknown sweep key '" + at + "'; a sweep varies "
                    + String.join(", ", NUMBERS) + " (a range, choices or a grid) and "
                    + String.join(", ", CHOICES_ONLY)
                    + " (choices or a grid)");
        }
        ConfigObject d = object(value, source, at);
        for (String field : d.keySet()) {
            if (!FIELDS.contains(field)) {
                throw unknown(source, at + "." + field);
            }
        }
        if (java.util.stream.Stream.of("range", "choices", "grid")
                        .filter(d::containsKey)
                        .count()
                != 1) {
            throw new ConfigError(
                    source + ": " + at + ": give one of range = [low, high], choices = [...] or grid = [...]");
        }
        Config dc = d.toConfig();
        try {
            for (String listed : List.of("choices", "grid")) {
                if (d.containsKey(listed)) {
                    if (d.containsKey("scale")) {
                        throw new ConfigError(
                                source + ": " + at + ".scale: a scale goes with a range, not with " + listed);
                    }
                    List<Object> values = List.copyOf(dc.getList(listed).unwrapped());
                    if (values.isEmpty()) {
                        throw new ConfigError(source + ": " + at + "." + listed + " is empty; list at least one value");
                    }
                    return listed.equals("grid") ? Dimension.grid(key, values) : Dimension.choices(key, values);
                }
            }
            if (CHOICES_ONLY.contains(key)) {
                throw new ConfigError(
                        source + ": " + at + ": give choices = [...] or grid = [...]; a range needs a number key");
            }
            List<Double> range = dc.getDoubleList("range");
            Dimension.Scale scale = scale(source, at, dc.hasPath("scale") ? dc.getString("scale") : "linear");
            if (range.size() != 2 || !(range.get(0) < range.get(1))) {
                throw new ConfigError(source + ": " + at + ".range = " + range
                        + ": give [low, high] with low < high (a single value is choices = [v])");
            }
            if (scale == Dimension.Scale.LOG && !(range.get(0) > 0)) {
                throw new ConfigError(
                        source + ": " + at + ".range = " + range + ": scale = log needs a low end above 0");
            }
            return Dimension.range(key, scale, range.get(0), range.get(1), INTEGERS.contains(key));
        } catch (ConfigException e) {
            throw new ConfigError(source + ": " + at + ": " + e.getMessage());
        }
    }

    private static Dimension.Scale scale(String source, String at, String scale) {
        return switch (scale) {
            case "linear" -> Dimension.Scale.LINEAR;
            case "log" -> Dimension.Scale.LOG;
            default -> throw new ConfigError(source + ": " + at + ".scale = " + scale + ": use \"linear\" or \"log\"");
        };
    }

    private static ConfigObject object(ConfigValue value, String source, String at) {
        if (value.valueType() != ConfigValueType.OBJECT) {
            throw new ConfigError(source + ": " + at + " is "
                    + value.valueType().name().toLowerCase(java.util.Locale.ROOT) + "; it holds { ... }");
        }
        return (ConfigObject) value;
    }

    private static ConfigError unknown(String source, String key) {
        return new ConfigError(source + ": unknown sweep key '" + key + "' (see conf/sweep-step4.conf)");
    }

    /** Configurations one pass over the grid takes: the product of the grid dimensions' sizes (1 without one). */
    int gridPoints() {
        int points = 1;
        for (Dimension d : dimensions) {
            if (d.isGrid()) {
                points = Math.multiplyExact(points, d.choices().size());
            }
        }
        return points;
    }
}
