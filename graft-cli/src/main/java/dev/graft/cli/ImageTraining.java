package dev.graft.cli;

import dev.graft.artifact.ModelDirectory;
import dev.graft.artifact.Provenance;
import dev.graft.data.image.Augmentation;
import dev.graft.data.image.ImageDataReader;
import dev.graft.data.image.ImageDataset;
import dev.graft.data.image.ImageSplits;
import dev.graft.strategy.FeatureExtraction;
import dev.graft.strategy.FeatureExtractionConfig;
import dev.graft.strategy.FineTuneConfig;
import dev.graft.strategy.FineTuning;
import dev.graft.strategy.ImageBackbone;
import dev.graft.strategy.ImageTrainingOutcome;
import dev.graft.strategy.ImageTransfer;
import dev.graft.training.FreezeSchedule;
import dev.graft.training.Monitor;
import dev.graft.training.TrainConfig;
import dev.graft.util.GraftHome;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The image path of {@code graft train}: used when {@code --train} is a folder of class folders or
 * a CSV/TSV whose path column names images. Same options as text where they apply; CNN defaults
 * for fine-tuning (SGD momentum, one-cycle; see {@link ImageTransfer#cnnDefaults()}).
 */
final class ImageTraining {

    /** Where {@code graft models import} puts named image backbones. */
    static Path importedModels() {
        return GraftHome.models().resolve("vision");
    }

    private final TrainCommand c;

    ImageTraining(TrainCommand command) {
        this.c = command;
    }

    /** Whether {@code path} holds image data. */
    static boolean isImageData(Path path) {
        return ImageDataReader.isImageData(path);
    }

    /** Resolves {@code --model}: a backbone directory, or a name imported with {@code graft models import}. */
    static ImageBackbone resolveModel(String model) {
        Path p = Path.of(model);
        if (Files.isDirectory(p)) {
            return ImageBackbone.open(p);
        }
        Path named = importedModels().resolve(model.toLowerCase(Locale.ROOT));
        if (Files.isDirectory(named)) {
            return ImageBackbone.open(named);
        }
        throw new IllegalArgumentException("No image model '" + model + "'. Import one first, e.g. `graft models import --onnx"
                + " ../shared/models/mobilenetv2-12-dequantized-fp32.onnx --preset imagenet` (registers the name mobilenetv2),"
                + " or pass a backbone directory.");
    }

    int run() throws Exception {
        PrintStream err = System.err;
        boolean fineTune = FineTuning.NAME.equals(c.strategy);
        if (!fineTune && !FeatureExtraction.NAME.equals(c.strategy)) {
            throw new IllegalArgumentException("Unknown --strategy '" + c.strategy + "'. Available: " + FeatureExtraction.NAME + ", "
                    + FineTuning.NAME + ".");
        }
        String modelName = "minilm".equals(c.model) ? "mobilenetv2" : c.model; // the text default makes no sense for images
        ModelDirectory.checkWritable(c.out);
        ImageBackbone backbone = resolveModel(modelName);
        if (c.imageSize != null) {
            var p = backbone.preprocessing();
            var q = new dev.graft.data.image.PreprocessorConfig((int) Math.round(c.imageSize * 256.0 / 224), c.imageSize, c.imageSize,
                    p.rescaleFactor(), p.doNormalize(), p.mean(), p.std());
            backbone = new ImageBackbone(backbone.id(), backbone.directory(), backbone.sha256(), backbone.license(), backbone.source(), q);
        }
        int threads = c.threads != null ? c.threads : Math.min(2, Runtime.getRuntime().availableProcessors());
        int workers = Math.max(1, Math.min(2, threads));
        ImageDataset train = ImageDataReader.read(c.train);
        if (c.maxTrain != null) {
            train = train.subsample(c.maxTrain, c.seed);
        }
        train = verified(train, threads, err);
        ImageDataset val = c.val == null ? null : verified(ImageDataReader.read(c.val), threads, err);
        ImageDataset test = c.test == null ? null : verified(ImageDataReader.read(c.test), threads, err);
        ImageSplits splits = ImageSplits.of(train, val, test, c.valFraction, c.testFraction, c.seed);
        if (!c.quiet) {
            err.printf("images: train %d, val %d%s; classes: %s; backbone %s (%s)%n", splits.train().size(), splits.val().size(),
                    splits.test().map(t -> ", test " + t.size()).orElse(""), splits.train().classCounts(), backbone.id(),
                    backbone.preprocessing());
        }
        long start = System.nanoTime();
        ImageTrainingOutcome outcome;
        if (fineTune) {
            FineTuneConfig cfg = ImageTransfer.cnnDefaults();
            TrainConfig tc = trainConfig(cfg.training());
            cfg = cfg.withTraining(tc).withFreeze(new FreezeSchedule(parseUnfreeze(c.unfreeze), c.headEpochs, c.gradual, false))
                    .withHead(c.hidden, c.dropout);
            if (!"linear".equals(c.schedule)) { // "linear" is the text default; CNNs default to one-cycle
                cfg = cfg.withSchedule(c.schedule, c.warmup);
            }
            if (c.lrBackbone != null || c.layerDecay != null) {
                cfg = cfg.withBackboneLr(c.lrBackbone != null ? c.lrBackbone : cfg.backboneLr(),
                        c.layerDecay != null ? c.layerDecay : cfg.layerDecay());
            }
            if (!"adamw".equals(c.optimizer)) {
                cfg = cfg.withOptimizer(cfg.optimizer().withKind(c.optimizer));
            }
            cfg = cfg.withOptimizer(cfg.optimizer().withMaxGradNorm(c.maxGradNorm)).withL2sp(c.l2sp).withThreads(threads);
            outcome = ImageTransfer.fineTune(backbone, splits, cfg, Augmentation.parse(c.augment), workers,
                    List.of(new EpochProgress(err, c.quiet)));
        } else {
            FeatureExtractionConfig fe = FeatureExtractionConfig.defaults();
            fe = fe.withTraining(trainConfig(fe.training())).withHiddenUnits(c.hidden).withDropout(c.dropout).withThreads(threads);
            outcome = ImageTransfer.featureExtraction(backbone, splits, fe, workers, new BarProgress(err, c.quiet),
                    List.of(new EpochProgress(err, c.quiet)));
        }
        try (outcome) {
            Provenance provenance = outcome.provenance().withCommandLine(c.spec.commandLine().getParseResult().originalArgs());
            boolean replaced = outcome.save(c.out, provenance, staging -> { });
            double total = (System.nanoTime() - start) / 1e9;
            PrintWriter out = c.spec.commandLine().getOut();
            out.println();
            out.println("Validation (" + splits.val().size() + " images, best epoch " + outcome.fit().bestEpoch() + "):");
            out.println(outcome.validation().toTable());
            outcome.test().ifPresent(t -> {
                out.println("Test (" + splits.test().get().size() + " images):");
                out.println(t.toTable());
            });
            if (fineTune) {
                out.printf(Locale.ROOT, "Training: %.1f s   total: %.1f s%n", outcome.fit().seconds(), total);
            } else {
                out.printf(Locale.ROOT, "Features: %.1f s (%s)   head training: %.1f s   total: %.1f s%n", outcome.embedSeconds(),
                        outcome.cacheHits() > 0 ? outcome.cacheHits() + " split(s) from cache" : "computed and cached",
                        outcome.fit().seconds(), total);
            }
            out.println((replaced ? "Replaced the model at " : "Saved the model to ") + c.out.toAbsolutePath()
                    + "  (metrics: " + c.out.resolve("metrics.json") + ")");
            out.flush();
        }
        return 0;
    }

    private ImageDataset verified(ImageDataset d, int threads, PrintStream err) {
        ImageDataset v = d.verify(threads, c.strict);
        v.skippedNote().ifPresent(err::println);
        return v;
    }

    private TrainConfig trainConfig(TrainConfig defaults) {
        TrainConfig tc = defaults.withSeed(c.seed).withMonitor(Monitor.parse(c.monitor));
        if (c.epochs != null) {
            tc = tc.withEpochs(c.epochs);
        }
        if (c.learningRate != null) {
            tc = tc.withLearningRate(c.learningRate);
        }
        if (c.batchSize != null) {
            tc = tc.withBatchSize(c.batchSize);
        }
        if (c.patience != null) {
            tc = tc.withPatience(c.patience);
        }
        if (c.weightDecay != 0.01) { // 0.01 is the text (AdamW) default; keep the strategy's own otherwise
            tc = tc.withWeightDecay(c.weightDecay);
        }
        return tc;
    }

    private static int parseUnfreeze(String v) {
        if (v.equalsIgnoreCase("all")) {
            return FreezeSchedule.ALL;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--unfreeze takes 'all' or a number of layer groups ≥ 0, got '" + v + "'.");
        }
    }
}
