package dev.graft.strategy.segmentation;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.graft.artifact.ImageSegmenter;
import dev.graft.artifact.Provenance;
import dev.graft.artifact.Versions;
import dev.graft.data.image.masks.CropSampler;
import dev.graft.data.image.masks.MaskClasses;
import dev.graft.data.image.masks.SegmentationDataset;
import dev.graft.data.image.masks.SegmentationExample;
import dev.graft.model.vision.BatchNorm2d;
import dev.graft.model.vision.MultiScaleEncoder;
import dev.graft.model.vision.VisionBackbone;
import dev.graft.model.vision.VisionModule;
import dev.graft.model.vision.seg.SegmentationNet;
import dev.graft.strategy.ImageBackbone;
import dev.graft.task.SegmentationTask;
import dev.graft.training.Checkpointing;
import dev.graft.training.FitResult;
import dev.graft.training.Learner;
import dev.graft.training.SegmentationBatches;
import dev.graft.training.TrainingListener;
import dev.graft.util.Arguments;
import dev.graft.util.FileChecksums;
import dev.graft.util.Hashes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Trains a segmentation model: an encoder giving feature maps ({@link MultiScaleEncoder}: MobileNetV2, ResNet,
 * EfficientNet; pretrained, or its random-initialised twin for the baseline) under the configured decoder ({@link SegmentationNet}), on random jointly-augmented crops of the training images
 * ({@link CropSampler}), through the shared {@link Learner} with the task's loss (cross-entropy + Dice), the
 * configured freeze schedule and discriminative rates; each epoch validates on the whole validation images with
 * sliding-window inference, and the best epoch's weights are kept. Grayscale images reach the encoder replicated to
 * three channels, so the pretrained first layer is used as it is. The encoder's BatchNorm follows
 * {@link SegmentationConfig#trainBatchNorm}; a frozen group's never changes.
 */
public final class SegmentationTraining {

    private SegmentationTraining() {
    }

    /**
     * The encoder named {@code model}: an imported backbone name or folder ({@link ImageBackbone#resolve}); with the
     * suffix {@value ImageBackbone#RANDOM_SUFFIX}, the same architecture freshly initialised (the baseline) — for a
     * published architecture ({@code resnet18-random}) even when no pretrained weights of it were imported.
     */
    public static ImageBackbone encoder(String model) {
        if (!model.endsWith(ImageBackbone.RANDOM_SUFFIX)) {
            try {
                return ImageBackbone.resolve(model);
            } catch (IllegalArgumentException e) {
                if (ImageBackbone.RANDOM_ARCHITECTURES.contains(model.toLowerCase(java.util.Locale.ROOT))) {
                    throw new IllegalArgumentException(e.getMessage() + " Without pretrained weights, " + Arguments.name("model")
                            + " " + model + ImageBackbone.RANDOM_SUFFIX + " trains the architecture from random weights.", e);
                }
                throw e;
            }
        }
        String base = model.substring(0, model.length() - ImageBackbone.RANDOM_SUFFIX.length());
        try {
            return ImageBackbone.resolve(base).randomInit();
        } catch (IllegalArgumentException e) {
            if (ImageBackbone.RANDOM_ARCHITECTURES.contains(base.toLowerCase(java.util.Locale.ROOT))) {
                return ImageBackbone.randomArchitecture(base);
            }
            throw e;
        }
    }

    /** Trains without checkpoints; see {@link #train(ImageBackbone, SegmentationDataset.Split, SegmentationConfig, List, Path, int, boolean)}. */
    public static SegmentationOutcome train(ImageBackbone backbone, SegmentationDataset.Split split, SegmentationConfig config,
                                            List<TrainingListener> listeners) {
        return train(backbone, split, config, listeners, null, 1, false);
    }

    /**
     * Trains on {@code split.train()}, selects the epoch on {@code split.val()}, and scores the kept model on the
     * validation and (if any) test images; checkpoints as image fine-tuning has them (weights, BatchNorm statistics,
     * optimiser state, history and best epoch), so a resumed run ends as the uninterrupted one would.
     *
     * @param checkpointDir   where to checkpoint (and resume from when {@code resume}); {@code null} for no checkpoints
     * @param checkpointEvery checkpoint every this many epochs
     * @param resume          continue the run whose checkpoint is in {@code checkpointDir}; refused unless encoder, data
     *                        and settings are those of that run ({@link #fingerprint})
     * @throws IllegalArgumentException when the backbone gives no feature maps
     */
    public static SegmentationOutcome train(ImageBackbone backbone, SegmentationDataset.Split split, SegmentationConfig config,
                                            List<TrainingListener> listeners, Path checkpointDir, int checkpointEvery,
                                            boolean resume) {
        long start = System.nanoTime();
        MaskClasses classes = split.train().classes();
        long seed = config.training().training().seed();
        Checkpointing checkpoints = checkpointDir == null ? null
                : new Checkpointing(checkpointDir, checkpointEvery, fingerprint(backbone, split, config), resume);
        Learner.seed(seed);
        NDManager manager = NDManager.newBaseManager(Device.cpu());
        try {
            VisionBackbone loaded = backbone.load(manager);
            if (!(loaded instanceof MultiScaleEncoder encoder)) {
                throw new IllegalArgumentException(Arguments.name("model") + " " + backbone.id() + " is a " + loaded.architecture()
                        + ", which gives no feature maps for a segmentation decoder; use one of mobilenetv2, resnet18, resnet50,"
                        + " efficientnet-b0.");
            }
            if (encoder instanceof VisionModule module) {
                BatchNorm2d.keepRunningStatistics(module, !config.trainBatchNorm());
            }
            SegmentationNet net = new SegmentationNet(encoder, classes.size(), config.decoder());
            Learner.seed(seed);
            net.initializeDecoder(manager);
            SegmentationTask task = new SegmentationTask(classes.names(), classes.values(), classes.ignoreValue(),
                    config.diceWeight(), config.focalGamma(), config.crop(), config.overlap());
            ImageSegmenter model = new ImageSegmenter(net, task, backbone.preprocessing(), config.strategyName(),
                    Map.of("id", backbone.id(), "license", backbone.license()), manager);
            SegmentationBatches train = new SegmentationBatches(new CropSampler(split.train(), config.crop(),
                    config.cropsPerEpoch(), config.augmentation(), seed), backbone.preprocessing());
            SegmentationBatches val = new SegmentationBatches(split.val(), backbone.preprocessing());
            SegmentationLearner learner = new SegmentationLearner(model, split.val(), config.training().training(),
                    config.training().plan(), listeners);
            FitResult fit = learner.fit(train, val, checkpoints);
            net.namedParameters().values().forEach(p -> p.freeze(true));
            ImageSegmenter.Scores valScores = model.score(split.val());
            ImageSegmenter.Scores testScores = split.test() == null ? null : model.score(split.test());
            return new SegmentationOutcome(model, fit, split, valScores, testScores, (System.nanoTime() - start) / 1e9);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * Identifies the encoder (weights and preprocessing), the training and validation images and masks, the classes and
     * every setting, so that a checkpoint is only resumed by the run that wrote it.
     */
    public static String fingerprint(ImageBackbone backbone, SegmentationDataset.Split split, SegmentationConfig config) {
        return Checkpointing.fingerprint(backbone.sha256(), backbone.preprocessing().toJson(), fingerprint(split.train()).fileSha256(),
                fingerprint(split.val()).fileSha256(), split.train().classes().describe(), settings(config).toString());
    }

    /** The run's settings as recorded in provenance and run tracking (strategy, training, decoder, crops, loss, augmentation). */
    public static Map<String, Object> settings(SegmentationConfig config) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("strategy", config.strategyName());
        settings.put("training", config.training().describe());
        settings.put("decoder", config.decoder().key());
        settings.put("crop", config.crop());
        settings.put("crops_per_epoch", config.cropsPerEpoch());
        settings.put("tile_overlap", config.overlap());
        settings.put("dice_weight", config.diceWeight());
        settings.put("focal_gamma", config.focalGamma());
        settings.put("augmentation", config.augmentation().toString());
        settings.put("train_bn", config.trainBatchNorm());
        return settings;
    }

    /** The provenance of a run: settings, the data's fingerprints, the encoder, versions and the headline figures. */
    public static Provenance provenance(SegmentationOutcome outcome, SegmentationConfig config, ImageBackbone backbone) {
        Map<String, Object> settings = settings(config);
        settings.put("classes", outcome.split().train().classes().describe());
        Map<String, Provenance.DataFingerprint> data = new LinkedHashMap<>();
        data.put("train", fingerprint(outcome.split().train()));
        data.put("validation", fingerprint(outcome.split().val()));
        if (outcome.split().test() != null) {
            data.put("test", fingerprint(outcome.split().test()));
        }
        Map<String, String> bb = new LinkedHashMap<>();
        bb.put("id", backbone.id());
        bb.put("sha256", backbone.sha256());
        bb.put("source", backbone.source());
        bb.put("license", backbone.license());
        Map<String, Object> metrics = new LinkedHashMap<>(outcome.val().overall().values());
        return new Provenance(Instant.now().toString(), config.strategyName(), config.training().training().seed(), settings,
                data, bb, Versions.all(), metrics, List.of());
    }

    private static Provenance.DataFingerprint fingerprint(SegmentationDataset d) {
        MessageDigest md = Hashes.sha256();
        try {
            for (SegmentationExample e : d.examples()) {
                Hashes.update(md, FileChecksums.sha256(e.image()));
                Hashes.update(md, FileChecksums.sha256(e.mask()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot hash the data " + d.name() + ": " + e.getMessage(), e);
        }
        String sha = HexFormat.of().formatHex(md.digest());
        return new Provenance.DataFingerprint(d.name(), sha, sha, d.size(), Map.of());
    }
}
