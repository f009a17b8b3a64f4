package dev.graft.cli;

import dev.graft.artifact.ModelDirectory;
import dev.graft.artifact.Provenance;
import dev.graft.data.DatasetSplits;
import dev.graft.model.text.TextModelSpec;
import dev.graft.report.ReportData;
import dev.graft.data.TaskKind;
import dev.graft.task.Task;
import dev.graft.task.Tasks;
import dev.graft.selection.FrozenFeatureBaselines;
import dev.graft.selection.TransferCheck;
import dev.graft.report.HtmlReport;
import java.util.List;
import dev.graft.strategy.FeatureExtraction;
import dev.graft.strategy.FeatureExtractionConfig;
import dev.graft.strategy.FineTuning;
import dev.graft.strategy.TrainingOutcome;
import dev.graft.tracking.PeakMemory;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code graft train}: adapt a pretrained model to a labelled data set and save it. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        customSynopsis = {"graft train --train=PATH [--val=PATH] [--test=PATH] [--model=NAME|PATH]",
                "                   --out=DIR [--epochs=N] [--seed=N] [OPTIONS]"},
        description = {"Adapt a pretrained model to labelled data, evaluate it and save a self-contained model directory.",
                "",
                "Without --val and --test the training file is split (stratified, seeded) 80/10/10 into train,"
                        + " validation and test; with --test only, 10%% of it becomes the validation set."
                        + " Validation (and test) metrics are printed and written to DIR/metrics.json.",
                "DIR/report.html (learning curves, confusion matrix, per-class scores, worst mistakes, provenance) and"
                        + " DIR/plots/*.png are written with the model. The run is recorded in ./mlruns (MLflow's file"
                        + " layout; see `graft runs`) unless --no-track.",
                ""})
