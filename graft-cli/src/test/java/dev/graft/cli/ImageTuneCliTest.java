package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.artifact.GraftModel;
import dev.graft.artifact.ImageClassifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code graft tune} on an image CSV (a tiny random ResNet backbone folder): feature-extraction trials, the best model
 * saved and its score the table's best, a study that resumes, fine-tune trials, and a strategy images cannot use refused.
 */
@ExtendWith(PrivateGraftHome.class)
class ImageTuneCliTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Path backbone() throws Exception {
        return TinyImages.backbone(dir);
    }

    private Path colours(String name, int count, long seed) throws Exception {
        return TinyImages.colours(dir, name, count, seed);
    }

    @Test
    void tuneSearchesImageTrialsSavesTheBestAndResumes() throws Exception {
        Path train = colours("train", 36, 1);
        Path val = colours("val", 18, 2);
        Path model = backbone();
        Path study = dir.resolve("study");
        String[] common = {"--train", train.toString(), "--val", val.toString(), "--model", model.toString(), "--study",
                study.toString(), "--epochs", "3", "--sampler", "random", "--pruner", "none", "--space",
                "lr=log:1e-3:1e-1,dropout=uniform:0:0.3", "--no-track", "--seed", "3"};
        CliHarness.Result r = CliHarness.run(concat(common, "--trials", "3"));
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("3 trials: 3 complete, 0 pruned, 0 failed"), r::toString);
        Matcher best = Pattern.compile("(?m)^(\\d+) \\(best\\)\\t\\S+\\t([0-9.]+)").matcher(r.out());
        assertTrue(best.find(), r::toString);
        Path saved = study.resolve(TuneCommand.BEST_MODEL);
        try (GraftModel m = GraftModel.load(saved)) {
            assertInstanceOf(ImageClassifier.class, m);
            assertEquals("image-classification", m.taskName());
        }
        assertTrue(Files.isRegularFile(saved.resolve("report.html")));
        assertTrue(Files.readString(saved.resolve("report.html")).contains("Hyperparameter search (3 trials"));
        JsonNode metrics = JSON.readTree(saved.resolve("metrics.json").toFile());
        assertEquals("feature-extraction", JSON.readTree(saved.resolve("graft-model.json").toFile()).get("strategy").asText());
        assertTrue(metrics.toString().contains("history"), metrics::toString);

        // the same command with more trials resumes: the three finished trials are kept
        CliHarness.Result more = CliHarness.run(concat(common, "--trials", "4"));
        assertEquals(0, more.code(), more::toString);
        assertTrue(more.err().contains("3 of 4 trials finished"), more::toString);
        assertTrue(more.out().contains("4 trials: 4 complete"), more::toString);

        // fine-tuning trials search the backbone's rate too
        CliHarness.Result ft = CliHarness.run("tune", "--train", train.toString(), "--val", val.toString(), "--model",
                model.toString(), "--study", dir.resolve("ft").toString(), "--strategy", "fine-tune", "--trials", "2", "--epochs",
                "2", "--sampler", "random", "--pruner", "none", "--space", "lr=log:1e-3:1e-2,lr_backbone=log:1e-5:1e-3",
                "--no-track", "-q");
        assertEquals(0, ft.code(), ft::toString);
        assertTrue(ft.out().contains("2 trials: 2 complete"), ft::toString);
        assertEquals("fine-tune", JSON.readTree(dir.resolve("ft").resolve(TuneCommand.BEST_MODEL).resolve("graft-model.json")
                .toFile()).get("strategy").asText());

        // a strategy images cannot use is refused, naming it
        CliHarness.Result lora = CliHarness.run("tune", "--train", train.toString(), "--val", val.toString(), "--model",
                model.toString(), "--study", dir.resolve("lora").toString(), "--strategy", "lora", "--trials", "1", "--no-track");
        assertNotEquals(0, lora.code());
        assertTrue(lora.err().contains("lora"), lora::toString);
    }

    private static String[] concat(String[] common, String... more) {
        String[] all = new String[common.length + more.length + 1];
        all[0] = "tune";
        System.arraycopy(common, 0, all, 1, common.length);
        System.arraycopy(more, 0, all, 1 + common.length, more.length);
        return all;
    }
}
