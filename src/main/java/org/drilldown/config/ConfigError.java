package org.drilldown.config;

/** A configuration value that cannot be used: names the key, the value and what is allowed. */
public final class ConfigError extends BadInput {
    public ConfigError(String key, Object value, String allowed) {
        super("config key '" + key + "' = " + value + ": " + allowed);
    }

    public ConfigError(String message) {
        super(message);
    }
}
