package org.drilldown.model;

import org.drilldown.config.ConfigError;

/** One entry of a step's {@code layers} list, e.g. {@code "conv 16 k3 p1"}, {@code "maxpool 2"}, {@code "gap"}, {@code "output 10"}. */
public record LayerSpec(Kind kind, int size, int kernel, int padding) {

    public enum Kind {
        CONV,
        MAXPOOL,
        GAP,
        OUTPUT
    }

    /** Parses {@code text}; {@code key} names the config entry in any error. */
    public static LayerSpec parse(String key, String text) {
        String[] words = text.trim().split("\\s+");
        try {
            switch (words[0]) {
                case "conv": {
                    int kernel = 3;
                    int padding = 0;
                    for (int i = 2; i < words.length; i++) {
                        if (words[i].startsWith("k")) {
                            kernel = positive(words[i].substring(1));
                        } else if (words[i].startsWith("p")) {
                            padding = Integer.parseInt(words[i].substring(1));
                        } else {
                            throw new IllegalArgumentException(words[i]);
                        }
                    }
                    return new LayerSpec(Kind.CONV, positive(words[1]), kernel, padding);
                }
                case "maxpool":
                    expectWords(words, 2);
                    return new LayerSpec(Kind.MAXPOOL, 0, positive(words[1]), 0);
                case "gap":
                    expectWords(words, 1);
                    return new LayerSpec(Kind.GAP, 0, 0, 0);
                case "output":
                    expectWords(words, 2);
                    return new LayerSpec(Kind.OUTPUT, positive(words[1]), 1, 0);
                default:
                    throw new IllegalArgumentException(words[0]);
            }
        } catch (RuntimeException e) {
            throw new ConfigError(
                    key,
                    "\"" + text + "\"",
                    "a layer is \"conv C [kK] [pP]\", \"maxpool K\", \"gap\" or \"output N\" (C, K, N positive)");
        }
    }

    private static void expectWords(String[] words, int n) {
        if (words.length != n) {
            throw new IllegalArgumentException("word count");
        }
    }

    private static int positive(String s) {
        int v = Integer.parseInt(s);
        if (v < 1) {
            throw new IllegalArgumentException(s);
        }
        return v;
    }
}
