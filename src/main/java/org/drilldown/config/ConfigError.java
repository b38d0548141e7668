package org.drilldown.config;

/** A configuration value that cannot be used: names the key, the value and what is allowed. */
public final class ConfigError extends BadInput {
    private final String key;
    private final Object value;
    private final String allowed;

    public ConfigError(String key, Object value, String allowed) {
        super("config key '" + key + "' = " + value + ": " + allowed);
        this.key = key;
        this.value = value;
        this.allowed = allowed;
    }

    public ConfigError(String message) {
        super(message);
        this.key = null;
        this.value = null;
        this.allowed = null;
    }

    /** The same error with its key under {@code prefix}: a record validates itself without knowing where it sits. */
    ConfigError under(String prefix) {
        return key == null ? this : new ConfigError(prefix + key, value, allowed);
    }
}
