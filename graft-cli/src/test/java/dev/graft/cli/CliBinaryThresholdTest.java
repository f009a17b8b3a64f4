package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An imbalanced two-class task with the bundled MiniLM: ROC-AUC and PR-AUC in metrics.json and evaluate, a decision
 * threshold tuned on validation, saved in the manifest (format v3) and applied by predict and evaluate; classifiers
 * without one keep the v1 manifest; the choices are refused for three classes.
 */
class CliBinaryThresholdTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final List<String> SPORTS = List.of("The team won the football match last night",
            "She scored a goal in the final minute", "The tennis player served an ace", "Our basketball coach called a timeout",
            "The runner finished the marathon in record time", "Fans cheered as the striker scored", "The cricket batsman hit a six",
            "He trained hard for the swimming championship", "The goalkeeper saved a penalty kick", "The cyclist won the mountain stage",
            "The boxer knocked out his opponent");
    private static final List<String> OTHER = List.of("I baked a chocolate cake for dessert", "My laptop needs a software update",
            "This pasta sauce needs more garlic", "The new phone has a faster processor", "The soup is made with fresh tomatoes",
            "Install the latest version of the app", "We ordered pizza with extra cheese", "The server crashed after the database upgrade",
            "She cooked rice and grilled chicken", "He wrote a program in Java", "The bread is still warm from the oven",
            "The wifi router keeps dropping the connection", "Add salt and pepper to the salad", "Restart the computer to apply the patch",
            "The recipe calls for two eggs and flour", "The graphics card supports ray tracing", "He made pancakes with maple syrup",
            "Our website runs on a cloud platform", "The curry was spicy and delicious", "The keyboard stopped working after the update",
            "I like strawberries with whipped cream", "She debugged the code with a breakpoint", "The chef roasted vegetables in olive oil",
            "The hard drive is almost full", "We had sushi and miso soup for lunch", "Download the file from the network share",
            "The cookies taste of butter and vanilla", "The operating system froze at boot", "She blended bananas into a smoothie",
            "He configured the firewall rules", "Fry the onions until they are golden", "The printer driver failed to install",
            "The steak was cooked medium rare", "Reset your password in the account settings", "Sprinkle the cheese over the lasagne",
            "The tablet battery drains too fast");

    @TempDir
    Path dir;

    /** Other {@code [o0, o1)}, the first of them each followed by one of sports {@code [s0, s1)}: one sport in four or five. */
    private static List<String[]> rows(int s0, int s1, int o0, int o1) {
        List<String[]> rows = new ArrayList<>();
        for (int i = o0; i < o1; i++) {
            rows.add(new String[] {OTHER.get(i), "other"});
            if (s0 + (i - o0) < s1) {
                rows.add(new String[] {SPORTS.get(s0 + (i - o0)), "sports"});
            }
        }
        return rows;
    }

    @Test
    void aTunedThresholdIsSavedAndPredictAndEvaluateDecideByIt() throws Exception {
        Path train = CliHarness.csv(dir, "train.csv", rows(0, 5, 0, 20));
        Path val = CliHarness.csv(dir, "val.csv", rows(5, 8, 20, 28));
        Path test = CliHarness.csv(dir, "test.csv", rows(8, 11, 28, 36));
        Path model = dir.resolve("model");
        CliHarness.Result trained = CliHarness.run("train", "--train", train.toString(), "--val", val.toString(), "--test", test.toString(),
                "--model", "minilm", "--out", model.toString(), "--epochs", "5", "--lr", "0.01", "--seed", "7",
                "--positive-label", "sports", "--decision-threshold", "tune:f1", "--monitor", "pr_auc", "-q");
        assertEquals(0, trained.code(), trained::toString);

        JsonNode manifest = JSON.readTree(model.resolve("graft-model.json").toFile());
        assertEquals(3, manifest.get("format_version").asInt(), manifest::toString);
        JsonNode settings = manifest.get("task_settings");
        assertEquals("classification", settings.get("kind").asText());
        assertEquals("sports", settings.get("settings").get("positive_label").asText());
        assertEquals("f1", settings.get("settings").get("threshold_tuned_for").asText());
        double threshold = settings.get("settings").get("decision_threshold").asDouble();
        assertTrue(threshold > 0 && threshold < 1, manifest::toString);

        JsonNode metrics = JSON.readTree(model.resolve("metrics.json").toFile());
        assertEquals("pr_auc", metrics.get("monitor").asText());
        for (String split : List.of("validation", "test")) {
            JsonNode m = metrics.get(split);
            assertEquals("sports", m.get("positive_label").asText(), m::toString);
            assertEquals(threshold, m.get("decision_threshold").asDouble(), 0.0, m::toString);
            assertTrue(m.get("roc_auc").asDouble() > 0.5 && m.get("pr_auc").asDouble() > 0, m::toString);
        }
        assertEquals(3, metrics.get("test").get("positives").asInt());
        assertTrue(metrics.get("history").get(0).toString().contains("pr_auc"), "every epoch logs the ranking figures");
        assertTrue(trained.out().contains("ROC-AUC") && trained.out().contains("P(sports) ≥"), trained::toString);

        // evaluate decides as training scored the test set
        CliHarness.Result eval = CliHarness.run("evaluate", "--model", model.toString(), "--data", test.toString(), "--json");
        assertEquals(0, eval.code(), eval::toString);
        JsonNode e = JSON.readTree(eval.out());
        JsonNode t = metrics.get("test");
        for (String key : List.of("accuracy", "macro_f1", "roc_auc", "pr_auc", "decision_threshold")) {
            assertEquals(t.get(key).asDouble(), e.get(key).asDouble(), 1e-6, key + " of evaluate vs metrics.json");
        }
        assertEquals(t.get("confusion_matrix"), e.get("confusion_matrix"));

        // predict: sports exactly when P(sports) reaches the saved threshold
        StringBuilder input = new StringBuilder();
        for (String s : SPORTS.subList(8, 11)) {
            input.append(s).append('\n');
        }
        for (String s : OTHER.subList(28, 36)) {
            input.append(s).append('\n');
        }
        CliHarness.Result predicted = CliHarness.runWithInput(input.toString(), "predict", "--model", model.toString(), "--input", "-", "--json");
        assertEquals(0, predicted.code(), predicted::toString);
        List<String> lines = predicted.out().strip().lines().toList();
        assertEquals(11, lines.size(), predicted::toString);
        for (String line : lines) {
            JsonNode p = JSON.readTree(line);
            float sports = (float) p.get("probabilities").get("sports").asDouble();
            assertEquals(sports >= threshold ? "sports" : "other", p.get("label").asText(), line + " at threshold " + threshold);
        }
    }

    @Test
    void withoutAThresholdTheManifestStaysV1AndThreeClassesRefuseBinaryChoices() throws Exception {
        Path train = CliHarness.csv(dir, "train.csv", rows(0, 5, 0, 20));
        Path model = dir.resolve("model");
        CliHarness.Result plain = CliHarness.run("train", "--train", train.toString(), "--model", "minilm", "--out", model.toString(),
                "--epochs", "3", "--val-fraction", "0.3", "--test-fraction", "0", "-q");
        assertEquals(0, plain.code(), plain::toString);
        JsonNode manifest = JSON.readTree(model.resolve("graft-model.json").toFile());
        assertEquals(1, manifest.get("format_version").asInt(), manifest::toString);
        assertFalse(manifest.has("task_settings") && !manifest.get("task_settings").isNull(), manifest::toString);
        JsonNode val = JSON.readTree(model.resolve("metrics.json").toFile()).get("validation");
        assertEquals("sports", val.get("positive_label").asText(), "the second class in label order by default");
        assertTrue(val.has("roc_auc") && val.get("decision_threshold").isNull(), val::toString);

        List<String[]> three = new ArrayList<>(rows(0, 5, 0, 20));
        three.addAll(List.of(new String[] {"The stock market fell sharply", "finance"}, new String[] {"Interest rates rose again", "finance"},
                new String[] {"The bank cut its fees", "finance"}, new String[] {"Shares of the company doubled", "finance"}));
        Path threeCsv = CliHarness.csv(dir, "three.csv", three);
        CliHarness.Result refused = CliHarness.run("train", "--train", threeCsv.toString(), "--model", "minilm",
                "--out", dir.resolve("m3").toString(), "--decision-threshold", "tune:f1", "-q");
        assertEquals(1, refused.code(), refused::toString);
        assertTrue(refused.err().contains("needs two classes") && refused.err().contains("finance"), refused::toString);
        assertFalse(Files.exists(dir.resolve("m3")), "nothing written");
        CliHarness.Result monitor = CliHarness.run("train", "--train", threeCsv.toString(), "--model", "minilm",
                "--out", dir.resolve("m4").toString(), "--monitor", "roc_auc", "-q");
        assertEquals(1, monitor.code(), monitor::toString);
        assertTrue(monitor.err().contains("two-class"), monitor::toString);
        CliHarness.Result badRule = CliHarness.run("train", "--train", train.toString(), "--model", "minilm",
                "--out", dir.resolve("m5").toString(), "--decision-threshold", "tune:recall", "-q");
        assertEquals(1, badRule.code(), badRule::toString);
        assertTrue(badRule.err().contains("--decision-threshold") && badRule.err().contains("f1, balanced_accuracy, mcc or accuracy"),
                badRule::toString);
        assertNotEquals(0, CliHarness.run("train", "--train", train.toString(), "--model", "minilm", "--out", dir.resolve("m6").toString(),
                "--positive-label", "golf", "-q").code());
    }
}
