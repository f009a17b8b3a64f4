package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI contract end to end with the bundled MiniLM model: train, evaluate --json, predict from a
 * file and from standard input, determinism, the embedding cache and replacing a model.
 */
class CliEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> LABELS = Set.of("sports", "food", "tech");

    private static final List<String> SPORTS = List.of("The team won the football match last night",
            "She scored a goal in the final minute", "The tennis player served an ace", "Our basketball coach called a timeout",
            "The runner finished the marathon in record time", "Fans cheered as the striker scored", "The cricket batsman hit a six",
            "He trained hard for the swimming championship", "The goalkeeper saved a penalty kick", "The cyclist won the mountain stage",
            "The boxer knocked out his opponent", "The hockey team lost in overtime", "She won a gold medal at the olympics",
            "The referee showed a red card", "The quarterback threw a touchdown pass", "The golfer sank a long putt on the last hole",
            "The sprinter won the hundred metres race", "The rugby team scored a late try");
    private static final List<String> FOOD = List.of("I baked a chocolate cake for dessert", "This pasta sauce needs more garlic",
            "The soup is made with fresh tomatoes", "We ordered pizza with extra cheese", "She cooked rice and grilled chicken",
            "The bread is still warm from the oven", "Add salt and pepper to the salad", "The recipe calls for two eggs and flour",
            "He made pancakes with maple syrup", "The curry was spicy and delicious", "I like strawberries with whipped cream",
            "The chef roasted vegetables in olive oil", "We had sushi and miso soup for lunch", "The cookies taste of butter and vanilla",
            "She blended bananas into a smoothie", "Fry the onions until they are golden", "The steak was cooked medium rare",
            "Sprinkle the cheese over the lasagne");
    private static final List<String> TECH = List.of("My laptop needs a software update", "The new phone has a faster processor",
            "Install the latest version of the app", "The server crashed after the database upgrade", "He wrote a program in Java",
            "The wifi router keeps dropping the connection", "Restart the computer to apply the patch",
            "The graphics card supports ray tracing", "Our website runs on a cloud platform", "The keyboard stopped working after the update",
            "She debugged the code with a breakpoint", "The hard drive is almost full", "Download the file from the network share",
            "The operating system froze at boot", "He configured the firewall rules", "The printer driver failed to install",
            "Reset your password in the account settings", "The tablet battery drains too fast");

    @TempDir
    Path dir;

    /** Rows {from, to) of every class. */
    private static List<String[]> rows(int from, int to) {
        List<String[]> rows = new ArrayList<>();
        for (int i = from; i < to; i++) {
            rows.add(new String[] {SPORTS.get(i), "sports"});
            rows.add(new String[] {FOOD.get(i), "food"});
            rows.add(new String[] {TECH.get(i), "tech"});
        }
        return rows;
    }

    @Test
    void lrFindSuggestsARateRepeatablyAndWritesAPlot() throws Exception {
        Path train = CliHarness.csv(dir, "train.csv", rows(0, 12));
        Path plot = dir.resolve("lr.png");
        String[] args = {"lr-find", "--train", train.toString(), "--strategy", "feature-extraction", "--steps", "30", "--json", "-q"};
        CliHarness.Result a = CliHarness.run(args);
        assertEquals(0, a.code(), a::toString);
        JsonNode ja = JSON.readTree(a.out());
        double suggestion = ja.get("suggestion").asDouble();
        assertTrue(suggestion >= 1e-7 && suggestion <= 10, a::toString);
        assertEquals(30, ja.get("learning_rates").size() + (30 - ja.get("losses").size()), "one rate per recorded loss");
        CliHarness.Result b = CliHarness.run(args);
        assertEquals(suggestion, JSON.readTree(b.out()).get("suggestion").asDouble(), 0.0, "same seed, same suggestion");

        CliHarness.Result withPlot = CliHarness.run("lr-find", "--train", train.toString(), "--steps", "30", "--plot", plot.toString(), "-q");
        assertEquals(0, withPlot.code(), withPlot::toString);
        assertTrue(withPlot.out().contains("Suggested learning rate"), withPlot::toString);
        assertTrue(javax.imageio.ImageIO.read(plot.toFile()) != null, "the plot is a PNG");
        CliHarness.Result again = CliHarness.run("lr-find", "--train", train.toString(), "--steps", "30", "--plot", plot.toString(), "-q");
        assertEquals(1, again.code(), again::toString);
        assertTrue(again.err().contains("already exists"), again::toString);
    }

    @Test
    void trainEvaluatePredictAndRetrain() throws Exception {
        Path train = CliHarness.csv(dir, "train.csv", rows(0, 12));
        Path val = CliHarness.csv(dir, "val.csv", rows(12, 15));
        Path test = CliHarness.csv(dir, "test.csv", rows(15, 18));
        Path model = dir.resolve("model");
        String[] trainArgs = {"train", "--train", train.toString(), "--val", val.toString(), "--test", test.toString(),
                "--model", "minilm", "--strategy", "feature-extraction", "--out", model.toString(),
                "--text-column", "text", "--label-column", "label", "--epochs", "5", "--lr", "0.01", "--seed", "7"};

        // train
        CliHarness.Result first = CliHarness.run(trainArgs);
        assertEquals(0, first.code(), first::toString);
        for (String f : List.of("graft-model.json", "head.safetensors", "backbone/model.onnx", "provenance.json", "metrics.json")) {
            assertTrue(Files.isRegularFile(model.resolve(f)), () -> f + " missing; " + first);
        }
        JsonNode metrics1 = JSON.readTree(model.resolve("metrics.json").toFile());
        assertTrue(metrics1.has("validation") && metrics1.has("test"), metrics1::toString);
        assertEquals(9, metrics1.get("validation").get("n").asInt());
        assertEquals(9, metrics1.get("test").get("n").asInt());
        assertTrue(first.out().contains("Saved the model to"), first::toString);
        assertTrue(first.err().contains("train 36, val 9, test 9 examples"), first::toString);

        // evaluate --json: exactly one JSON object on stdout
        CliHarness.Result eval = CliHarness.run("evaluate", "--model", model.toString(), "--data", test.toString(), "--json");
        assertEquals(0, eval.code(), eval::toString);
        assertEquals(1, eval.out().strip().lines().count(), eval::toString);
        JsonNode json = JSON.readTree(eval.out());
        assertTrue(json.isObject());
        for (String key : List.of("accuracy", "macro_f1", "n", "labels", "confusion_matrix")) {
            assertTrue(json.has(key), () -> key + " missing in " + eval.out());
        }
        assertEquals(9, json.get("n").asInt());
        assertEquals(3, json.get("labels").size());
        assertEquals(3, json.get("confusion_matrix").size());
        assertTrue(json.get("accuracy").asDouble() >= 0.8, () -> "accuracy too low: " + eval.out());

        // evaluate, human-readable
        CliHarness.Result table = CliHarness.run("evaluate", "--model", model.toString(), "--data", test.toString(), "-q");
        assertEquals(0, table.code(), table::toString);
        assertTrue(table.out().contains("accuracy") && table.out().contains("9 examples"), table::toString);

        // predict from a file: one line per non-blank input line, in order
        Path input = Files.writeString(dir.resolve("input.txt"),
                "The striker scored twice in the derby\n\nBake the bread for forty minutes\r\n   \nMy computer will not boot after the update\n");
        CliHarness.Result predicted = CliHarness.run("predict", "--model", model.toString(), "--input", input.toString());
        assertEquals(0, predicted.code(), predicted::toString);
        List<String[]> lines = predictions(predicted.out());
        assertEquals(3, lines.size(), predicted::toString);
        assertEquals("The striker scored twice in the derby", lines.get(0)[2]);
        assertEquals("Bake the bread for forty minutes", lines.get(1)[2], "CR of CRLF must be dropped");
        assertEquals(List.of("sports", "food", "tech"), lines.stream().map(l -> l[0]).toList(), predicted::toString);

        // predict from standard input
        CliHarness.Result stdin = CliHarness.runWithInput("We grilled fish and potatoes\nThe goalie blocked the shot\n",
                "predict", "--model", model.toString(), "--input", "-");
        assertEquals(0, stdin.code(), stdin::toString);
        List<String[]> fromStdin = predictions(stdin.out());
        assertEquals(2, fromStdin.size(), stdin::toString);
        assertEquals("We grilled fish and potatoes", fromStdin.get(0)[2]);

        // predict --json: JSON Lines
        CliHarness.Result jsonl = CliHarness.runWithInput("The app crashed on startup\n", "predict", "--model", model.toString(),
                "--input", "-", "--json");
        assertEquals(0, jsonl.code(), jsonl::toString);
        JsonNode p = JSON.readTree(jsonl.out().strip());
        assertTrue(LABELS.contains(p.get("label").asText()) && p.get("probabilities").size() == 3, jsonl::toString);

        // the same run again onto the existing model: replaced, embeddings from the cache, identical metrics
        long before = Files.getLastModifiedTime(model.resolve("graft-model.json")).toMillis();
        CliHarness.Result second = CliHarness.run(trainArgs);
        assertEquals(0, second.code(), second::toString);
        assertTrue(second.out().contains("Replaced the model at"), second::toString);
        assertTrue(second.err().contains("reused cached embeddings for 36 texts"), second::toString);
        assertTrue(second.out().contains("3 split(s) from cache"), second::toString);
        JsonNode metrics2 = JSON.readTree(model.resolve("metrics.json").toFile());
        assertEquals(metrics1.get("validation"), metrics2.get("validation"));
        assertEquals(metrics1.get("test"), metrics2.get("test"));
        assertEquals(metrics1.get("best_epoch"), metrics2.get("best_epoch"));
        assertTrue(Files.getLastModifiedTime(model.resolve("graft-model.json")).toMillis() >= before);
        try (var entries = Files.list(dir)) {
            assertFalse(entries.anyMatch(e -> e.getFileName().toString().startsWith(".")),
                    "no staging or backup directories may be left next to the model");
        }
    }

    @Test
    void modelsList() {
        CliHarness.Result r = CliHarness.run("models", "list");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("minilm") && r.out().contains("all-MiniLM-L6-v2"), r::toString);
    }

    @Test
    void helpOfEveryCommandIsCleanAndExitsZero() {
        for (String[] cmd : List.of(new String[] {"train", "--help"}, new String[] {"evaluate", "--help"},
                new String[] {"predict", "--help"}, new String[] {"models", "list", "--help"}, new String[] {"--help"})) {
            CliHarness.Result r = CliHarness.run(cmd);
            assertEquals(0, r.code(), r::toString);
            assertTrue(r.out().startsWith("Usage: graft"), r::toString);
            assertFalse(r.err().contains("WARN"), () -> "picocli warning: " + r);
        }
        CliHarness.Result train = CliHarness.run("train", "--help");
        assertTrue(train.out().contains("--skip-empty-text") && train.out().contains("--skip-empty-label"), train::toString);
        assertTrue(train.out().contains("10% of it"), train::toString);
    }

    /** Parses {@code label<TAB>probability<TAB>text} lines, checking label and probability. */
    private static List<String[]> predictions(String out) {
        List<String[]> result = new ArrayList<>();
        for (String line : out.strip().split("\n")) {
            String[] parts = line.split("\t", 3);
            assertEquals(3, parts.length, () -> "not label<TAB>probability<TAB>text: " + line);
            assertTrue(LABELS.contains(parts[0]), () -> "unknown label in " + line);
            double prob = Double.parseDouble(parts[1]);
            assertTrue(prob > 0 && prob <= 1, () -> "probability out of (0, 1]: " + line);
            result.add(parts);
        }
        return result;
    }
}
