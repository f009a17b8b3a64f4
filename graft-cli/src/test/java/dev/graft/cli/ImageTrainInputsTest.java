package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code graft train} does with image inputs that are not what they seem: a model saved inside the data, empty
 * class folders and images over the pixel limit are left out with a notice; an {@code --out} inside the data and an
 * {@code --image-size} the backbones cannot take are refused with one {@code error:} line.
 */
@ExtendWith(PrivateGraftHome.class)
class ImageTrainInputsTest {

    @TempDir
    Path dir;

    private Path twoClasses() throws Exception {
        Random r = new Random(5);
        Path train = dir.resolve("train");
        for (int i = 0; i < 3; i++) {
            ImageTrainReportTest.square(train.resolve("dark").resolve(i + ".png"), r, false);
            ImageTrainReportTest.square(train.resolve("light").resolve(i + ".png"), r, true);
        }
        return train;
    }

    private static void assertOneErrorLine(CliHarness.Result res, String expected) {
        assertEquals(GraftCli.FAILURE, res.code(), res::toString);
        assertEquals(List.of(expected), res.err().lines().toList(), res::toString);
    }

    @Test
    void imageSizeTheBackbonesCannotTakeIsRefusedNamingTheArgument() throws Exception {
        Path train = twoClasses();
        String model = "efficientnet-b0:" + ImageTrainReportTest.b0Checkpoint(dir);
        for (String size : List.of("0", "1", "31")) {
            CliHarness.Result res = CliHarness.run("train", "-q", "--no-track", "--train", train.toString(), "--model", model,
                    "--image-size", size, "--out", dir.resolve("m" + size).toString());
            assertOneErrorLine(res, "error: --image-size: image size must be at least 32 pixels (the image backbones, MobileNetV2,"
                    + " ResNet and EfficientNet, downsample by 32), got " + size + ".");
            assertFalse(Files.exists(dir.resolve("m" + size)));
        }
    }

    @Test
    void outInsideTheTrainingFolderIsRefusedBeforeTraining() throws Exception {
        Path train = twoClasses();
        Path out = train.resolve("my-model");
        CliHarness.Result res = CliHarness.run("train", "-q", "--no-track", "--train", train.toString(), "--model", "mobilenetv2",
                "--out", out.toString());
        assertOneErrorLine(res, "error: --out " + out + " lies inside the image folder " + train + " that this run reads: the saved"
                + " model would be read as a class by the next run on it. Choose an --out outside " + train + ".");
        assertFalse(Files.exists(out));
    }

    @Test
    void modelFoldersEmptyClassesAndOversizedImagesAreLeftOutWithANotice() throws Exception {
        Path train = twoClasses();
        // a model saved inside the data by an earlier run (its plots are PNGs), an empty class folder, an unfinished save
        Path old = train.resolve("old-model");
        ImageTrainReportTest.square(old.resolve("plots/curve.png"), new Random(1), true);
        Files.writeString(old.resolve("graft-model.json"), "{}");
        Files.createDirectories(train.resolve("empty"));
        ImageTrainReportTest.square(train.resolve(".old-model.partial-1a2b/plots/curve.png"), new Random(2), true);
        // 30×30 = 900 pixels, over a 500-pixel limit set with the system property (the 20×20 squares are 400)
        Path big = train.resolve("light/big.png");
        ImageIO.write(new BufferedImage(30, 30, BufferedImage.TYPE_INT_RGB), "png", big.toFile());
        System.setProperty("graft.image.maxPixels", "500");
        CliHarness.Result res;
        try {
            res = CliHarness.run("train", "--no-track", "--no-baseline", "--train", train.toString(), "--val", train.toString(),
                    "--model", "efficientnet-b0:" + ImageTrainReportTest.b0Checkpoint(dir), "--image-size", "32", "--epochs", "1",
                    "--out", dir.resolve("model").toString());
        } finally {
            System.clearProperty("graft.image.maxPixels");
        }
        assertEquals(0, res.code(), res::toString);
        String note = "note: " + train + ": skipped 1 Graft model folder(s) saved inside the data (old-model; a model is not a class),"
                + " 1 hidden file(s) or folder(s), 1 unreadable image(s): " + big + " (too large: 30×30 = 900 pixels, over the limit of 500;"
                + " downscale it, or raise the limit with the Java system property graft.image.maxPixels, e.g."
                + " GRAFT_JAVA_OPTS=\"-Xmx4g -Dgraft.image.maxPixels=900\")";
        String warning = "warning: " + train + ": ignored 1 class folder(s) without a readable image: empty";
        assertEquals(2, res.err().lines().filter(l -> l.equals(note)).count(), res::toString); // --train and --val
        assertEquals(2, res.err().lines().filter(l -> l.equals(warning)).count(), res::toString);
        assertTrue(res.err().contains("classes: {dark=3, light=3}"), res::toString);
    }
}
