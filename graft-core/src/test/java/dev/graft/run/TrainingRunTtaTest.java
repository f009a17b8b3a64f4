package dev.graft.run;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Test-time augmentation is refused, by argument name and before any data is read, where a model could not use it. */
class TrainingRunTtaTest {

    @TempDir
    Path dir;

    private Path imageFolder() throws Exception {
        for (String c : new String[] {"a", "b"}) {
            Path f = Files.createDirectories(dir.resolve("images").resolve(c)).resolve("0.png");
            ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), "png", f.toFile());
        }
        return dir.resolve("images");
    }

    private static String refusal(TrainingRequest request) {
        return assertThrows(IllegalArgumentException.class, () -> TrainingRun.run(request, new RunListener() { })).getMessage();
    }

    @Test
    void flipIsRefusedForFineTuningForTextAndForUnknownNames() throws Exception {
        Path images = imageFolder();
        String fineTune = refusal(TrainingRequest.of(images, dir.resolve("ft")).strategy("fine-tune").tta("flip"));
        assertTrue(fineTune.startsWith("tta flip ") && fineTune.contains("strategy fine-tune"), fineTune);
        assertFalse(Files.exists(dir.resolve("ft")), "refused before anything was written");

        Path text = Files.writeString(dir.resolve("t.tsv"), "text\tlabel\ngood\tpos\nbad\tneg\n");
        String forText = refusal(TrainingRequest.of(text, dir.resolve("txt")).tta("flip"));
        assertTrue(forText.startsWith("tta flip ") && forText.contains("text models"), forText);

        String ner = refusal(TrainingRequest.of(text, dir.resolve("ner")).task(dev.graft.data.TaskKind.TOKEN_CLASSIFICATION)
                .tta("flip"));
        assertTrue(ner.startsWith("tta flip ") && ner.contains("NER"), ner);

        String unknown = refusal(TrainingRequest.of(images, dir.resolve("u")).tta("crops"));
        assertTrue(unknown.contains("tta") && unknown.contains("none or flip"), unknown);
    }
}
