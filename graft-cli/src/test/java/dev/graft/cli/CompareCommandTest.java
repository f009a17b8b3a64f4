package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code graft compare} on text: feature extraction, fine-tuning, LoRA and the random-init baseline, then the rule. */
class CompareCommandTest {

    @TempDir
    Path dir;

    @Test
    void textComparisonHasALoraRow() throws Exception {
        String[] sports = {"The team won the match", "She scored a goal", "The runner finished the marathon",
                "The goalkeeper saved a penalty", "The cyclist won the stage", "The boxer won the fight", "He hit a home run",
                "The striker missed the penalty"};
        String[] food = {"I baked a chocolate cake", "The soup needs more salt", "We ordered pizza with cheese",
                "Fry the onions until golden", "The bread is warm from the oven", "She cooked rice and chicken",
                "Add garlic to the pasta sauce", "The salad has fresh tomatoes"};
        List<String[]> train = new ArrayList<>();
        List<String[]> val = new ArrayList<>();
        for (int i = 0; i < sports.length; i++) {
            (i < 6 ? train : val).add(new String[] {sports[i], "sports"});
            (i < 6 ? train : val).add(new String[] {food[i], "food"});
        }
        CliHarness.Result r = CliHarness.run("compare", "--train", CliHarness.csv(dir, "train.csv", train).toString(), "--val",
                CliHarness.csv(dir, "val.csv", val).toString(), "--epochs", "1", "--batch-size", "4", "-q");
        assertEquals(0, r.code(), r::toString);
        List<String> rows = r.out().lines().toList();
        for (String run : List.of("feature-extraction", "fine-tune", "lora", "random-init fine-tune")) {
            assertTrue(rows.stream().anyMatch(l -> l.startsWith(run + " ")), run + "\n" + r);
        }
        long loraParams = trainable(rows, "lora");
        long ftParams = trainable(rows, "fine-tune");
        assertTrue(loraParams > 0 && loraParams * 50 < ftParams, "LoRA trains a small fraction: " + loraParams + " vs " + ftParams);
        assertTrue(r.out().contains("Recommendation: ") && r.out().contains("fine-tune vs feature-extraction")
                && r.out().contains("lora vs "), r::toString);
    }

    @Test
    void helpDescribesTheLoraRun() {
        CliHarness.Result r = CliHarness.run("compare", "--help");
        assertEquals(0, r.code(), r::toString);
        String help = r.out().replaceAll("\\s+", " ");
        assertTrue(help.contains("LoRA (text only") && help.contains("else 0.001)")
                && help.contains("LoRA is recommended instead if it is within the gap of fine-tuning"), r::toString);
    }

    @Test
    void refusesOptionsItWouldIgnore() {
        for (String[] extra : new String[][] {{"--strategy", "lora"}, {"--lora-rank", "4"}, {"--adapter-size", "8"}}) {
            List<String> args = new ArrayList<>(List.of("compare", "--train", dir.resolve("none.csv").toString()));
            args.addAll(List.of(extra));
            CliHarness.Result r = CliHarness.run(args.toArray(String[]::new));
            assertEquals(GraftCli.FAILURE, r.code(), r::toString);
            assertTrue(r.err().contains("graft compare runs every strategy itself"), r::toString);
        }
    }

    private static long trainable(List<String> rows, String run) {
        String row = rows.stream().filter(l -> l.startsWith(run + " ")).findFirst().orElseThrow();
        String[] cells = row.substring(run.length()).trim().split("\\s+");
        return Long.parseLong(cells[3]); // accuracy, macro-F1, time, trainable, ...
    }
}
