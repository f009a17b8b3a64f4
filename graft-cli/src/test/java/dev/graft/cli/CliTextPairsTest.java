package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Text pairs on the command line: {@code --quote none} for files whose quotes are ordinary characters, and
 * {@code --text-pair-column} for data whose examples are two texts (the layout of GLUE's MRPC).
 */
class CliTextPairsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final List<List<String>> TOPICS = List.of(
            List.of("The team won the \"big\" football match", "She scored a goal in the final minute", "The tennis player served an ace",
                    "Our basketball coach called a timeout", "The runner finished the marathon", "The goalkeeper saved a penalty kick"),
            List.of("I baked a chocolate cake for dessert", "This pasta sauce needs more garlic", "The soup is made with fresh tomatoes",
                    "We ordered pizza with extra cheese", "The bread is still warm from the oven", "He made pancakes with maple syrup"),
            List.of("My laptop needs a software update", "The new phone has a faster processor", "The server crashed after the upgrade",
                    "The wifi router keeps dropping the connection", "Restart the computer to apply the patch",
                    "The printer driver failed to install"));

    @TempDir
    Path dir;

    /**
     * Headerless {@code label<TAB>id<TAB>sentence1<TAB>sentence2} pairs of the sentences {@code [from, to)} of each topic:
     * label 1 when both sentences are about the same topic, 0 otherwise (a stray quote in the first sports sentence).
     */
    private Path topicPairs(String name, int from, int to) throws IOException {
        StringBuilder sb = new StringBuilder();
        int id = 0;
        for (int t = 0; t < TOPICS.size(); t++) {
            for (int i = from; i < to; i++) {
                for (int j = from; j < to; j++) {
                    if (i != j) {
                        sb.append("1\t").append(id++).append('\t').append(TOPICS.get(t).get(i)).append('\t')
                                .append(TOPICS.get(t).get(j)).append('\n');
                    }
                    int other = (t + 1 + (i + j) % 2) % TOPICS.size();
                    sb.append("0\t").append(id++).append('\t').append(TOPICS.get(t).get(i)).append('\t')
                            .append(TOPICS.get(other).get(j)).append('\n');
                }
            }
        }
        return Files.writeString(dir.resolve(name), sb.toString(), StandardCharsets.UTF_8);
    }

    private static final String[] PAIR_COLUMNS = {"--quote", "none", "--text-column", "2", "--text-pair-column", "3",
            "--label-column", "0"};

    private static String[] args(String[] head, String... tail) {
        List<String> all = new ArrayList<>(List.of(head));
        all.addAll(List.of(tail));
        return all.toArray(String[]::new);
    }

    private static void assertContains(CliHarness.Result r, String... parts) {
        for (String p : parts) {
            assertTrue(r.err().contains(p) || r.out().contains(p), () -> "expected '" + p + "' in: " + r);
        }
    }

    /** Headerless {@code label<TAB>id<TAB>sentence1<TAB>sentence2}, a stray quote opening sentence 1 of line 2. */
    private Path mrpcLike() throws IOException {
        String rows = String.join("\n", List.of(
                "1\t1\tThe team won the match.\tThe match was won by the team.",
                "0\t2\t\"I baked a cake.\tThe server crashed.",
                "1\t3\tShe scored a goal.\tA goal was scored by her.",
                "0\t4\tThe soup is hot.\tMy laptop needs an update.")) + "\n";
        return Files.writeString(dir.resolve("pairs.txt"), rows, StandardCharsets.UTF_8);
    }

    @Test
    void anUnclosedQuoteNamesTheLineAndSuggestsQuoteNone() throws IOException {
        Path data = mrpcLike();
        CliHarness.Result r = CliHarness.run("train", "-q", "--train", data.toString(), "--text-column", "2",
                "--label-column", "0", "--out", dir.resolve("out").toString());
        assertEquals(GraftCli.FAILURE, r.code(), r::toString);
        assertContains(r, "pairs.txt", "line 2", "--quote none");
    }

    @Test
    void commandsThatReadSingleTextsRefuseThePairColumn() throws IOException {
        Path data = mrpcLike();
        CliHarness.Result r = CliHarness.run("fewshot", "--train", data.toString(), "--quote", "none", "--text-column", "2",
                "--text-pair-column", "3", "--label-column", "0");
        assertEquals(GraftCli.FAILURE, r.code(), r::toString);
        assertContains(r, "--text-pair-column is not used by graft fewshot");
        CliHarness.Result quote = CliHarness.run("train", "--train", data.toString(), "--quote", "single", "--out",
                dir.resolve("out").toString());
        assertEquals(GraftCli.FAILURE, quote.code(), quote::toString);
        assertContains(quote, "Unknown quote mode 'single'");
    }

    @Test
    void featureExtractionOnPairsTrainsEvaluatesAndPredictsPairs() throws IOException {
        Path train = topicPairs("train.txt", 0, 4);
        Path val = topicPairs("val.txt", 4, 6);
        Path model = dir.resolve("model");
        String[] trainArgs = args(new String[] {"train", "--train", train.toString(), "--val", val.toString(), "--out",
                model.toString(), "--epochs", "20", "--seed", "42", "--no-track"}, PAIR_COLUMNS);
        CliHarness.Result trained = CliHarness.run(trainArgs);
        assertEquals(0, trained.code(), trained::toString);
        assertContains(trained, "train 84, val 18 text pairs", "Baselines on validation", "Saved the model to");
        JsonNode manifest = JSON.readTree(model.resolve("graft-model.json").toFile());
        assertEquals("text-pair", manifest.at("/input/type").asText());
        assertEquals("u-v-absdiff-product", manifest.at("/input/pair_encoding").asText());
        assertEquals(4 * 384, manifest.at("/head/input_dim").asInt());
        assertTrue(Files.isRegularFile(model.resolve("report.html")), trained::toString);
        JsonNode metrics = JSON.readTree(model.resolve("metrics.json").toFile());
        double valAccuracy = metrics.at("/validation/accuracy").asDouble();
        assertTrue(valAccuracy > 0.7, () -> "better than the majority class (0.67): validation accuracy " + valAccuracy + ": " + trained);
        assertTrue(metrics.has("baselines"), metrics::toString);

        // evaluate reads the pair column with the same options, and scores exactly as training did
        CliHarness.Result eval = CliHarness.run(args(new String[] {"evaluate", "--model", model.toString(), "--data",
                val.toString(), "--json"}, PAIR_COLUMNS));
        assertEquals(0, eval.code(), eval::toString);
        JsonNode json = JSON.readTree(eval.out());
        assertEquals(18, json.get("n").asInt());
        assertEquals(valAccuracy, json.get("accuracy").asDouble(), 1e-9);
        CliHarness.Result single = CliHarness.run("evaluate", "--model", model.toString(), "--data", val.toString(),
                "--quote", "none", "--text-column", "2", "--label-column", "0");
        assertEquals(GraftCli.FAILURE, single.code(), single::toString);
        assertContains(single, "holds single texts, but this model classifies text pairs", "textPairColumn");

        // predict: one pair per line, sentence1<TAB>sentence2
        CliHarness.Result predicted = CliHarness.runWithInput(
                "The striker scored twice in the derby\tThe goalie blocked the shot\n\nBake the bread for forty minutes\tMy computer will not boot\n",
                "predict", "--model", model.toString(), "--input", "-");
        assertEquals(0, predicted.code(), predicted::toString);
        List<String[]> lines = predicted.out().lines().map(l -> l.split("\t", -1)).toList();
        assertEquals(2, lines.size(), predicted::toString);
        assertEquals(4, lines.get(0).length, predicted::toString);
        assertEquals("The goalie blocked the shot", lines.get(0)[3]);
        assertEquals(List.of("1", "0"), lines.stream().map(l -> l[0]).toList(), predicted::toString);
        CliHarness.Result jsonl = CliHarness.runWithInput("a cake\tthe oven\n", "predict", "--model", model.toString(),
                "--input", "-", "--json");
        assertEquals(0, jsonl.code(), jsonl::toString);
        assertEquals("the oven", JSON.readTree(jsonl.out().strip()).get("text_pair").asText());
        CliHarness.Result oneText = CliHarness.runWithInput("a b\tc\njust one text\n", "predict", "--model", model.toString(),
                "--input", "-");
        assertEquals(GraftCli.FAILURE, oneText.code(), oneText::toString);
        assertContains(oneText, "standard input: line 2 holds one text", "classifies text pairs", "sentence1<TAB>sentence2");

        // same seed, same metrics; the second run embeds nothing
        CliHarness.Result again = CliHarness.run(trainArgs);
        assertEquals(0, again.code(), again::toString);
        assertContains(again, "2 split(s) from cache");
        assertEquals(metrics.get("validation"), JSON.readTree(model.resolve("metrics.json").toFile()).get("validation"));
    }

    @Test
    void fineTuningOnPairsIsACrossEncoder() throws IOException {
        Path train = topicPairs("train.txt", 0, 4);
        Path val = topicPairs("val.txt", 4, 6);
        Path model = dir.resolve("cross");
        CliHarness.Result trained = CliHarness.run(args(new String[] {"train", "--train", train.toString(), "--val", val.toString(),
                "--out", model.toString(), "--strategy", "fine-tune", "--epochs", "1", "--seed", "42", "--no-track", "-q",
                "--no-baseline"}, PAIR_COLUMNS));
        assertEquals(0, trained.code(), trained::toString);
        JsonNode manifest = JSON.readTree(model.resolve("graft-model.json").toFile());
        assertEquals("cross-encoder", manifest.at("/input/pair_encoding").asText());
        assertEquals(384, manifest.at("/head/input_dim").asInt(), "the head reads the pooled output of the joint sequence");
        JsonNode metrics = JSON.readTree(model.resolve("metrics.json").toFile());

        // the saved cross-encoder scores the validation pairs as training did
        CliHarness.Result eval = CliHarness.run(args(new String[] {"evaluate", "--model", model.toString(), "--data",
                val.toString(), "--json"}, PAIR_COLUMNS));
        assertEquals(0, eval.code(), eval::toString);
        assertEquals(metrics.at("/validation/accuracy").asDouble(), JSON.readTree(eval.out()).get("accuracy").asDouble(), 1e-9);
        CliHarness.Result predicted = CliHarness.runWithInput("The striker scored twice\tThe goalie blocked the shot\n", "predict",
                "--model", model.toString(), "--input", "-");
        assertEquals(0, predicted.code(), predicted::toString);
        assertEquals(4, predicted.out().strip().split("\t").length, predicted::toString);
    }
}
