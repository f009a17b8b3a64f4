package dev.graft.strategy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.artifact.ImageClassifier;
import dev.graft.data.image.ImageDataReader;
import dev.graft.data.image.ImageDataset;
import dev.graft.data.image.ImageExample;
import dev.graft.data.image.ImageSplits;
import dev.graft.data.image.ImageTta;
import dev.graft.data.image.PreprocessorConfig;
import dev.graft.util.Progress;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Feature extraction with test-time augmentation (flip) on a tiny random ResNet and generated images: the saved model
 * predicts with the head applied to the mean of an image's and its mirror's features, as it was trained.
 */
class ImageTtaTrainingTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /**
     * {@code perClass} 32×32 noisy images of each colour class, each with a bright vertical band at a random column (so
     * no image is its own mirror).
     */
    private Path images(String name, int perClass, long seed) throws Exception {
        Path root = tmp.resolve(name);
        Random r = new Random(seed);
        String[] classes = {"red", "green", "blue"};
        for (int c = 0; c < classes.length; c++) {
            Files.createDirectories(root.resolve(classes[c]));
            for (int i = 0; i < perClass; i++) {
                BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
                int band = r.nextInt(28);
                for (int y = 0; y < 32; y++) {
                    for (int x = 0; x < 32; x++) {
                        int[] v = {r.nextInt(60), r.nextInt(60), r.nextInt(60)};
                        v[c] = 120 + r.nextInt(100);
                        if (x >= band && x < band + 4) {
                            v[(c + 1) % 3] = 255;
                        }
                        img.setRGB(x, y, new Color(v[0], v[1], v[2]).getRGB());
                    }
                }
                ImageIO.write(img, "png", root.resolve(classes[c]).resolve(i + ".png").toFile());
            }
        }
        return root;
    }

    /** The image in {@code file} mirrored left to right, written as a PNG under {@code dir} (pixel by pixel, in AWT). */
    private static Path mirrored(Path file, Path dir) throws Exception {
        BufferedImage in = ImageIO.read(file.toFile());
        BufferedImage out = new BufferedImage(in.getWidth(), in.getHeight(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < in.getHeight(); y++) {
            for (int x = 0; x < in.getWidth(); x++) {
                out.setRGB(in.getWidth() - 1 - x, y, in.getRGB(x, y));
            }
        }
        Path m = Files.createDirectories(dir).resolve(file.getParent().getFileName() + "-" + file.getFileName());
        ImageIO.write(out, "png", m.toFile());
        return m;
    }

    /** The tiny ResNet with a 32-pixel preprocessing that neither resizes nor crops 32×32 images. */
    private ImageBackbone backbone() throws Exception {
        Path dir = TinyResNet.write(tmp.resolve("backbone"));
        new PreprocessorConfig(32, 32, 32, 1 / 255.0, true, new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.25f, 0.25f, 0.25f})
                .write(dir.resolve(PreprocessorConfig.FILE));
        return ImageBackbone.open(dir);
    }

    private FeatureExtractionConfig config(String cache) {
        FeatureExtractionConfig fe = FeatureExtractionConfig.defaults();
        fe = fe.withTraining(fe.training().withEpochs(8)).withThreads(1);
        return new FeatureExtractionConfig(fe.hiddenUnits(), fe.dropout(), fe.training(), fe.encodeBatchSize(), fe.threads(),
                tmp.resolve(cache));
    }

    @Test
    void flipModelPredictsWithTheHeadOnTheMeanOfBothViewsAndKeepsItThroughSaveAndLoad() throws Exception {
        ImageBackbone backbone = backbone();
        ImageDataset train = ImageDataReader.read(images("train", 10, 1)).verify(1, false);
        ImageDataset test = ImageDataReader.read(images("test", 4, 2)).verify(1, false);
        ImageSplits splits = ImageSplits.of(train, null, test, 0.25, 0, 3);
        List<Path> files = test.examples().stream().map(ImageExample::file).toList();
        Path flipModel = tmp.resolve("flip-model");
        float[][] trained;
        try (ImageTrainingOutcome o = ImageTransfer.featureExtraction(backbone, splits, ImageTransfer.task(splits,
                dev.graft.task.TaskOptions.defaults()), config("cache"), ImageTta.FLIP, 1, Progress.NONE, List.of())) {
            assertEquals(ImageTta.FLIP, o.classifier().tta());
            assertEquals("flip", o.provenance().settings().get("tta"));
            trained = o.classifier().probabilities(files);
            float[][] reported = o.predictions().get("test").probabilities();
            for (int i = 0; i < files.size(); i++) {
                assertArrayEquals(reported[i], trained[i], 1e-5f,
                        "the test features the run scored are the ones the model computes when it predicts");
            }
            o.save(flipModel, o.provenance(), s -> { });
        }
        JsonNode manifest = JSON.readTree(flipModel.resolve("graft-model.json").toFile());
        assertEquals("flip", manifest.path("test_time_augmentation").asText(), manifest.toString());
        assertEquals(dev.graft.artifact.ModelManifest.TTA_FORMAT_VERSION, manifest.path("format_version").asInt(),
                "a Graft that does not know test-time augmentation refuses the model by its version");

        try (ImageClassifier loaded = ImageClassifier.load(flipModel);
             ImageClassifier oneView = ImageClassifier.load(flipModel).withTta(ImageTta.NONE)) {
            assertEquals(ImageTta.FLIP, loaded.tta());
            float[][] predicted = loaded.probabilities(files);
            float[][] single = oneView.probabilities(files);
            double largestChange = 0;
            for (int i = 0; i < files.size(); i++) {
                assertArrayEquals(trained[i], predicted[i], 1e-6f, "save and load keep the averaged views");
                // by hand: features of the image and of its mirror (flipped in AWT), averaged, then the head
                float[] plain = oneView.features(List.of(files.get(i)))[0];
                float[] mirror = oneView.features(List.of(mirrored(files.get(i), tmp.resolve("mirrors"))))[0];
                float[] mean = new float[plain.length];
                for (int d = 0; d < mean.length; d++) {
                    mean[d] = (plain[d] + mirror[d]) / 2;
                }
                assertArrayEquals(oneView.probabilitiesOfFeatures(new float[][] {mean})[0], predicted[i], 1e-5f);
                for (int k = 0; k < single[i].length; k++) {
                    largestChange = Math.max(largestChange, Math.abs(single[i][k] - predicted[i][k]));
                }
            }
            assertTrue(largestChange > 1e-3, "the mirror changes the prediction (" + largestChange + "), so the test can fail");
            // images given as bytes (the server's and Graft.load's path) average the same views
            var out = (dev.graft.artifact.ModelOutput.Classification) loaded.predictBatch(List.of(
                    new dev.graft.artifact.ModelInput.ImageBytes(Files.readAllBytes(files.get(0)), "0.png"))).get(0);
            List<String> labels = loaded.labels().labels();
            for (int k = 0; k < labels.size(); k++) {
                assertEquals(predicted[0][k], out.probabilities().get(labels.get(k)), 1e-6, labels.get(k));
            }
        }
        Path manifestFile = flipModel.resolve("graft-model.json");
        String written = Files.readString(manifestFile);
        Files.writeString(manifestFile, written.replaceFirst("\"format_version\"\\s*:\\s*4", "\"format_version\" : 1"));
        IllegalArgumentException oldVersion = assertThrows(IllegalArgumentException.class, () -> ImageClassifier.load(flipModel));
        assertTrue(oldVersion.getMessage().contains("'test_time_augmentation'"), oldVersion.getMessage());
        Files.writeString(manifestFile, written.replace("\"flip\"", "\"rotate\""));
        IllegalArgumentException damaged = assertThrows(IllegalArgumentException.class, () -> ImageClassifier.load(flipModel));
        assertTrue(damaged.getMessage().contains("'test_time_augmentation'") && damaged.getMessage().contains("rotate"),
                damaged.getMessage());
    }

    @Test
    void sameSeedSameMetricsAndEachAugmentationHasItsOwnCachedFeatures() throws Exception {
        ImageBackbone backbone = backbone();
        ImageDataset train = ImageDataReader.read(images("train", 8, 5)).verify(1, false);
        ImageDataset test = ImageDataReader.read(images("test", 3, 6)).verify(1, false);
        ImageSplits splits = ImageSplits.of(train, null, test, 0.25, 0, 3);
        var task = ImageTransfer.task(splits, dev.graft.task.TaskOptions.defaults());
        float[][] first;
        java.util.Map<String, Object> firstTest;
        try (ImageTrainingOutcome o = ImageTransfer.featureExtraction(backbone, splits, task, config("a"), ImageTta.FLIP, 1,
                Progress.NONE, List.of())) {
            assertEquals(0, o.cacheHits());
            first = o.predictions().get("test").probabilities();
            firstTest = o.test().orElseThrow().toMap();
        }
        try (ImageTrainingOutcome again = ImageTransfer.featureExtraction(backbone, splits, task, config("b"), ImageTta.FLIP, 1,
                Progress.NONE, List.of())) {
            assertEquals(0, again.cacheHits(), "a fresh cache: the features are computed again");
            assertEquals(firstTest, again.test().orElseThrow().toMap());
            float[][] second = again.predictions().get("test").probabilities();
            for (int i = 0; i < first.length; i++) {
                assertArrayEquals(first[i], second[i], 0f);
            }
        }
        Path plainModel = tmp.resolve("plain-model");
        try (ImageTrainingOutcome plain = ImageTransfer.featureExtraction(backbone, splits, task, config("a"), ImageTta.NONE, 1,
                Progress.NONE, List.of())) {
            assertEquals(0, plain.cacheHits(), "one-view features are cached apart from the flip features in the same cache");
            assertEquals(ImageTta.NONE, plain.classifier().tta());
            assertFalse(plain.provenance().settings().containsKey("tta"));
            plain.save(plainModel, plain.provenance(), s -> { });
        }
        JsonNode manifest = JSON.readTree(plainModel.resolve("graft-model.json").toFile());
        assertFalse(manifest.has("test_time_augmentation"), "a one-view model's manifest is as before: " + manifest);
        assertEquals(dev.graft.artifact.ModelManifest.FORMAT_VERSION, manifest.path("format_version").asInt());
        try (ImageClassifier loaded = ImageClassifier.load(plainModel)) {
            assertEquals(ImageTta.NONE, loaded.tta(), "a manifest without the field loads as one view");
        }
        try (ImageTrainingOutcome cached = ImageTransfer.featureExtraction(backbone, splits, task, config("a"), ImageTta.FLIP, 1,
                Progress.NONE, List.of())) {
            assertEquals(3, cached.cacheHits(), "the flip features are read back from their own entries");
            assertEquals(firstTest, cached.test().orElseThrow().toMap());
        }
    }
}
