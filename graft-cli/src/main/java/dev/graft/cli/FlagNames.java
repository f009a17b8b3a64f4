package dev.graft.cli;

import java.util.Map;

/**
 * The command line's names of core's arguments ({@link dev.graft.util.Arguments}): a camelCase setting becomes its
 * kebab-case flag ({@code labelColumn} → {@code --label-column}), except where the flag is shorter.
 */
final class FlagNames {

    /** Settings whose flag is not their kebab-case name. */
    private static final Map<String, String> DIFFERENT = Map.of(
            "valFile", "--val",
            "testFile", "--test",
            "trainFile", "--train",
            "learningRate", "--lr",
            "output", "--out",
            "outputFile", "--output",
            "strict", "--strict");

    private FlagNames() {
    }

    /** The flag of core's argument {@code javaName}. */
    static String flag(String javaName) {
        String special = DIFFERENT.get(javaName);
        if (special != null) {
            return special;
        }
        StringBuilder b = new StringBuilder("--");
        for (char c : javaName.toCharArray()) {
            if (Character.isUpperCase(c)) {
                b.append('-').append(Character.toLowerCase(c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
