package dev.graft.strategy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.artifact.ImageClassifier;
import dev.graft.data.image.Augmentation;
import dev.graft.data.image.ImageDataReader;
import dev.graft.data.image.ImageDataset;
import dev.graft.data.image.ImageExample;
import dev.graft.data.image.ImageSplits;
import dev.graft.data.image.PreprocessorConfig;
import dev.graft.tensor.TensorData;
import dev.graft.tensor.safetensors.SafeTensors;
import dev.graft.tensor.safetensors.SafeTensorsFile;
import dev.graft.training.EpochLog;
import dev.graft.training.FitResult;
import dev.graft.training.ImageBatches;
import dev.graft.training.TrainingListener;
import dev.graft.util.Progress;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Image feature extraction and fine-tuning end to end on a tiny ResNet and generated images; save and reload. */
class ImageTransferTest {

    @TempDir
    Path tmp;

    private Path images(String name, int perClass, long seed) throws Exception {
        Path root = tmp.resolve(name);
        Random r = new Random(seed);
        for (String c : new String[] {"circle", "square"}) {
            Files.createDirectories(root.resolve(c));
            for (int i = 0; i < perClass; i++) {
                BufferedImage img = new BufferedImage(40, 40, BufferedImage.TYPE_INT_RGB);
                Graphics2D g = img.createGraphics();
                g.setColor(new Color(r.nextInt(60), r.nextInt(60), r.nextInt(60)));
                g.fillRect(0, 0, 40, 40);
                g.setColor(new Color(200 + r.nextInt(55), 200 + r.nextInt(55), 200 + r.nextInt(55)));
                int s = 14 + r.nextInt(10);
                int x = r.nextInt(40 - s);
                int y = r.nextInt(40 - s);
                if (c.equals("circle")) {
                    g.fillOval(x, y, s, s);
                } else {
                    g.fillRect(x, y, s, s);
                }
                g.dispose();
                ImageIO.write(img, "png", root.resolve(c).resolve(i + ".png").toFile());
            }
        }
        return root;
    }