final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    TrainingOptions options;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Model directory to write. An existing Graft model there is replaced; anything else is refused.")
    Path out;

    @Option(names = "--checkpoint-every", defaultValue = "1", paramLabel = "N", description = "fine-tune: write a checkpoint every N epochs (default: ${DEFAULT-VALUE}).")
    int checkpointEvery;

    @Option(names = "--checkpoint-dir", paramLabel = "DIR", description = "fine-tune: where checkpoints go (default: OUT.checkpoint, removed after a successful run).")
    Path checkpointDir;

    @Option(names = "--resume", paramLabel = "DIR", description = "fine-tune: continue the interrupted run whose checkpoint is in DIR (same arguments as that run).")
    Path resume;

    @Option(names = {"-q", "--quiet"}, description = "No progress output.")
    boolean quiet;

    @Option(names = "--augment", defaultValue = "standard", paramLabel = "standard|noflip|none",
            description = "images, fine-tune: train-time augmentation (random resized crop, flip, rotation, colour jitter; default: ${DEFAULT-VALUE}).")
    String augment;

    @Option(names = "--image-size", paramLabel = "N",
            description = "images: crop size fed to the network instead of the model's (at least 32; e.g. 96 for small images; shorter side resized to N·256/224 first).")
    Integer imageSize;

    @Option(names = "--strict", description = "images: fail on an unreadable image instead of skipping it.")
    boolean strict;

    @Option(names = "--train-bn", description = "images, fine-tune: BatchNorm of trainable layers uses batch statistics and updates its"
            + " running statistics (fastai's train_bn). Default: BatchNorm keeps its pretrained statistics (Keras' advice; its scale and"
            + " shift still train).")
    boolean trainBn;

    @Option(names = "--no-baseline", description = "Skip the negative-transfer check. By default the model is compared, on the"
            + " split it reports (test, else validation), with two cheap baselines trained on the same training split (majority"
            + " class; logistic regression on hashed word 1-2-grams for texts, on the image shrunk to 16x16 RGB pixels for images;"
            + " seconds), and a warning is printed when transfer does not clearly help.")
    boolean noBaseline;

    @Mixin
    TrackingOptionsMixin tracking;

    @Mixin
    SegmentationOptions segmentation;

    @Override
    public Integer call() throws Exception {
        options.checkDevice(System.err);
        if (SegmentationCli.requested(options)) {
            return SegmentationCli.train(this); // images/ and masks/: semantic segmentation
        }
        if (TokenTraining.requested(options)) {
            return new TokenTraining(this).run(); // tagged sentences (CoNLL, JSON Lines): named-entity recognition
        }
        if (ImageTraining.isImageData(options.train)) {
            return new ImageTraining(this).run(); // folders of class folders, or CSVs of image paths
        }
        boolean fineTune = options.fineTune();
        // Cheap checks first: settings, the output directory and the data, before any model is loaded.
        options.checkSplitSettings();
        FeatureExtractionConfig feConfig = fineTune ? null : options.featureExtractionConfig();
        FineTuning fineTuning = fineTune ? options.fineTuning() : null;
        if (!fineTune) {
            CheckpointPlan.refuseResume(resume);
        }
        ModelDirectory.checkWritable(out);
        CheckpointPlan checkpoints = checkpoints();
        if (fineTune) {
            checkpoints.checkStart();
        }
        PrintWriter stdout = spec.commandLine().getOut();
        var err = System.err;
        DatasetSplits splits = options.readSplits(err);
        options.report(splits, err, quiet);
        TextModelSpec backbone = options.resolveModel(err, quiet);
        long start = System.nanoTime();
        if (fineTune) {
            checkpoints.announce(err, quiet);
        }
        Map<String, Object> settings = fineTune ? fineTuning.describe() : feConfig.describe();
        Task task = Tasks.forTraining(splits, options.taskOptions());
        try (RunRecorder recorder = RunRecorder.start(tracking, "train", out, out, options.runParams(settings), err);
             TrainingOutcome outcome = fineTune
                     ? fineTuning.fit(backbone, splits, task, new BarProgress(err, quiet),
                             recorder.listeners(new EpochProgress(err, quiet)), checkpoints.directory(), checkpoints.everyEpochs(),
                             checkpoints.resume())
                     : new FeatureExtraction(feConfig).fit(backbone, splits, task, new BarProgress(err, quiet),
                             recorder.listeners(new EpochProgress(err, quiet)))) {
            Provenance provenance = outcome.provenance().withCommandLine(spec.commandLine().getParseResult().originalArgs());
            Map<String, Object> metrics = outcome.metricsDocument();
            PeakMemory.measure().putInto(metrics);
            Optional<TransferCheck> baselines = noBaseline ? Optional.empty() : baselines(splits, outcome, err);
            baselines.ifPresent(b -> {
                metrics.put("baselines", b.toMap());
                recorder.logMetrics(b.trackingMetrics(), outcome.fit().history().size());
            });
            List<FrozenFeatureBaselines.Score> linear = noBaseline ? List.of() : linearBaselines(backbone, splits, outcome, feConfig, err);
            if (!linear.isEmpty()) {
                metrics.put("baselines", linear.stream().map(FrozenFeatureBaselines.Score::toMap).toList());
            }
            List<HtmlReport.Table> tables = linear.isEmpty() ? List.of()
                    : List.of(FrozenFeatureBaselines.table(linear, outcome.validation(), outcome.test()));
            boolean replaced = outcome.classifier().save(out, provenance, metrics, staging -> recorder.writeReport(
                    () -> ReportData.of(recorder.runName(), outcome).withBaselines(baselines), tables, provenance, staging));
            if (fineTune) {
                checkpoints.finished();
            }
            double total = (System.nanoTime() - start) / 1e9;
            recorder.finish(outcome, provenance, out, total);
            stdout.println();
            stdout.println("Validation (" + splits.val().size() + " examples, best epoch " + outcome.fit().bestEpoch() + "):");
            stdout.println(outcome.validation().toTable());
            outcome.test().ifPresent(t -> {
                stdout.println("Test (" + splits.test().get().size() + " examples):");
                stdout.println(t.toTable());
            });
            baselines.ifPresent(b -> {
                b.summary(options.strategy).forEach(stdout::println);
                stdout.println();
            });
            for (FrozenFeatureBaselines.Score b : linear) {
                stdout.printf(Locale.ROOT, "Baseline %s (%s):%n", b.name(), b.note());
                stdout.print(b.test().orElse(b.validation()).toTable());
                stdout.println();
            }
            if (fineTune) {
                stdout.printf(Locale.ROOT, "Training: %.1f s   total: %.1f s%n", outcome.fit().seconds(), total);
                stdout.println(ParameterLine.of(metrics));
            } else {
                stdout.printf(Locale.ROOT, "Embeddings: %.1f s (%s)   head training: %.1f s   total: %.1f s%n", outcome.embedSeconds(),
                        outcome.cacheHits() > 0 ? outcome.cacheHits() + " split(s) from cache" : "computed and cached",
                        outcome.fit().seconds(), total);
            }
            stdout.println((replaced ? "Replaced the model at " : "Saved the model to ") + out.toAbsolutePath()
                    + "  (metrics: " + out.resolve("metrics.json") + ")");
            recorder.printWhere(stdout, out);
            stdout.flush();
        }
        return 0;
    }

    /**
     * The linear baselines on frozen features of a multi-label or regression run (none for classification, which has
     * {@link TransferCheck}); empty, with a warning, when they fail: a trained model is never lost to them.
     */
    private List<FrozenFeatureBaselines.Score> linearBaselines(TextModelSpec backbone, DatasetSplits splits, TrainingOutcome outcome,
                                                              FeatureExtractionConfig feConfig, PrintStream err) {
        if (splits.task() == TaskKind.CLASSIFICATION) {
            return List.of();
        }
        try {
            FeatureExtraction fe = new FeatureExtraction(feConfig != null ? feConfig : options.featureExtractionConfig());
            return FrozenFeatureBaselines.of(fe, backbone, splits, outcome.classifier().task(), options.seed, new BarProgress(err, quiet));
        } catch (RuntimeException e) {
            err.println("warning: could not fit the baselines (" + e.getMessage() + "); the model is saved without them.");
            return List.of();
        }
    }

    /** Where this run's checkpoints go ({@code --resume}, {@code --checkpoint-dir}, {@code --checkpoint-every}). */
    CheckpointPlan checkpoints() {
        return CheckpointPlan.of(out, checkpointDir, resume, checkpointEvery);
    }

    /**
     * The negative-transfer check on the split the run reports; empty when that split has no examples, or (with a
     * warning) when the check fails: a trained model is never lost to it.
     */
    private Optional<TransferCheck> baselines(DatasetSplits splits, TrainingOutcome outcome, PrintStream err) {
        try {
            if (splits.task() != TaskKind.CLASSIFICATION) {
                return Optional.empty(); // the check's baselines are classifiers
            }
            return TransferCheck.of(splits, outcome.classification(), outcome.classificationTest(), options.seed);
        } catch (RuntimeException e) {
            err.println("warning: could not run the baseline check (" + e.getMessage() + "); the model is saved without it.");
            return Optional.empty();
        }
    }
}
