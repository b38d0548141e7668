package org.drilldown.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Spark settings that hold credentials (S3 keys, passwords, tokens) stay out of every record: {@code runs.config},
 * the manifests and the sweep's base configuration keep the key with Spark's own replacement text, so the metric
 * tables, which anyone may read, hold no secret. A configuration read back from a record drops those settings;
 * a resumed run takes them again from its {@code --conf} or from the environment.
 */
public final class SecretSettings {
    /** Spark's default {@code spark.redaction.regex}, which redacts the same keys in its UI and event log. */
    static final Pattern SECRET_KEY = Pattern.compile("(?i)secret|password|token|access[.]key");
    /** Spark's {@code Utils.REDACTION_REPLACEMENT_TEXT}. */
    public static final String REDACTED = "*********(redacted)";

    private SecretSettings() {}

    static boolean isSecret(String key) {
        return SECRET_KEY.matcher(key).find();
    }

    /** {@code drilldown} (the config under its root key) with each secret setting's value replaced. */
    static Config redacted(Config drilldown) {
        Config out = drilldown;
        for (Map.Entry<String, ConfigValue> e :
                drilldown.getConfig("spark.settings").entrySet()) {
            if (isSecret(ConfigPaths.unquote(e.getKey()))) {
                out = out.withValue("spark.settings." + e.getKey(), ConfigValueFactory.fromAnyRef(REDACTED));
            }
        }
        return out;
    }

    /** Whether a setting read back holds the replacement text rather than a value to hand to Spark. */
    static boolean isRedacted(String value) {
        return REDACTED.equals(value);
    }
}
