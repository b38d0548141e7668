package org.drilldown.config;

import com.typesafe.config.ConfigUtil;
import java.util.List;

/** Path helpers for keys such as {@code "spark.ui.enabled"} that hold dots. */
final class ConfigPaths {
    private ConfigPaths() {}

    static List<String> split(String path) {
        return ConfigUtil.splitPath(path);
    }

    static String quote(String key) {
        return ConfigUtil.joinPath(key);
    }

    static String unquote(String path) {
        return String.join(".", ConfigUtil.splitPath(path));
    }
}
