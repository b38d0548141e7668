package org.drilldown.config;

import java.util.Arrays;
import java.util.function.Function;

/** Parses a config value that names one constant of an enum, by the name the config file uses for it. */
final class ConfigChoice {
    private ConfigChoice() {}

    static <E extends Enum<E>> E parse(String key, String value, E[] choices, Function<E, String> configName) {
        return Arrays.stream(choices)
                .filter(c -> configName.apply(c).equals(value))
                .findFirst()
                .orElseThrow(() -> new ConfigError(
                        key,
                        "\"" + value + "\"",
                        "must be one of "
                                + Arrays.stream(choices)
                                        .map(c -> "\"" + configName.apply(c) + "\"")
                                        .toList()));
    }
}