    private ImageBackbone tinyBackbone() throws Exception {
        Path dir = TinyResNet.write(tmp.resolve("backbone"));
        new PreprocessorConfig(36, 32, 32, 1 / 255.0, true, new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.25f, 0.25f, 0.25f})
                .write(dir.resolve(PreprocessorConfig.FILE));
        return ImageBackbone.open(dir);
    }

    @Test
    void featureExtractionAndFineTuningTrainSaveAndReload() throws Exception {
        ImageBackbone backbone = tinyBackbone();
        ImageDataset train = ImageDataReader.read(images("train", 16, 1)).verify(1, false);
        ImageDataset test = ImageDataReader.read(images("test", 8, 2)).verify(1, false);
        ImageSplits splits = ImageSplits.of(train, null, test, 0.25, 0, 3);
        FeatureExtractionConfig fe = FeatureExtractionConfig.defaults();
        fe = fe.withTraining(fe.training().withEpochs(5)).withThreads(1);
        fe = new FeatureExtractionConfig(fe.hiddenUnits(), fe.dropout(), fe.training(), fe.encodeBatchSize(), fe.threads(), tmp.resolve("cache"));
        try (ImageTrainingOutcome o = ImageTransfer.featureExtraction(backbone, splits, fe, 1, Progress.NONE, List.of())) {
            assertEquals(0, o.cacheHits());
            Path out = tmp.resolve("fe-model");
            o.save(out, o.provenance(), s -> { });
            assertTrue(ImageClassifier.isImageModel(out));
            List<Path> files = test.examples().stream().map(ImageExample::file).toList();
            float[][] before = o.classifier().probabilities(files);
            try (ImageClassifier loaded = ImageClassifier.load(out)) {
                float[][] after = loaded.probabilities(files);
                for (int i = 0; i < before.length; i++) {
                    assertArrayEquals(before[i], after[i], 1e-5f);
                }
            }
        }
        try (ImageTrainingOutcome again = ImageTransfer.featureExtraction(backbone, splits, fe, 1, Progress.NONE, List.of())) {
            assertEquals(3, again.cacheHits(), "second run reads all three splits' features from the cache");
        }
        FineTuneConfig ft = ImageTransfer.cnnDefaults();
        // the CNN recipe: head alone, then every block (stem included) unfrozen
        ft = ft.withTraining(ft.training().withEpochs(3).withBatchSize(8));
        try (ImageTrainingOutcome o = ImageTransfer.fineTune(backbone, splits, ft, Augmentation.noFlip(), 2, List.of())) {
            assertEquals(3, o.fit().history().size());
            assertEquals(0, o.fit().skippedSteps(), "every step had finite gradients");
            assertTrue(o.test().isPresent());
            Path out = tmp.resolve("ft-model");
            o.save(out, o.provenance(), s -> { });
            List<Path> files = test.examples().stream().map(ImageExample::file).toList();
            float[][] before = o.classifier().probabilities(files);
            try (ImageClassifier loaded = ImageClassifier.load(out)) {
                float[][] after = loaded.probabilities(files);
                for (int i = 0; i < before.length; i++) {
                    assertArrayEquals(before[i], after[i], 1e-4f, "fine-tuned weights and BatchNorm statistics survive saving");
                }
            }
        }
    }

    /**
     * Two fine-tunes of the tiny ResNet (other learning rates) averaged by {@code artifact.WeightAveraging}: a model
     * averaged with itself predicts as it did; the average of the two has the mean of every weight and BatchNorm statistic
     * and loads and predicts.
     */
    @Test
    void fineTunedImageModelsAverage() throws Exception {
        ImageBackbone backbone = tinyBackbone();
        ImageDataset train = ImageDataReader.read(images("train", 12, 1)).verify(1, false);
        ImageDataset test = ImageDataReader.read(images("test", 4, 2)).verify(1, false);
        ImageSplits splits = ImageSplits.of(train, null, test, 0.25, 0, 3);
        List<Path> models = new java.util.ArrayList<>();
        for (double lr : new double[] {1e-3, 3e-3}) {
            FineTuneConfig ft = ImageTransfer.cnnDefaults();
            ft = ft.withTraining(ft.training().withEpochs(1).withBatchSize(8).withLearningRate(lr));
            try (ImageTrainingOutcome o = ImageTransfer.fineTune(backbone, splits, ft, Augmentation.noFlip(), 1, List.of())) {
                Path out = tmp.resolve("avg-" + lr);
                o.save(out, o.provenance(), s -> { });
                models.add(out);
            }
        }
        List<Path> files = test.examples().stream().map(ImageExample::file).toList();
        Path self = tmp.resolve("avg-self");
        dev.graft.artifact.WeightAveraging.average(List.of(models.get(0), models.get(0)), self);
        try (ImageClassifier a = ImageClassifier.load(models.get(0)); ImageClassifier s = ImageClassifier.load(self)) {
            float[][] before = a.probabilities(files);
            float[][] after = s.probabilities(files);
            for (int i = 0; i < before.length; i++) {
                assertArrayEquals(before[i], after[i], 1e-6f);
            }
        }
        Path mean = tmp.resolve("avg-mean");
        dev.graft.artifact.WeightAveraging.average(models, mean);
        for (String file : List.of("backbone/model.safetensors", "head.safetensors")) {
            try (SafeTensorsFile x = SafeTensors.open(models.get(0).resolve(file)); SafeTensorsFile y = SafeTensors.open(models.get(1).resolve(file));
                 SafeTensorsFile m = SafeTensors.open(mean.resolve(file))) {
                assertEquals(x.names(), m.names());
                for (String name : x.names()) { // BatchNorm running statistics included
                    float[] a = x.tensor(name).data();
                    float[] b = y.tensor(name).data();
                    float[] c = m.tensor(name).data();
                    for (int k = 0; k < a.length; k++) {
                        assertEquals((float) (0.5 * a[k] + 0.5 * b[k]), c[k], 0f, file + " " + name);
                    }
                }
            }
        }
        try (ImageClassifier avg = ImageClassifier.load(mean)) {
            assertEquals(files.size(), avg.predict(files).size());
        }
    }

    /**
     * An image fine-tune killed in epoch 2 and resumed from its epoch-1 checkpoint ends exactly like the uninterrupted
     * run: the checkpoint holds the weights, the BatchNorm running statistics (which change here: batch statistics
     * train), the optimiser state, history and best epoch. A resume with other settings is refused.
     */
    @Test
    void resumedImageFineTuneEndsExactlyLikeAnUninterruptedOne() throws Exception {
        ImageBackbone backbone = tinyBackbone();
        ImageDataset train = ImageDataReader.read(images("train", 12, 5)).verify(1, false);
        ImageDataset test = ImageDataReader.read(images("test", 4, 6)).verify(1, false);
        ImageSplits splits = ImageSplits.of(train, null, test, 0.25, 0, 3);
        FineTuneConfig ft = ImageTransfer.cnnDefaults();
        ft = ft.withTraining(ft.training().withEpochs(3).withBatchSize(8).withPatience(0));
        FitResult straight;
        float[][] straightTest;
        try (ImageTrainingOutcome o = ImageTransfer.fineTune(backbone, splits, ft, Augmentation.standard(), true, 2, List.of())) {
            straight = o.fit();
            straightTest = o.predictions().get("test").probabilities();
        }
        Path ckpt = tmp.resolve("ckpt");
        TrainingListener crash = new TrainingListener() {
            @Override
            public void onStep(int epoch, int step, double loss) {
                if (epoch == 2 && step == 2) {
                    throw new IllegalStateException("simulated crash");
                }
            }
        };
        FineTuneConfig config = ft;
        assertThrows(IllegalStateException.class, () -> ImageTransfer.fineTune(backbone, splits, config, Augmentation.standard(),
                true, 2, List.of(crash), ckpt, 1, false));
        assertTrue(Files.exists(ckpt.resolve("state.json")), "the epoch-1 checkpoint survives the crash");
        try (SafeTensorsFile f = SafeTensors.open(ckpt.resolve("model.safetensors"))) {
            List<String> names = f.readAll().stream().map(TensorData::name).toList();
            assertTrue(names.contains("backbone.bn1.running_mean") && names.contains("backbone.layer1.0.bn1.running_var"),
                    "BatchNorm running statistics are checkpointed: " + names);
        }

        IllegalArgumentException other = assertThrows(IllegalArgumentException.class, () -> ImageTransfer.fineTune(backbone,
                splits, config.withBackboneLr(3e-4, 0.9), Augmentation.standard(), true, 2, List.of(), ckpt, 1, true));
        assertTrue(other.getMessage().contains("different model, data or settings"), other.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ImageTransfer.fineTune(backbone, splits, config, Augmentation.none(),
                true, 2, List.of(), ckpt, 1, true), "another augmentation is another run");

        try (ImageTrainingOutcome resumed = ImageTransfer.fineTune(backbone, splits, ft, Augmentation.standard(), true, 2, List.of(),
                ckpt, 1, true)) {
            assertEquals(straight.history().size(), resumed.fit().history().size());
            for (int e = 0; e < straight.history().size(); e++) {
                EpochLog a = straight.history().get(e);
                EpochLog b = resumed.fit().history().get(e);
                assertEquals(a.trainLoss(), b.trainLoss(), 0.0, "epoch " + (e + 1) + " train loss");
                assertEquals(a.valLoss(), b.valLoss(), 0.0, "epoch " + (e + 1) + " validation loss");
                assertEquals(a.valAccuracy(), b.valAccuracy(), 0.0);
            }
            assertEquals(straight.bestEpoch(), resumed.fit().bestEpoch());
            float[][] resumedTest = resumed.predictions().get("test").probabilities();
            for (int i = 0; i < straightTest.length; i++) {
                assertArrayEquals(straightTest[i], resumedTest[i], 0f, "test image " + i);
            }
        }
    }

    @Test
    void augmentedBatchesAreDeterministicWhateverTheNumberOfWorkers() throws Exception {
        ImageDataset d = ImageDataReader.read(images("det", 6, 4));
        PreprocessorConfig cfg = new PreprocessorConfig(36, 32, 32, 1 / 255.0, true, new float[] {0.5f, 0.5f, 0.5f},
                new float[] {0.25f, 0.25f, 0.25f});
        var pipeline = new dev.graft.data.image.ImagePipeline(cfg, Augmentation.standard());
        int[] labels = new int[d.size()];
        float[][] runs = new float[2][];
        int k = 0;
        for (int workers : new int[] {1, 3}) {
            try (ImageBatches b = new ImageBatches(d.examples(), labels, pipeline, true, 42, workers, 2)) {
                List<int[]> batches = b.epochBatches(4, new Random(9));
                float[] all = new float[0];
                for (int[] idx : batches) {
                    float[] x = b.take(idx);
                    float[] merged = java.util.Arrays.copyOf(all, all.length + x.length);
                    System.arraycopy(x, 0, merged, all.length, x.length);
                    all = merged;
                }
                runs[k++] = all;
            }
        }
        assertArrayEquals(runs[0], runs[1]);
    }
}
