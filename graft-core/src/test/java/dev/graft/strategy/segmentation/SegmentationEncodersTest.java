package dev.graft.strategy.segmentation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.graft.artifact.ImageSegmenter;
import dev.graft.data.image.PreprocessorConfig;
import dev.graft.data.image.masks.MaskClasses;
import dev.graft.data.image.masks.SegmentationDataReader;
import dev.graft.data.image.masks.SegmentationDataset;
import dev.graft.model.vision.EfficientNet;
import dev.graft.model.vision.EfficientNetSpec;
import dev.graft.model.vision.MultiScaleEncoder;
import dev.graft.model.vision.ResNet;
import dev.graft.model.vision.ResNetSpec;
import dev.graft.model.vision.VisionBackbones;
import dev.graft.model.vision.seg.SegmentationNet;
import dev.graft.strategy.ImageBackbone;
import dev.graft.training.EpochLog;
import dev.graft.training.Learner;
import dev.graft.training.TrainingListener;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ResNet and EfficientNet as segmentation encoders, on random weights (no pretrained ResNet/EfficientNet weights are
 * needed): feature maps at every stride, training that lowers the loss on grayscale images, the BatchNorm policy, save
 * and load giving the same masks, and a checkpointed run that, stopped after epoch 1 and resumed, ends exactly like the
 * uninterrupted run.
 */
class SegmentationEncodersTest {

    @TempDir
    Path tmp;

    /** A tiny EfficientNet (7 stages as B0, few channels); named efficientnet-b0 so that a backbone folder loads it. */
    static EfficientNetSpec tinyEfficientNet() {
        return new EfficientNetSpec("efficientnet-b0", 8, List.of(
                new EfficientNetSpec.Stage(1, 3, 1, 8, 1),
                new EfficientNetSpec.Stage(2, 3, 2, 8, 2),
                new EfficientNetSpec.Stage(2, 5, 2, 16, 1),
                new EfficientNetSpec.Stage(2, 3, 2, 16, 1),
                new EfficientNetSpec.Stage(2, 5, 1, 16, 1),
                new EfficientNetSpec.Stage(2, 5, 2, 24, 1),
                new EfficientNetSpec.Stage(2, 3, 1, 24, 1)), 32, 0.25, 1e-5f, 0.2);
    }

    @Test
    void publishedArchitecturesGiveTimmsFeatureMapChannels() {
        assertEquals(List.of(64, 64, 128, 256, 512), new ResNet(ResNetSpec.resnet18()).featureMapChannels());
        assertEquals(List.of(64, 256, 512, 1024, 2048), new ResNet(ResNetSpec.resnet50()).featureMapChannels());
        EfficientNet b0 = new EfficientNet(EfficientNetSpec.b0());
        assertEquals(List.of(16, 24, 40, 112, 320), b0.featureMapChannels());
        assertFalse(b0.usedByFeatureMaps("conv_head.weight"));
        assertFalse(b0.usedByFeatureMaps("bn2.running_mean"));
        assertTrue(b0.usedByFeatureMaps("blocks.6.0.bn2.weight"), "a block's bn2 is used");
    }

    @Test
    void everyEncoderGivesMapsAtStrides2To32AndASegmentationNetOverThem() {
        List<MultiScaleEncoder> encoders = List.of(new ResNet(ResNetSpec.resnet18().withWidth(4)),
                new ResNet(ResNetSpec.resnet50().withWidth(4)), new EfficientNet(tinyEfficientNet()));
        try (NDManager nd = NDManager.newBaseManager()) {
            nd.getEngine().setRandomSeed(7);
            for (MultiScaleEncoder encoder : encoders) {
                encoder.initialize(nd);
                NDArray images = nd.randomNormal(new Shape(2, 3, 64, 96));
                List<NDArray> maps = encoder.featureMaps(new ParameterStore(nd, false), images, false);
                List<Integer> channels = encoder.featureMapChannels();
                assertEquals(5, maps.size(), encoder.architecture());
                for (int k = 0; k < 5; k++) {
                    int stride = 2 << k;
                    assertEquals(new Shape(2, channels.get(k), 64 / stride, 96 / stride), maps.get(k).getShape(),
                            encoder.architecture() + " map " + k);
                }
                // the pooled features are those of the deepest map (ResNet) or of the head over it (EfficientNet)
                assertEquals(new Shape(2, encoder.featureDim()), encoder.features(new ParameterStore(nd, false), images, false).getShape());
                SegmentationNet net = new SegmentationNet(encoder, 3);
                net.initializeDecoder(nd);
                assertEquals(new Shape(2, 3, 64, 96), net.logits(new ParameterStore(nd, false), images, false).getShape());
                assertTrue(net.namedParameters().keySet().stream().noneMatch(n -> n.startsWith("encoder.conv_head.")),
                        "parameters of the pooled features only are not trained");
            }
        }
    }

