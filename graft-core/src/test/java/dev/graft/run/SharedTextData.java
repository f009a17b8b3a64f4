package dev.graft.run;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.graft.data.DataOptions;
import dev.graft.data.QuoteMode;
import dev.graft.data.TargetFormat;
import java.nio.file.Files;
import java.nio.file.Path;

/** The shared multi-label and regression text sets (skipped when {@code ../shared} is absent), read as the README reads them. */
final class SharedTextData {

    private SharedTextData() {
    }

    private static Path shared(String relative) {
        Path root = Path.of(System.getProperty("graft.repo.root", "..")).toAbsolutePath().normalize();
        Path p = root.resolve("../shared/data/text").resolve(relative).normalize();
        assumeTrue(Files.exists(p), "shared data absent: " + p);
        return p;
    }

    /** GoEmotions (Ekman's 7 labels) training comments. */
    static Path goEmotionsTrain() {
        return shared("goemotions_ekman/train.tsv");
    }

    /** How GoEmotions is read: headerless text, comma-separated label ids named by labels.txt. */
    static DataOptions goEmotions() throws java.io.IOException {
        return DataOptions.defaults().withTextColumn("0").withLabelColumn("1")
                .withTargets(TargetFormat.multiLabel(",", TargetFormat.readLabelNames(shared("goemotions_ekman/labels.txt"))));
    }

    /** STS-B training pairs. */
    static Path stsbTrain() {
        return shared("stsb/train.tsv");
    }

    /** How STS-B is read: sentence pairs in columns 7 and 8, the 0–5 score in column 9. */
    static DataOptions stsb() {
        return DataOptions.defaults().withTextColumn("7").withTextPairColumn("8").withLabelColumn("9")
                .withQuote(QuoteMode.NONE).withTargets(TargetFormat.regression());
    }

    /**
     * The first {@code sentences} sentences of a CoNLL-2003 split ({@code train.txt}, {@code dev.txt}), written to
     * {@code target} (document separators left out): a tiny named-entity set.
     */
    static Path conll(String split, int sentences, Path target) throws java.io.IOException {
        String text = Files.readString(shared("conll2003/" + split));
        java.util.List<String> blocks = java.util.Arrays.stream(text.split("\\n\\s*\\n")).map(String::strip)
                .filter(b -> !b.isEmpty() && !b.startsWith("-DOCSTART-")).limit(sentences).toList();
        return Files.writeString(target, String.join("\n\n", blocks) + "\n");
    }

    /**
     * The first {@code questions} questions of a SQuAD file ({@code train-44-articles.json}, {@code dev-24-articles.json}),
     * written to {@code target} as SQuAD JSON: a tiny question-answering set.
     */
    static Path squad(String file, int questions, Path target) throws java.io.IOException {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.JsonNode root = json.readTree(shared("squad/" + file).toFile());
        com.fasterxml.jackson.databind.node.ArrayNode paragraphs = json.createArrayNode();
        int left = questions;
        for (com.fasterxml.jackson.databind.JsonNode article : root.get("data")) {
            for (com.fasterxml.jackson.databind.JsonNode paragraph : article.get("paragraphs")) {
                if (left <= 0) {
                    break;
                }
                com.fasterxml.jackson.databind.node.ObjectNode copy = paragraph.deepCopy();
                com.fasterxml.jackson.databind.node.ArrayNode qas = json.createArrayNode();
                for (com.fasterxml.jackson.databind.JsonNode qa : paragraph.get("qas")) {
                    if (left-- > 0) {
                        qas.add(qa);
                    }
                }
                copy.set("qas", qas);
                paragraphs.add(copy);
            }
        }
        com.fasterxml.jackson.databind.node.ObjectNode out = json.createObjectNode().put("version", "1.1");
        out.putArray("data").addObject().put("title", "tiny").set("paragraphs", paragraphs);
        json.writeValue(target.toFile(), out);
        return target;
    }
}
