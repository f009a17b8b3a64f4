package dev.graft.cli;

import java.util.Map;

/**
 * The command line's names of core's arguments ({@link dev.graft.util.Arguments}): a camelCase setting becomes its
 * kebab-case flag ({@code labelColumn} → {@code --label-column}), except where the flag is shorter.
 */
final class FlagNames {

    /** Settings whose flag is not their kebab-case name. */
    private static final Map<String, String> DIFFERENT = Map.ofEntries(
            Map.entry("valFile", "--val"),
            Map.entry("corpusFormat", "--format"),
            Map.entry("testFile", "--test"),
            Map.entry("trainFile", "--train"),
            Map.entry("trainFiles", "--train"),
            Map.entry("metaLearningRate", "--meta-lr"),
            Map.entry("learningRate", "--lr"),
            Map.entry("output", "--out"),
            Map.entry("outputFile", "--output"),
            Map.entry("weights", "--weight"),
            Map.entry("strict", "--strict"),
            Map.entry("hiddenUnits", "--hidden"),
            Map.entry("padMaxPerDomain", "--pad-examples"),
            Map.entry("maskProbability", "--mask-prob"),
            Map.entry("headLearningRate", "--head-lr"),
            Map.entry("trainLayerNorms", "--train-layernorms"),
            Map.entry("textFiles", "--text"),
            Map.entry("excludeFiles", "--exclude"));

    /** Core operations ({@code Class.method}) that messages advise, as the command that does the same. */
    private static final Map<String, String> COMMANDS = Map.of(
            "Graft.train", "`graft train`",
            "Graft.auto", "`graft auto`",
            "Graft.compare", "`graft compare`",
            "Graft.tune", "`graft tune`",
            "ImageBackbone.importOnnx", "`graft models import --onnx FILE --preset imagenet`",
            "ImageBackbone.importCheckpoint", "`graft models import --safetensors FILE --architecture ARCH`",
            "LoraMerge.merge", "`graft export --merge --model DIR --out NEW_DIR`",
            "OnnxExport.export", "`graft export --format onnx`",
            "FileStoreReader.runs", "`graft runs list`");

    private FlagNames() {
    }

    /** The flag of core's argument {@code javaName}, or the command of a core operation {@code Class.method}. */
    static String flag(String javaName) {
        if (javaName.indexOf('.') > 0) {
            return COMMANDS.getOrDefault(javaName, javaName);
        }
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
