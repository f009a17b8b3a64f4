package dev.graft.strategy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.artifact.ImageClassifier;
import dev.graft.data.DataException;
import dev.graft.data.TargetFormat;
import dev.graft.data.TaskKind;
import dev.graft.data.image.Augmentation;
import dev.graft.data.image.ImageDataReader;
import dev.graft.data.image.ImageDataset;
import dev.graft.data.image.ImageExample;
import dev.graft.data.image.ImageSplits;
import dev.graft.data.image.PreprocessorConfig;
import dev.graft.metrics.MultiLabelMetrics;
import dev.graft.metrics.RegressionMetrics;
import dev.graft.task.MultiLabelTask;
import dev.graft.task.RegressionTask;
import dev.graft.task.TaskPrediction;
import dev.graft.util.Progress;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Multi-label classification and regression on images, end to end with a tiny random ResNet: generated images whose
 * colour channels are the labels (red, green, blue present or not) or whose brightness is the target; the head learns
 * them, multi-label thresholds are tuned on validation, and a saved model gives the same outputs after loading.
 */
class ImageTaskTransferTest {

    private static final String[] CHANNELS = {"red", "green", "blue"};

    @TempDir
    Path tmp;

    /**
     * {@code count} 32×32 PNGs listed in {@code name.csv} (path,label): each channel is bright (150–255) when its label
     * is present and dark (0–40) otherwise, with pixel noise; at least one channel is present. Labels joined by '|'.
     */
    private Path colourCsv(String name, int count, long seed) throws Exception {
        Random r = new Random(seed);
        Path dir = Files.createDirectories(tmp.resolve(name));
        StringBuilder csv = new StringBuilder("path,labels\n");
        for (int i = 0; i < count; i++) {
            boolean[] on = new boolean[3];
            do {
                for (int c = 0; c < 3; c++) {
                    on[c] = r.nextBoolean();
                }
            } while (!on[0] && !on[1] && !on[2]);
            int[] level = new int[3];
            for (int c = 0; c < 3; c++) {
                level[c] = on[c] ? 150 + r.nextInt(106) : r.nextInt(41);
            }
            BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    int[] px = new int[3];
                    for (int c = 0; c < 3; c++) {
                        px[c] = Math.max(0, Math.min(255, level[c] + r.nextInt(21) - 10));
                    }
                    img.setRGB(x, y, new Color(px[0], px[1], px[2]).getRGB());
                }
            }
            ImageIO.write(img, "png", dir.resolve(i + ".png").toFile());
            List<String> labels = new ArrayList<>();
            for (int c = 0; c < 3; c++) {
                if (on[c]) {
                    labels.add(CHANNELS[c]);
                }
            }
            csv.append(name).append('/').append(i).append(".png,").append(String.join("|", labels)).append('\n');
        }
        Path file = tmp.resolve(name + ".csv");
        Files.writeString(file, csv);
        return file;
    }

    /** {@code count} grey 32×32 PNGs with a bright square on a background; the target is the mean brightness in [0, 1]. */
    private Path brightnessCsv(String name, int count, long seed) throws Exception {
        Random r = new Random(seed);
        Path dir = Files.createDirectories(tmp.resolve(name));
        StringBuilder csv = new StringBuilder("path,target\n");
        for (int i = 0; i < count; i++) {
            int grey = r.nextInt(256);
            BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            g.setColor(new Color(grey, grey, grey));
            g.fillRect(0, 0, 32, 32);
            g.dispose();
            double sum = 0;
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    int v = Math.max(0, Math.min(255, grey + r.nextInt(31) - 15));
                    img.setRGB(x, y, new Color(v, v, v).getRGB());
                    sum += v;
                }
            }
            ImageIO.write(img, "png", dir.resolve(i + ".png").toFile());
            csv.append(name).append('/').append(i).append(".png,")
                    .append(String.format(Locale.ROOT, "%.5f", sum / (32 * 32 * 255.0))).append('\n');
        }
        Path file = tmp.resolve(name + ".csv");
        Files.writeString(file, csv);
        return file;
    }

    private ImageBackbone tinyBackbone() throws Exception {
        Path dir = TinyResNet.write(tmp.resolve("backbone"));
        new PreprocessorConfig(32, 32, 32, 1 / 255.0, true, new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.25f, 0.25f, 0.25f})
                .write(dir.resolve(PreprocessorConfig.FILE));
        return ImageBackbone.open(dir);
    }

    private FeatureExtractionConfig headConfig(int epochs) {
        FeatureExtractionConfig fe = FeatureExtractionConfig.defaults();
        fe = fe.withTraining(fe.training().withEpochs(epochs).withPatience(0)).withThreads(1);
        return new FeatureExtractionConfig(fe.hiddenUnits(), fe.dropout(), fe.training(), fe.encodeBatchSize(), fe.threads(),
                tmp.resolve("cache"));
    }

    private static List<Path> files(ImageDataset d) {
        return d.examples().stream().map(ImageExample::file).toList();
    }

    @Test
    void multiLabelColoursAreLearntCalibratedAndSurviveSaving() throws Exception {
        TargetFormat format = TargetFormat.multiLabel("|", null);
        ImageDataset train = ImageDataReader.read(colourCsv("train", 96, 1), format).verify(1, false);
        ImageDataset test = ImageDataReader.read(colourCsv("test", 40, 2), format).verify(1, false);
        ImageSplits splits = ImageSplits.of(train, null, test, 0.25, 0, 3);
        assertEquals(TaskKind.MULTI_LABEL, splits.task());
        assertEquals(List.of("blue", "green", "red"), splits.labelMap().labels());
        try (ImageTrainingOutcome o = ImageTransfer.featureExtraction(tinyBackbone(), splits, headConfig(150), 1, Progress.NONE,
                List.of())) {
            MultiLabelMetrics m = assertInstanceOf(MultiLabelMetrics.class, o.test().orElseThrow());
            // predicting every label scores a micro-F1 of about 0.73 here (4 in 7 labels present): the model must beat it clearly
            assertTrue(m.value("micro_f1") > 0.9, "test micro-F1 " + m.values());
            assertTrue(o.predictions().isEmpty(), "class probabilities are kept for classifiers only");
            assertEquals("multi-label", o.provenance().metrics().get("task"));
            assertEquals(m.value("micro_f1"), (double) o.provenance().metrics().get("test_micro_f1"), 0.0);

            MultiLabelTask task = assertInstanceOf(MultiLabelTask.class, o.classifier().task());
            float[] thresholds = task.thresholds();
            assertTrue(thresholds[0] != MultiLabelTask.DEFAULT_THRESHOLD || thresholds[1] != MultiLabelTask.DEFAULT_THRESHOLD
                    || thresholds[2] != MultiLabelTask.DEFAULT_THRESHOLD, "thresholds tuned on validation");

            Path out = tmp.resolve("ml-model");
            o.save(out, o.provenance(), s -> { });
            JsonNode manifest = new ObjectMapper().readTree(out.resolve("graft-model.json").toFile());
            assertEquals("image-multi-label", manifest.get("task").asText());
            assertEquals(3, manifest.get("format_version").asInt());
            assertEquals("|", manifest.get("task_settings").get("settings").get("separator").asText());
            assertTrue(ImageClassifier.isImageModel(out));
            float[][] before = o.classifier().probabilities(files(test));
            List<TaskPrediction> decoded = o.classifier().decode(before);
            try (ImageClassifier loaded = ImageClassifier.load(out)) {
                assertArrayEquals(thresholds, ((MultiLabelTask) loaded.task()).thresholds(), 0f);
                assertEquals(TargetFormat.multiLabel("|", List.of("blue", "green", "red")), loaded.task().targetFormat());
                float[][] after = loaded.probabilities(files(test));
                for (int i = 0; i < before.length; i++) {
                    assertArrayEquals(before[i], after[i], 1e-5f, "image " + i);
                }
                assertEquals(decoded.stream().map(TaskPrediction::labels).toList(),
                        loaded.decode(after).stream().map(TaskPrediction::labels).toList());
                assertThrows(IllegalStateException.class, () -> loaded.predict(files(test)), "predict() is for classifiers");
            }
        }
    }

    @Test
    void brightnessRegressionIsLearntByFeatureExtractionAndFineTuning() throws Exception {
        TargetFormat format = TargetFormat.regression();
        ImageDataset train = ImageDataReader.read(brightnessCsv("train", 80, 4), format).verify(1, false);
        ImageDataset test = ImageDataReader.read(brightnessCsv("test", 30, 5), format).verify(1, false);
        ImageSplits splits = ImageSplits.of(train, null, test, 0.25, 0, 3);
        ImageBackbone backbone = tinyBackbone();
        try (ImageTrainingOutcome o = ImageTransfer.featureExtraction(backbone, splits, headConfig(150), 1, Progress.NONE,
                List.of())) {
            RegressionMetrics m = assertInstanceOf(RegressionMetrics.class, o.test().orElseThrow());
            assertTrue(m.value("pearson") > 0.9, "test figures " + m.values());
            assertEquals("loss", o.fit().monitor().key(), "a regression picks its epoch by validation loss");
            RegressionTask task = assertInstanceOf(RegressionTask.class, o.classifier().task());
            double[] y = splits.train().targetColumn().values();
            assertEquals(java.util.Arrays.stream(y).average().orElseThrow(), task.mean(), 1e-9, "standardised on the training mean");

            Path out = tmp.resolve("reg-model");
            o.save(out, o.provenance(), s -> { });
            float[][] before = o.classifier().probabilities(files(test));
            try (ImageClassifier loaded = ImageClassifier.load(out)) {
                RegressionTask restored = assertInstanceOf(RegressionTask.class, loaded.task());
                assertEquals(task.mean(), restored.mean(), 0.0);
                assertEquals(task.std(), restored.std(), 0.0);
                float[][] after = loaded.probabilities(files(test));
                for (int i = 0; i < before.length; i++) {
                    assertArrayEquals(before[i], after[i], 1e-5f, "image " + i);
                    assertEquals(before[i][0], loaded.decode(after).get(i).value(), 1e-5);
                }
            }
        }
        FineTuneConfig ft = ImageTransfer.cnnDefaults();
        ft = ft.withTraining(ft.training().withEpochs(8).withBatchSize(8));
        try (ImageTrainingOutcome o = ImageTransfer.fineTune(backbone, splits, ft, Augmentation.noFlip(), 1, List.of())) {
            assertEquals(0, o.fit().skippedSteps(), "every step had finite gradients");
            RegressionMetrics m = assertInstanceOf(RegressionMetrics.class, o.test().orElseThrow());
            assertTrue(m.value("pearson") > 0.8, "fine-tuned test figures " + m.values());
            Path out = tmp.resolve("reg-ft-model");
            o.save(out, o.provenance(), s -> { });
            float[][] before = o.classifier().probabilities(files(test));
            try (ImageClassifier loaded = ImageClassifier.load(out)) {
                float[][] after = loaded.probabilities(files(test));
                for (int i = 0; i < before.length; i++) {
                    assertArrayEquals(before[i], after[i], 1e-4f, "fine-tuned weights survive saving");
                }
            }
        }
    }

    @Test
    void numericTargetsAreSplitByQuantileBinsAsTextIs() throws Exception {
        ImageDataset d = ImageDataReader.read(brightnessCsv("strata", 50, 6), TargetFormat.regression());
        ImageSplits splits = ImageSplits.of(d, null, null, 0.2, 0, 7);
        double[] all = d.targetColumn().values();
        double[] sorted = all.clone();
        java.util.Arrays.sort(sorted);
        int[] perBin = new int[5];
        for (double v : splits.val().targetColumn().values()) {
            perBin[Math.min(4, java.util.Arrays.binarySearch(sorted, v) * 5 / all.length)]++;
        }
        assertArrayEquals(new int[] {2, 2, 2, 2, 2}, perBin, "each fifth of the targets gives 2 of its 10 images to validation");
        assertEquals(40, splits.train().size());
        ImageDataset sample = d.subsample(10, 7);
        assertEquals(10, sample.size());
        assertEquals(TaskKind.REGRESSION, sample.task());
    }

    @Test
    void badTargetsAreRefusedNamingFileAndLine() throws Exception {
        Path csv = brightnessCsv("bad", 4, 8);
        List<String> lines = new ArrayList<>(Files.readAllLines(csv));
        lines.set(3, lines.get(3).replaceAll(",[^,]*$", ",bright"));
        Files.write(csv, lines);
        DataException notANumber = assertThrows(DataException.class, () -> ImageDataReader.read(csv, TargetFormat.regression()));
        assertTrue(notANumber.getMessage().contains(csv + " line 4") && notANumber.getMessage().contains("'bright'"),
                notANumber.getMessage());

        Path colours = colourCsv("badml", 4, 9);
        List<String> ml = new ArrayList<>(Files.readAllLines(colours));
        ml.set(1, ml.get(1).replaceAll(",[^,]*$", ",0|5"));
        ml.set(2, ml.get(2).replaceAll(",[^,]*$", ",red||blue"));
        Files.write(colours, ml);
        DataException empty = assertThrows(DataException.class,
                () -> ImageDataReader.read(colours, TargetFormat.multiLabel("|", null)));
        assertTrue(empty.getMessage().contains(colours + " line 3") && empty.getMessage().contains("empty label"), empty.getMessage());
        DataException unknownId = assertThrows(DataException.class,
                () -> ImageDataReader.read(colours, TargetFormat.multiLabel("|", List.of("red", "green"))));
        assertTrue(unknownId.getMessage().contains(colours + " line 2") && unknownId.getMessage().contains("'5'"),
                unknownId.getMessage());

        Path folder = tmp.resolve("folders");
        for (String c : new String[] {"a", "b"}) {
            Files.createDirectories(folder.resolve(c));
            ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), "png", folder.resolve(c).resolve("1.png").toFile());
        }
        DataException folders = assertThrows(DataException.class, () -> ImageDataReader.read(folder, TargetFormat.regression()));
        assertTrue(folders.getMessage().contains("CSV"), folders.getMessage());
    }

    @Test
    void validationLabelsMustBeKnownFromTraining() throws Exception {
        TargetFormat format = TargetFormat.multiLabel("|", null);
        Path trainCsv = tmp.resolve("t.csv");
        Path valCsv = tmp.resolve("v.csv");
        Path img = tmp.resolve("x.png");
        ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), "png", img.toFile());
        Files.writeString(trainCsv, "path,labels\nx.png,red\nx.png,red|green\n");
        Files.writeString(valCsv, "path,labels\nx.png,blue\n");
        ImageDataset train = ImageDataReader.read(trainCsv, format);
        ImageDataset val = ImageDataReader.read(valCsv, format);
        DataException e = assertThrows(DataException.class, () -> ImageSplits.of(train, val, null, 0.2, 0, 1));
        assertTrue(e.getMessage().contains("[blue]") && e.getMessage().contains(valCsv.toString()), e.getMessage());
        ImageDataset asClasses = ImageDataReader.read(trainCsv, TargetFormat.classification());
        assertThrows(DataException.class, () -> ImageSplits.of(train, asClasses, null, 0.2, 0, 1), "one target format for all sets");
    }
}
