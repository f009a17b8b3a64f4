package dev.graft.cli;

import dev.graft.artifact.ModelDirectory;
import dev.graft.artifact.Provenance;
import dev.graft.data.DatasetSplits;
import dev.graft.data.LabelMap;
import dev.graft.data.Splits;
import dev.graft.data.TextDataReader;
import dev.graft.data.TextDataset;
import dev.graft.model.card.Licenses;
import dev.graft.model.text.TextModelSpec;
import dev.graft.model.text.TextModels;
import dev.graft.report.HtmlReport;
import dev.graft.strategy.FeatureExtraction;
import dev.graft.strategy.FeatureExtractionConfig;
import dev.graft.strategy.FineTuneConfig;
import dev.graft.strategy.FineTuning;
import dev.graft.tensor.io.AtomicDirectory;
import dev.graft.training.FreezeSchedule;
import dev.graft.strategy.TrainingOutcome;
import dev.graft.training.Monitor;
import dev.graft.training.TrainConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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

    @Option(names = "--train", required = true, paramLabel = "PATH", description = "Labelled training data (CSV, TSV or JSONL), or images: a folder of class folders or a CSV of path,label.")
    Path train;

    @Option(names = "--val", paramLabel = "PATH", description = "Validation data (default: split off --train).")
    Path val;

    @Option(names = "--test", paramLabel = "PATH", description = "Test data, scored once with the final model.")
    Path test;

    @Option(names = "--model", defaultValue = "minilm", paramLabel = "NAME|PATH",
            description = "Pretrained model: a name from `graft models list` or a model directory (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--strategy", defaultValue = FeatureExtraction.NAME, paramLabel = "NAME",
            description = "Transfer strategy (default: ${DEFAULT-VALUE}; available: feature-extraction).")
    String strategy;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Model directory to write. An existing Graft model there is replaced; anything else is refused.")
    Path out;

    @Mixin
    DataOptionsMixin data;

    @Option(names = "--epochs", paramLabel = "N",
            description = "Maximum epochs (default: " + TrainConfig.DEFAULT_EPOCHS + " for feature-extraction, 4 for fine-tune).")
    Integer epochs;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "N", description = "Seed for splitting, initialisation, dropout and shuffling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--max-train", paramLabel = "N", description = "Use at most N training examples (stratified sample).")
    Integer maxTrain;

    @Option(names = "--val-fraction", defaultValue = "0.1", paramLabel = "F", description = "Share of --train held out for validation when --val is absent (default: ${DEFAULT-VALUE}).")
    double valFraction;

    @Option(names = "--test-fraction", defaultValue = "0.1", paramLabel = "F", description = "Share of --train held out for testing when neither --val nor --test is given (default: ${DEFAULT-VALUE}).")
    double testFraction;

    @Option(names = {"--lr", "--lr-head"}, paramLabel = "RATE",
            description = "Learning rate of the new head (default: " + TrainConfig.DEFAULT_LEARNING_RATE + " for feature-extraction, 1e-3 for fine-tune).")
    Double learningRate;

    @Option(names = "--weight-decay", defaultValue = "0.01", paramLabel = "W", description = "AdamW weight decay, not applied to biases and norms (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--batch-size", paramLabel = "N", description = "Examples per step (default: 32 for feature-extraction, 16 for fine-tune).")
    Integer batchSize;

    @Option(names = "--patience", paramLabel = "N",
            description = "Epochs without improvement before stopping; 0 = never stop early (default: " + TrainConfig.DEFAULT_PATIENCE + " for feature-extraction, 2 for fine-tune).")
    Integer patience;

    @Option(names = "--monitor", defaultValue = "macro_f1", paramLabel = "METRIC", description = "Validation metric that picks the best epoch: macro_f1, accuracy or loss (default: ${DEFAULT-VALUE}).")
    String monitor;

    @Option(names = "--hidden", defaultValue = "0", paramLabel = "UNITS", description = "Units of an optional hidden layer in the head; 0 = linear head (default: ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--dropout", defaultValue = "0.1", paramLabel = "P", description = "Head dropout (default: ${DEFAULT-VALUE}).")
    double dropout;

    @Option(names = "--unfreeze", paramLabel = "all|K", defaultValue = "all",
            description = "fine-tune: train the top K layer groups of the backbone, or all (default: ${DEFAULT-VALUE}).")
    String unfreeze;

    @Option(names = "--gradual", description = "fine-tune: unfreeze one more layer group per epoch, top-down (gradual unfreezing).")
    boolean gradual;

    @Option(names = "--head-epochs", defaultValue = "0", paramLabel = "N", description = "fine-tune: train the head alone for the first N epochs (default: ${DEFAULT-VALUE}).")
    int headEpochs;

    @Option(names = "--freeze-embeddings", description = "fine-tune: keep the embedding layer frozen.")
    boolean freezeEmbeddings;

    @Option(names = "--lr-backbone", paramLabel = "RATE", description = "fine-tune: learning rate of the top backbone layer (default: 1e-4).")
    Double lrBackbone;

    @Option(names = "--layer-decay", paramLabel = "F", description = "fine-tune: learning-rate factor per layer going down; 1 = same rate for all (default: 0.9).")
    Double layerDecay;

    @Option(names = "--optimizer", defaultValue = "adamw", paramLabel = "adamw|sgd", description = "fine-tune: optimiser (default: ${DEFAULT-VALUE}).")
    String optimizer;

    @Option(names = "--schedule", defaultValue = "linear", paramLabel = "NAME",
            description = "fine-tune: learning-rate schedule: linear (warm-up then linear decay), cosine, onecycle or constant (default: ${DEFAULT-VALUE}).")
    String schedule;

    @Option(names = "--warmup", defaultValue = "0.1", paramLabel = "F", description = "fine-tune: warm-up fraction of all steps (default: ${DEFAULT-VALUE}).")
    double warmup;

    @Option(names = "--max-grad-norm", defaultValue = "1.0", paramLabel = "N", description = "fine-tune: clip gradients to this global norm; 0 = off (default: ${DEFAULT-VALUE}).")
    double maxGradNorm;

    @Option(names = "--l2sp", defaultValue = "0", paramLabel = "ALPHA", description = "fine-tune: L2-SP regularisation toward the pretrained weights; 0 = off (default: ${DEFAULT-VALUE}).")
    double l2sp;

    @Option(names = "--checkpoint-every", defaultValue = "1", paramLabel = "N", description = "fine-tune: write a checkpoint every N epochs (default: ${DEFAULT-VALUE}).")
    int checkpointEvery;

    @Option(names = "--checkpoint-dir", paramLabel = "DIR", description = "fine-tune: where checkpoints go (default: OUT.checkpoint, removed after a successful run).")
    Path checkpointDir;

    @Option(names = "--resume", paramLabel = "DIR", description = "fine-tune: continue the interrupted run whose checkpoint is in DIR (same arguments as that run).")
    Path resume;

    @Option(names = "--threads", paramLabel = "N", description = "CPU threads for the pretrained model (default: all cores).")
    Integer threads;

    @Option(names = {"-q", "--quiet"}, description = "No progress output.")
    boolean quiet;

    @Option(names = "--augment", defaultValue = "standard", paramLabel = "standard|noflip|none",
            description = "images, fine-tune: train-time augmentation (random resized crop, flip, rotation, colour jitter; default: ${DEFAULT-VALUE}).")
    String augment;

    @Option(names = "--image-size", paramLabel = "N",
            description = "images: crop size fed to the network instead of the model's (e.g. 96 for small images; shorter side resized to N·256/224 first).")
    Integer imageSize;

    @Option(names = "--strict", description = "images: fail on an unreadable image instead of skipping it.")
    boolean strict;

    @Mixin
    TrackingOptionsMixin tracking;

    @Override
    public Integer call() throws Exception {
        if (ImageTraining.isImageData(train)) {
            return new ImageTraining(this).run(); // folders of class folders, or CSVs of image paths
        }
        if (!FeatureExtraction.NAME.equals(strategy) && !FineTuning.NAME.equals(strategy)) {
            throw new IllegalArgumentException("Unknown --strategy '" + strategy + "'. Available: " + FeatureExtraction.NAME
                    + ", " + FineTuning.NAME + ".");
        }
        boolean fineTune = FineTuning.NAME.equals(strategy);
        // Cheap checks first: settings, the output directory and the data, before any model is loaded.
        checkFraction("--val-fraction", valFraction);
        checkFraction("--test-fraction", testFraction);
        if (val == null && test == null && valFraction + testFraction >= 1) {
            throw new IllegalArgumentException("--val-fraction + --test-fraction must be below 1 so that data is left for"
                    + " training, got " + (valFraction + testFraction) + ". Lower one of them (the defaults are 0.1 each).");
        }
        FeatureExtractionConfig feConfig = fineTune ? null : featureExtractionConfig();
        FineTuneConfig ftConfig = fineTune ? fineTuneConfig() : null;
        if (!fineTune && resume != null) {
            throw new IllegalArgumentException("--resume applies to --strategy fine-tune; feature extraction reuses its embedding cache instead.");
        }
        ModelDirectory.checkWritable(out);
        PrintWriter stdout = spec.commandLine().getOut();
        var err = System.err;
        DatasetSplits splits = readSplits(err);
        report(splits, err);
        TextModelSpec backbone = TextModels.resolve(model, new BarProgress(err, quiet));
        Licenses.trainingWarning(backbone.id(), backbone.license()).ifPresent(w -> err.println("warning: " + w));
        long start = System.nanoTime();
        Path ckpt = resume != null ? resume : checkpointDir != null ? checkpointDir
                : out.toAbsolutePath().resolveSibling(out.getFileName() + ".checkpoint");
        if (fineTune && !quiet) {
            err.println("checkpoints: " + ckpt + (resume != null ? " (resuming)" : "  (resume an interrupted run with --resume " + ckpt + ")"));
        }
        Map<String, Object> settings = fineTune ? ftConfig.describe() : feConfig.describe();
        try (TrainRunRecorder recorder = TrainRunRecorder.start(tracking, out, runParams(settings), err);
             TrainingOutcome outcome = fineTune
                     ? new FineTuning(ftConfig).fit(backbone, splits, new BarProgress(err, quiet),
                             recorder.listeners(new EpochProgress(err, quiet)), ckpt, checkpointEvery, resume != null)
                     : new FeatureExtraction(feConfig).fit(backbone, splits, new BarProgress(err, quiet),
                             recorder.listeners(new EpochProgress(err, quiet)))) {
            Provenance provenance = outcome.provenance().withCommandLine(spec.commandLine().getParseResult().originalArgs());
            boolean replaced = outcome.classifier().save(out, provenance, outcome.metricsDocument(),
                    staging -> recorder.writeReport(outcome, provenance, staging));
            if (fineTune && checkpointDir == null && resume == null) {
                AtomicDirectory.deleteTree(ckpt);
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
            if (fineTune) {
                stdout.printf(Locale.ROOT, "Training: %.1f s   total: %.1f s%n", outcome.fit().seconds(), total);
            } else {
                stdout.printf(Locale.ROOT, "Embeddings: %.1f s (%s)   head training: %.1f s   total: %.1f s%n", outcome.embedSeconds(),
                        outcome.cacheHits() > 0 ? outcome.cacheHits() + " split(s) from cache" : "computed and cached",
                        outcome.fit().seconds(), total);
            }
            stdout.println((replaced ? "Replaced the model at " : "Saved the model to ") + out.toAbsolutePath()
                    + "  (metrics: " + out.resolve("metrics.json") + ")");
            if (java.nio.file.Files.exists(out.resolve(HtmlReport.REPORT_FILE))) {
                stdout.println("Report: " + out.resolve(HtmlReport.REPORT_FILE).toAbsolutePath() + "  (charts: "
                        + out.resolve(HtmlReport.PLOTS_DIR).toAbsolutePath() + ")");
            }
            String recorded = recorder.recordedLine();
            if (recorded != null) {
                stdout.println(recorded);
            }
            stdout.flush();
        }
        return 0;
    }

    private TrainConfig trainConfig(TrainConfig defaults) {
        TrainConfig tc = defaults.withSeed(seed).withWeightDecay(weightDecay).withMonitor(Monitor.parse(monitor));
        if (epochs != null) {
            tc = tc.withEpochs(epochs);
        }
        if (learningRate != null) {
            tc = tc.withLearningRate(learningRate);
        }
        if (batchSize != null) {
            tc = tc.withBatchSize(batchSize);
        }
        if (patience != null) {
            tc = tc.withPatience(patience);
        }
        return tc;
    }

    private FeatureExtractionConfig featureExtractionConfig() {
        FeatureExtractionConfig c = FeatureExtractionConfig.defaults();
        c = c.withTraining(trainConfig(c.training())).withHiddenUnits(hidden).withDropout(dropout);
        return threads == null ? c : c.withThreads(threads);
    }

    private FineTuneConfig fineTuneConfig() {
        FineTuneConfig c = FineTuneConfig.defaults();
        FreezeSchedule freeze = new FreezeSchedule(parseUnfreeze(unfreeze), headEpochs, gradual, freezeEmbeddings);
        c = c.withTraining(trainConfig(c.training())).withSchedule(schedule, warmup).withFreeze(freeze)
                .withOptimizer(c.optimizer().withKind(optimizer).withMaxGradNorm(maxGradNorm)).withL2sp(l2sp)
                .withHead(hidden, dropout)
                .withBackboneLr(lrBackbone != null ? lrBackbone : c.backboneLr(), layerDecay != null ? layerDecay : c.layerDecay());
        return threads == null ? c : c.withThreads(threads);
    }

    private static int parseUnfreeze(String v) {
        if (v.equalsIgnoreCase("all")) {
            return FreezeSchedule.ALL;
        }
        try {
            int k = Integer.parseInt(v);
            if (k >= 0) {
                return k;
            }
        } catch (NumberFormatException e) {
            // fall through to the message
        }
        throw new IllegalArgumentException("--unfreeze takes 'all' or a number of layer groups ≥ 0, got '" + v + "'.");
    }

    /** The run's settings as recorded by tracking: the strategy's settings plus the data and model chosen. */
    private Map<String, Object> runParams(Map<String, Object> settings) {
        Map<String, Object> p = new java.util.LinkedHashMap<>(settings);
        p.put("model", model);
        p.put("strategy", strategy);
        p.put("train", train.toString());
        p.put("val", val == null ? "split from train (" + valFraction + ")" : val.toString());
        p.put("test", test == null ? (val == null ? "split from train (" + testFraction + ")" : "none") : test.toString());
        p.put("max_train", maxTrain == null ? "all" : maxTrain.toString());
        return p;
    }

    private static void checkFraction(String flag, double value) {
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException(flag + " must be at least 0 and below 1 (e.g. 0.1), got " + value + ".");
        }
    }

    private DatasetSplits readSplits(java.io.PrintStream err) {
        var options = data.toOptions();
        TextDataset trainSet = TextDataReader.read(train, options);
        DataOptionsMixin.skippedNote(trainSet).ifPresent(err::println);
        if (maxTrain != null) {
            trainSet = Splits.subsample(trainSet, maxTrain, seed);
        }
        if (val == null && test == null) {
            return Splits.stratified(trainSet, valFraction, testFraction, seed);
        }
        TextDataset valSet = val == null ? null : TextDataReader.read(val, options);
        TextDataset testSet = test == null ? null : TextDataReader.read(test, options);
        for (TextDataset d : new TextDataset[] {valSet, testSet}) {
            if (d != null) {
                DataOptionsMixin.skippedNote(d).ifPresent(err::println);
            }
        }
        return Splits.withDatasets(trainSet, valSet, testSet, seed);
    }

    private void report(DatasetSplits splits, java.io.PrintStream err) {
        Map<String, Integer> counts = LabelMap.classCounts(splits.train());
        if (!quiet) {
            err.printf("train %d, val %d%s examples; classes: %s%n", splits.train().size(), splits.val().size(),
                    splits.test().map(t -> ", test " + t.size()).orElse(""), counts);
        }
        LabelMap.imbalanceWarning(splits.train()).ifPresent(w -> err.println("warning: " + w));
    }
}
