package dev.graft.cli;

import dev.graft.artifact.ModelDirectory;
import dev.graft.artifact.Provenance;
import dev.graft.data.TargetFormat;
import dev.graft.data.TaskKind;
import dev.graft.data.image.Augmentation;
import dev.graft.data.image.ImageDataReader;
import dev.graft.data.image.ImageDataset;
import dev.graft.data.image.ImageSplits;
import dev.graft.report.ReportData;
import dev.graft.selection.TransferCheck;
import dev.graft.strategy.FeatureExtraction;
import dev.graft.strategy.FeatureExtractionConfig;
import dev.graft.strategy.FineTuneConfig;
import dev.graft.strategy.FineTuning;
import dev.graft.strategy.ImageBackbone;
import dev.graft.strategy.ImageTrainingOutcome;
import dev.graft.strategy.ImageTransfer;
import dev.graft.task.Task;
import dev.graft.task.TaskOptions;
import dev.graft.tracking.PeakMemory;
import dev.graft.training.FreezeSchedule;
import dev.graft.training.Monitor;
import dev.graft.training.TrainConfig;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The image path of {@code graft train}: used when {@code --train} is a folder of class folders or
 * a CSV/TSV whose path column names images (its label column read as {@code --task}, {@code --label-separator} and
 * {@code --label-names} say: classes, label lists or numbers). Same options as text where they apply — the schedule and warm-up,
 * checkpoints and {@code --resume} included ({@link CheckpointPlan}); what is not given keeps the CNN recipe for
 * fine-tuning (head first, then every layer; see {@link ImageTransfer#cnnDefaults()}).
 */
final class ImageTraining {

    /** Where {@code graft models import} puts named image backbones. */
    static Path importedModels() {
        return ImageBackbone.importedModels();
    }

    private final TrainCommand c;

    ImageTraining(TrainCommand command) {
        this.c = command;
    }

    /** Whether {@code path} holds image data. */
    static boolean isImageData(Path path) {
        return ImageDataReader.isImageData(path);
    }

    /**
     * Resolves {@code --model}: {@code ARCH:FILE} (a torchvision/timm safetensors checkpoint of resnet18, resnet50 or
     * efficientnet-b0, imported on first use), a backbone directory, or a name imported with {@code graft models import}.
     */
    static ImageBackbone resolveModel(String model) {
        return ImageBackbone.resolve(model);
    }

    int run() throws Exception {
        PrintStream err = System.err;
        boolean fineTune = FineTuning.NAME.equals(c.options.strategy);
        if (!fineTune && !FeatureExtraction.NAME.equals(c.options.strategy)) {
            throw new IllegalArgumentException("Unknown --strategy '" + c.options.strategy + "'. Available: " + FeatureExtraction.NAME + ", "
                    + FineTuning.NAME + ".");
        }
        if (!fineTune) {
            CheckpointPlan.refuseResume(c.resume);
        }
        c.options.refuseBf16ForImages();
        String modelName = "minilm".equals(c.options.model) ? "mobilenetv2" : c.options.model; // the text default makes no sense for images
        ModelDirectory.checkWritable(c.out);
        ImageInputs.refuseOutputInsideData(c.out, c.options.train, c.options.val, c.options.test);
        CheckpointPlan checkpoints = c.checkpoints();
        if (fineTune) {
            checkpoints.checkStart();
        }
        ImageBackbone backbone = ImageInputs.resized(resolveModel(modelName), c.imageSize);
        int threads = c.options.threads != null ? c.options.threads : Math.min(2, Runtime.getRuntime().availableProcessors());
        int workers = Math.max(1, Math.min(2, threads));
        TargetFormat targets = c.options.data.targets();
        TaskOptions taskOptions = c.options.taskOptions();
        ImageDataset train = ImageDataReader.read(c.options.train, targets);
        if (c.options.maxTrain != null) {
            train = train.subsample(c.options.maxTrain, c.options.seed);
        }
        train = verified(train, threads, err);
        ImageDataset val = c.options.val == null ? null : verified(ImageDataReader.read(c.options.val, targets), threads, err);
        ImageDataset test = c.options.test == null ? null : verified(ImageDataReader.read(c.options.test, targets), threads, err);
        ImageSplits splits = ImageSplits.of(train, val, test, c.options.valFraction, c.options.testFraction, c.options.seed);
        Task task = ImageTransfer.task(splits, taskOptions);
        if (!c.quiet) {
            err.printf("images: train %d, val %d%s; %s: %s; backbone %s (%s)%n", splits.train().size(), splits.val().size(),
                    splits.test().map(t -> ", test " + t.size()).orElse(""),
                    splits.task() == TaskKind.CLASSIFICATION ? "classes" : "task " + targets,
                    splits.task() == TaskKind.REGRESSION ? task : splits.train().targetCounts(), backbone.id(),
                    backbone.preprocessing());
        }
        if (fineTune) {
            checkpoints.announce(err, c.quiet);
        }
        long start = System.nanoTime();
        FineTuneConfig ftConfig = null;
        FeatureExtractionConfig feConfig = null;
        Augmentation augmentation = Augmentation.parse(c.augment);
        Map<String, Object> settings = new LinkedHashMap<>();
        if (fineTune) {
            ftConfig = fineTuneConfig();
            settings.putAll(ftConfig.describe());
            settings.put("augmentation", augmentation.toString());
            settings.put("train_bn", c.trainBn);
        } else {
            FeatureExtractionConfig fe = FeatureExtractionConfig.defaults();
            feConfig = fe.withTraining(trainConfig(fe.training())).withHiddenUnits(c.options.hidden).withDropout(c.options.dropout)
                    .withOptimizer(c.options.optimizer(fe.optimizer())).withThreads(threads)
                    .withClosedFormHead(c.options.closedFormHead());
            settings.putAll(feConfig.describe());
        }
        settings.put("image_size", backbone.preprocessing().outputHeight() + "x" + backbone.preprocessing().outputWidth());
        settings.put("backbone", backbone.id());
        try (RunRecorder recorder = RunRecorder.start(c.tracking, "train", c.out, c.out, c.options.runParams(settings), err);
             ImageTrainingOutcome outcome = fineTune
                     ? ImageTransfer.fineTune(backbone, splits, task, ftConfig, augmentation, c.trainBn, workers,
                             recorder.listeners(new EpochProgress(err, c.quiet)), checkpoints.directory(),
                             checkpoints.everyEpochs(), checkpoints.resume())
                     : ImageTransfer.featureExtraction(backbone, splits, task, feConfig, workers, new BarProgress(err, c.quiet),
                             recorder.listeners(new EpochProgress(err, c.quiet)))) {
            Provenance provenance = outcome.provenance().withCommandLine(c.spec.commandLine().getParseResult().originalArgs());
            Map<String, Object> metrics = outcome.metricsDocument();
            PeakMemory.measure().putInto(metrics);
            Optional<TransferCheck> baselines = c.noBaseline ? Optional.empty() : baselines(splits, outcome, threads, err);
            baselines.ifPresent(b -> {
                metrics.put("baselines", b.toMap());
                recorder.logMetrics(b.trackingMetrics(), outcome.fit().history().size());
            });
            boolean replaced = outcome.save(c.out, provenance, metrics, staging -> recorder.writeReport(
                    () -> ReportData.of(recorder.runName(), outcome).withBaselines(baselines), provenance, staging));
            if (fineTune) {
                checkpoints.finished();
            }
            double total = (System.nanoTime() - start) / 1e9;
            recorder.finish(outcome, provenance, c.out, total);
            PrintWriter out = c.spec.commandLine().getOut();
            out.println();
            out.println("Validation (" + splits.val().size() + " images, best epoch " + outcome.fit().bestEpoch() + "):");
            out.println(outcome.validation().toTable());
            outcome.test().ifPresent(t -> {
                out.println("Test (" + splits.test().get().size() + " images):");
                out.println(t.toTable());
            });
            baselines.ifPresent(b -> {
                b.summary(c.options.strategy).forEach(out::println);
                out.println();
            });
            if (fineTune) {
                out.printf(Locale.ROOT, "Training: %.1f s   total: %.1f s%s%n", outcome.fit().seconds(), total,
                        outcome.fit().skippedSteps() > 0 ? "   skipped steps (non-finite gradients): " + outcome.fit().skippedSteps() : "");
            } else {
                out.printf(Locale.ROOT, "Features: %.1f s (%s)   head training: %.1f s   total: %.1f s%n", outcome.embedSeconds(),
                        outcome.cacheHits() > 0 ? outcome.cacheHits() + " split(s) from cache" : "computed and cached",
                        outcome.fit().seconds(), total);
            }
            out.println((replaced ? "Replaced the model at " : "Saved the model to ") + c.out.toAbsolutePath()
                    + "  (metrics: " + c.out.resolve("metrics.json") + ")");
            recorder.printWhere(out, c.out);
            out.flush();
        }
        return 0;
    }

    /**
     * The negative-transfer check (majority class; logistic regression on raw pixels) on the split the run reports;
     * empty for multi-label and regression models (the check's baselines are classifiers), and, with a warning, when it
     * fails: a trained model is never lost to it.
     */
    private Optional<TransferCheck> baselines(ImageSplits splits, ImageTrainingOutcome outcome, int threads, PrintStream err) {
        if (splits.task() != TaskKind.CLASSIFICATION) {
            return Optional.empty();
        }
        try {
            boolean onTest = outcome.test().isPresent() && splits.test().isPresent();
            return Optional.of(TransferCheck.measureImages(splits.train(), onTest ? splits.test().get() : splits.val(),
                    onTest ? "test" : "validation", onTest ? outcome.classificationTest().get() : outcome.classification(),
                    c.options.seed, threads));
        } catch (RuntimeException e) {
            err.println("warning: could not run the baseline check (" + e.getMessage() + "); the model is saved without it.");
            return Optional.empty();
        }
    }

    /** The CNN recipe ({@link ImageTransfer#cnnDefaults()}) with the options the user gave; what was not given keeps the recipe's. */
    FineTuneConfig fineTuneConfig() {
        FineTuneConfig cfg = ImageTransfer.cnnDefaults();
        TrainConfig tc = trainConfig(cfg.training());
        cfg = cfg.withTraining(tc).withFreeze(freezeSchedule(cfg.freeze()))
                .withHead(c.options.hidden, c.options.dropout);
        cfg = cfg.withSchedule(c.options.schedule(cfg.training().schedule()));
        if (c.options.lrBackbone != null || c.options.layerDecay != null) {
            cfg = cfg.withBackboneLr(c.options.lrBackbone != null ? c.options.lrBackbone : cfg.backboneLr(),
                    c.options.layerDecay != null ? c.options.layerDecay : cfg.layerDecay());
        }
        if (!"adamw".equals(c.options.optimizer) || c.options.momentum != null) {
            cfg = cfg.withOptimizer(c.options.optimizer(cfg.optimizer()));
        }
        return cfg.withOptimizer(cfg.optimizer().withMaxGradNorm(c.options.maxGradNorm)).withL2sp(c.options.l2sp);
    }

    private ImageDataset verified(ImageDataset d, int threads, PrintStream err) {
        ImageDataset v = d.verify(threads, c.strict);
        v.notices().forEach(err::println);
        return v;
    }

    private TrainConfig trainConfig(TrainConfig defaults) {
        TrainConfig tc = defaults.withSeed(c.options.seed).withMonitor(Monitor.parse(c.options.monitor));
        tc = tc.overriding(c.options.epochs, c.options.learningRate, c.options.batchSize, c.options.patience);
        if (c.options.weightDecay != 0.01) { // 0.01 is the text (AdamW) default; keep the strategy's own otherwise
            tc = tc.withWeightDecay(c.options.weightDecay);
        }
        return tc;
    }

    /** The freezing schedule: the recipe's (head alone for 1 epoch, then every layer) unless --unfreeze/--head-epochs/--gradual say otherwise. */
    private FreezeSchedule freezeSchedule(FreezeSchedule recipe) {
        var parsed = c.spec.commandLine().getParseResult();
        int depth = c.options.unfreeze == null ? recipe.depth() : TrainingOptions.parseUnfreeze(c.options.unfreeze);
        int headEpochs = parsed.hasMatchedOption("--head-epochs") ? c.options.headEpochs : recipe.headEpochs();
        return new FreezeSchedule(depth, headEpochs, c.options.gradual || recipe.gradual(), false);
    }
}