    /**
     * {@code ARCH-random} needs no pretrained weights: a published architecture is built from seed 42 (the same weights
     * every time); a bare architecture name without imported weights is refused with that hint.
     */
    @Test
    void randomArchitectureNeedsNoWeightsAndIsTheSameEveryTime() throws Exception {
        ImageBackbone a = SegmentationTraining.encoder("efficientnet-b0-random");
        ImageBackbone b = SegmentationTraining.encoder("efficientnet-b0-random");
        assertEquals(a.sha256(), b.sha256());
        try (NDManager m = NDManager.newBaseManager()) {
            var net = a.load(m);
            assertEquals(EfficientNetSpec.b0(), net.spec());
            assertTrue(net instanceof MultiScaleEncoder);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SegmentationTraining.encoder("resnet50"));
        assertTrue(e.getMessage().contains("resnet50-random"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SegmentationTraining.encoder("vgg16-random"));
    }

    /** Writes a backbone folder of {@code encoder}'s architecture with seeded random weights. */
    private ImageBackbone backbone(String name, java.util.function.Supplier<MultiScaleEncoder> encoder) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(name));
        try (NDManager m = NDManager.newBaseManager()) {
            Learner.seed(11);
            MultiScaleEncoder net = encoder.get();
            net.initialize(m);
            VisionBackbones.save(net, dir, Map.of("id", name, "license", "MIT"));
        }
        PreprocessorConfig.imagenet().write(dir.resolve(PreprocessorConfig.FILE));
        return ImageBackbone.open(dir);
    }

    /** Grayscale 64×64 images of a bright disk on a dark, noisy ground; the mask is 255 inside the disk. */
    private Path disks(String name, int count, long seed) throws Exception {
        Path root = tmp.resolve(name);
        Files.createDirectories(root.resolve("images"));
        Files.createDirectories(root.resolve("masks"));
        Random r = new Random(seed);
        for (int n = 0; n < count; n++) {
            int cx = 16 + r.nextInt(32);
            int cy = 16 + r.nextInt(32);
            int rad = 8 + r.nextInt(10);
            BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_BYTE_GRAY);
            BufferedImage mask = new BufferedImage(64, 64, BufferedImage.TYPE_BYTE_GRAY);
            for (int y = 0; y < 64; y++) {
                for (int x = 0; x < 64; x++) {
                    boolean in = (x - cx) * (x - cx) + (y - cy) * (y - cy) <= rad * rad;
                    img.getRaster().setSample(x, y, 0, (in ? 170 : 70) + r.nextInt(40));
                    mask.getRaster().setSample(x, y, 0, in ? 255 : 0);
                }
            }
            ImageIO.write(img, "png", root.resolve("images/" + n + ".png").toFile());
            ImageIO.write(mask, "png", root.resolve("masks/" + n + ".png").toFile());
        }
        return root;
    }

    private SegmentationDataset.Split split() throws Exception {
        SegmentationDataset train = SegmentationDataReader.read(disks("train", 8, 1), MaskClasses.binary(-1), false);
        SegmentationDataset val = SegmentationDataReader.read(disks("val", 2, 2), MaskClasses.binary(-1), false);
        return new SegmentationDataset.Split(train, val, null);
    }

    private static SegmentationConfig config(boolean frozen, int epochs) {
        SegmentationConfig base = SegmentationConfig.defaults(frozen).withCrops(64, 8, 0);
        return base.withTraining(base.training().withTraining(base.training().training().withEpochs(epochs).withBatchSize(4)
                .withLearningRate(3e-3)));
    }

    private static Map<String, float[]> values(Map<String, Parameter> params) {
        Map<String, float[]> m = new LinkedHashMap<>();
        params.forEach((n, p) -> m.put(n, p.getArray().toFloatArray()));
        return m;
    }

    private static boolean changed(Map<String, float[]> before, Map<String, float[]> after, String part) {
        return before.entrySet().stream().filter(e -> e.getKey().contains(part))
                .anyMatch(e -> !java.util.Arrays.equals(e.getValue(), after.get(e.getKey())));
    }

    /**
     * Each encoder trains under the U-Net decoder: the loss falls, a frozen encoder (BatchNorm included) stays as it was,
     * a fine-tuned one changes its weights but, by default, not its BatchNorm statistics; with train_bn they change. The
     * saved model predicts the same probabilities after loading.
     */
    @Test
    void resNetAndEfficientNetEncodersTrainSaveAndLoad() throws Exception {
        SegmentationDataset.Split split = split();
        for (ImageBackbone backbone : List.of(backbone("resnet", () -> new ResNet(ResNetSpec.resnet18().withWidth(8))),
                backbone("efficientnet", () -> new EfficientNet(tinyEfficientNet())))) {
            Map<String, float[]> pretrained;
            Map<String, float[]> pretrainedStats;
            try (NDManager m = NDManager.newBaseManager()) {
                var loaded = backbone.load(m);
                pretrained = values(loaded.namedParameters());
                pretrainedStats = values(loaded.namedBuffers());
            }
            String arch = backbone.id();

            SegmentationOutcome frozen = SegmentationTraining.train(backbone, split, config(true, 2), List.of());
            try (ImageSegmenter model = frozen.model()) {
                Map<String, float[]> after = values(model.net().encoder().namedParameters());
                assertFalse(changed(pretrained, after, ""), arch + ": a frozen encoder's weights stay");
                assertFalse(changed(pretrainedStats, values(model.net().encoder().namedBuffers()), ""),
                        arch + ": a frozen encoder's BatchNorm statistics stay");
            }

            SegmentationOutcome tuned = SegmentationTraining.train(backbone, split, config(false, 4), List.of());
            List<EpochLog> h = tuned.fit().history();
            assertTrue(h.get(h.size() - 1).trainLoss() < h.get(0).trainLoss() * 0.9, arch + ": the loss falls: " + h);
            Path dir = tmp.resolve(arch + "-model");
            float[] before;
            int[] beforeMask;
            try (ImageSegmenter model = tuned.model()) {
                assertTrue(changed(pretrained, values(model.net().encoder().namedParameters()), "weight"),
                        arch + ": fine-tuning changes the encoder");
                assertFalse(changed(pretrainedStats, values(model.net().encoder().namedBuffers()), ""),
                        arch + ": BatchNorm keeps its statistics unless train_bn");
                before = model.probabilities(split.val().pixels(0), 64, 64);
                beforeMask = tuned.val().predictions().get(0);
                model.save(dir, SegmentationTraining.provenance(tuned, config(false, 4), backbone), tuned.metrics(), staging -> { });
            }
            try (ImageSegmenter loaded = ImageSegmenter.load(dir)) {
                assertEquals(tuned.model().net().encoder().spec(), loaded.net().encoder().spec(), arch + ": the encoder's architecture");
                assertArrayEquals(before, loaded.probabilities(split.val().pixels(0), 64, 64), 1e-6f, arch);
                assertArrayEquals(beforeMask, loaded.score(split.val()).predictions().get(0), arch + ": the same mask");
            }

            SegmentationOutcome withBn = SegmentationTraining.train(backbone, split, config(false, 2).withTrainBatchNorm(true), List.of());
            try (ImageSegmenter model = withBn.model()) {
                assertTrue(changed(pretrainedStats, values(model.net().encoder().namedBuffers()), "running_mean"),
                        arch + ": train_bn updates the running statistics");
            }
        }
    }

    /**
     * A fine-tune stopped in epoch 2 and resumed from its epoch-1 checkpoint ends with the losses, metrics and
     * probabilities of the uninterrupted run; a resume with other settings is refused.
     */
    @Test
    void resumedSegmentationRunEndsExactlyLikeAnUninterruptedOne() throws Exception {
        SegmentationDataset.Split split = split();
        ImageBackbone backbone = backbone("resnet", () -> new ResNet(ResNetSpec.resnet18().withWidth(4)));
        SegmentationConfig config = config(false, 3).withTrainBatchNorm(true);
        List<EpochLog> straight;
        float[] straightProbabilities;
        SegmentationOutcome uninterrupted = SegmentationTraining.train(backbone, split, config, List.of());
        try (ImageSegmenter model = uninterrupted.model()) {
            straight = uninterrupted.fit().history();
            straightProbabilities = model.probabilities(split.val().pixels(1), 64, 64);
        }
        Path ckpt = tmp.resolve("ckpt");
        TrainingListener crash = new TrainingListener() {
            @Override
            public void onStep(int epoch, int step, double loss) {
                if (epoch == 2 && step == 1) {
                    throw new IllegalStateException("simulated crash");
                }
            }
        };
        assertThrows(IllegalStateException.class, () -> SegmentationTraining.train(backbone, split, config, List.of(crash), ckpt, 1, false));
        assertTrue(Files.exists(ckpt.resolve("state.json")), "the epoch-1 checkpoint survives the crash");
        IllegalArgumentException other = assertThrows(IllegalArgumentException.class, () -> SegmentationTraining.train(backbone,
                split, config.withCrops(64, 4, 0), List.of(), ckpt, 1, true));
        assertTrue(other.getMessage().contains("different model, data or settings"), other.getMessage());

        SegmentationOutcome resumed = SegmentationTraining.train(backbone, split, config, List.of(), ckpt, 1, true);
        try (ImageSegmenter model = resumed.model()) {
            List<EpochLog> h = resumed.fit().history();
            assertEquals(straight.size(), h.size());
            for (int e = 0; e < h.size(); e++) {
                assertEquals(straight.get(e).trainLoss(), h.get(e).trainLoss(), 0.0, "epoch " + (e + 1) + " train loss");
                assertEquals(straight.get(e).valLoss(), h.get(e).valLoss(), 0.0, "epoch " + (e + 1) + " validation loss");
                assertEquals(straight.get(e).valMetrics(), h.get(e).valMetrics(), "epoch " + (e + 1) + " metrics");
            }
            assertArrayEquals(straightProbabilities, model.probabilities(split.val().pixels(1), 64, 64), 0f);
        }
    }
}
