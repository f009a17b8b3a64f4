package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.tracking.FileStoreReader;
import dev.graft.tracking.StoredRun;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code graft train} on text compares the model with cheap baselines (negative-transfer check) unless --no-baseline. */
class TrainBaselineCheckTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static final String[] SPORTS = {"The team won the match", "She scored a goal", "The runner finished the marathon",
            "The goalkeeper saved a penalty", "The cyclist won the stage", "The boxer won the fight", "The striker scored twice",
            "The coach praised the team", "The referee stopped the match", "The fans cheered the goal"};
    private static final String[] FOOD = {"I baked a chocolate cake", "The soup needs more salt", "We ordered pizza with cheese",
            "Fry the onions until golden", "The bread is warm from the oven", "She cooked rice and chicken",
            "Bake the cake for an hour", "Add salt to the soup", "The pizza came with extra cheese", "Slice the warm bread"};

    private Path csv(String name, int from, int to) throws Exception {
        List<String[]> rows = new ArrayList<>();
        for (int i = from; i < to; i++) {
            rows.add(new String[] {SPORTS[i], "sports"});
            rows.add(new String[] {FOOD[i], "food"});
        }
        return CliHarness.csv(dir, name, rows);
    }

    @Test
    void trainReportsBaselinesAndNoBaselineSkipsThem() throws Exception {
        Path train = csv("train.csv", 0, 6);
        Path val = csv("val.csv", 6, 8);
        Path test = csv("test.csv", 8, 10);
        Path model = dir.resolve("model");
        Path store = dir.resolve("mlruns");
        CliHarness.Result r = CliHarness.run("train", "--train", train.toString(), "--val", val.toString(), "--test",
                test.toString(), "--out", model.toString(), "--epochs", "2", "--lr", "0.01", "-q", "--tracking-dir", store.toString());
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("Baselines on test (4 examples): majority 0.50, bag-of-words logistic regression "), r::toString);
        assertTrue(r.out().contains("→ transfer helps by") || r.out().contains("→ transfer does not clearly help")
                || r.out().contains("NEGATIVE TRANSFER"), r::toString);

        JsonNode metrics = JSON.readTree(model.resolve("metrics.json").toFile());
        JsonNode b = metrics.get("baselines");
        assertTrue(b != null && b.isObject(), metrics::toString);
        assertEquals("test", b.get("split").asText());
        assertEquals(4, b.get("n").asInt());
        assertEquals("food", b.get("majority").get("label").asText(), "a tie goes to the first label");
        assertEquals(0.5, b.get("majority").get("accuracy").asDouble(), 1e-12);
        double bow = b.get("bag_of_words_logreg").get("accuracy").asDouble();
        assertTrue(bow >= 0 && bow <= 1 && b.get("bag_of_words_logreg").get("macro_f1").isNumber(), b::toString);
        assertEquals(metrics.get("test").get("accuracy").asDouble(), b.get("model").get("accuracy").asDouble(), 1e-12);
        assertEquals(metrics.get("test").get("accuracy").asDouble() - Math.max(0.5, bow), b.get("gain").asDouble(), 1e-12);
        assertTrue(List.of("helps", "unclear", "negative").contains(b.get("verdict").asText()), b::toString);
        assertTrue(b.get("threshold").asDouble() >= 0.02);

        String html = Files.readString(model.resolve("report.html"), StandardCharsets.UTF_8);
        assertTrue(html.contains("Baselines (negative-transfer check)"), "report section");

        StoredRun run = new FileStoreReader(store).runs(null).get(0);
        assertEquals(bow, run.latest("baseline_bow_accuracy").getAsDouble(), 1e-12);
        assertEquals(0.5, run.latest("baseline_majority_accuracy").getAsDouble(), 1e-12);

        CliHarness.Result skipped = CliHarness.run("train", "--train", train.toString(), "--val", val.toString(), "--test",
                test.toString(), "--out", model.toString(), "--epochs", "1", "-q", "--no-track", "--no-baseline");
        assertEquals(0, skipped.code(), skipped::toString);
        assertFalse(skipped.out().contains("Baselines on"), skipped::toString);
        assertFalse(JSON.readTree(model.resolve("metrics.json").toFile()).has("baselines"));
        assertFalse(Files.readString(model.resolve("report.html"), StandardCharsets.UTF_8).contains("negative-transfer check"));
    }
}
