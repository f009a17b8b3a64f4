package dev.graft.cli;

import dev.graft.artifact.ModelDirectory;
import dev.graft.artifact.Provenance;
import dev.graft.data.DatasetSplits;
import dev.graft.data.LabelMap;
import dev.graft.data.Splits;
import dev.graft.data.TextDataReader;
import dev.graft.data.TextDataset;
import dev.graft.model.text.TextModelSpec;
import dev.graft.model.text.TextModels;
import dev.graft.report.HtmlReport;
import dev.graft.strategy.FeatureExtraction;
import dev.graft.strategy.FeatureExtractionConfig;
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

    @Option(names = "--train", required = true, paramLabel = "PATH", description = "Labelled training data (CSV, TSV or JSONL).")
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

    @Option(names = "--epochs", defaultValue = "" + TrainConfig.DEFAULT_EPOCHS, paramLabel = "N", description = "Maximum epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "N", description = "Seed for splitting, initialisation, dropout and shuffling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--max-train", paramLabel = "N", description = "Use at most N training examples (stratified sample).")
    Integer maxTrain;

    @Option(names = "--val-fraction", defaultValue = "0.1", paramLabel = "F", description = "Share of --train held out for validation when --val is absent (default: ${DEFAULT-VALUE}).")
    double valFraction;

    @Option(names = "--test-fraction", defaultValue = "0.1", paramLabel = "F", description = "Share of --train held out for testing when neither --val nor --test is given (default: ${DEFAULT-VALUE}).")
    double testFraction;

    @Option(names = "--lr", defaultValue = "" + TrainConfig.DEFAULT_LEARNING_RATE, paramLabel = "RATE", description = "Learning rate of the head (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--weight-decay", defaultValue = "0.01", paramLabel = "W", description = "AdamW weight decay, not applied to biases (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--batch-size", defaultValue = "32", paramLabel = "N", description = "Examples per step (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--patience", defaultValue = "" + TrainConfig.DEFAULT_PATIENCE, paramLabel = "N", description = "Epochs without improvement before stopping; 0 = never stop early (default: ${DEFAULT-VALUE}).")
    int patience;

    @Option(names = "--monitor", defaultValue = "macro_f1", paramLabel = "METRIC", description = "Validation metric that picks the best epoch: macro_f1, accuracy or loss (default: ${DEFAULT-VALUE}).")
    String monitor;

    @Option(names = "--hidden", defaultValue = "0", paramLabel = "UNITS", description = "Units of an optional hidden layer in the head; 0 = linear head (default: ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--dropout", defaultValue = "0.1", paramLabel = "P", description = "Head dropout (default: ${DEFAULT-VALUE}).")
    double dropout;

    @Option(names = "--threads", paramLabel = "N", description = "CPU threads for the pretrained model (default: all cores).")
    Integer threads;

    @Option(names = {"-q", "--quiet"}, description = "No progress output.")
    boolean quiet;

    @Mixin
    TrackingOptionsMixin tracking;

    @Override
    public Integer call() throws Exception {
        if (!FeatureExtraction.NAME.equals(strategy)) {
            throw new IllegalArgumentException("Unknown --strategy '" + strategy + "'. Available: " + FeatureExtraction.NAME + ".");
        }
        // Cheap checks first: settings, the output directory and the data, before any model is loaded.
        checkFraction("--val-fraction", valFraction);
        checkFraction("--test-fraction", testFraction);
        if (val == null && test == null && valFraction + testFraction >= 1) {
            throw new IllegalArgumentException("--val-fraction + --test-fraction must be below 1 so that data is left for"
                    + " training, got " + (valFraction + testFraction) + ". Lower one of them (the defaults are 0.1 each).");
        }
        TrainConfig tc = TrainConfig.defaults().withEpochs(epochs).withSeed(seed).withLearningRate(learningRate)
                .withWeightDecay(weightDecay).withBatchSize(batchSize).withPatience(patience).withMonitor(Monitor.parse(monitor));
        FeatureExtractionConfig config = FeatureExtractionConfig.defaults().withTraining(tc).withHiddenUnits(hidden)
                .withDropout(dropout);
        if (threads != null) {
            config = config.withThreads(threads);
        }
        ModelDirectory.checkWritable(out);
        PrintWriter stdout = spec.commandLine().getOut();
        var err = System.err;
        DatasetSplits splits = readSplits(err);
        report(splits, err);
        TextModelSpec backbone = TextModels.resolve(model);
        if (backbone.license().equals("unknown")) {
            err.println("warning: the licence of " + backbone.id() + " is unknown; check it before using the model commercially.");
        }
        long start = System.nanoTime();
        try (TrainRunRecorder recorder = TrainRunRecorder.start(tracking, out, runParams(config), err);
             TrainingOutcome outcome = new FeatureExtraction(config).fit(backbone, splits, new BarProgress(err, quiet),
                recorder.listeners(new EpochProgress(err, quiet)))) {
            Provenance provenance = outcome.provenance().withCommandLine(spec.commandLine().getParseResult().originalArgs());
            boolean replaced = outcome.classifier().save(out, provenance, outcome.metricsDocument(),
                    staging -> recorder.writeReport(outcome, provenance, staging));
            double total = (System.nanoTime() - start) / 1e9;
            recorder.finish(outcome, provenance, out, total);
            stdout.println();
            stdout.println("Validation (" + splits.val().size() + " examples, best epoch " + outcome.fit().bestEpoch() + "):");
            stdout.println(outcome.validation().toTable());
            outcome.test().ifPresent(t -> {
                stdout.println("Test (" + splits.test().get().size() + " examples):");
                stdout.println(t.toTable());
            });
            stdout.printf(Locale.ROOT, "Embeddings: %.1f s (%s)   head training: %.1f s   total: %.1f s%n", outcome.embedSeconds(),
                    outcome.cacheHits() > 0 ? outcome.cacheHits() + " split(s) from cache" : "computed and cached",
                    outcome.fit().seconds(), total);
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

    /** The run's settings as recorded by tracking: the strategy's settings plus the data and model chosen. */
    private Map<String, Object> runParams(FeatureExtractionConfig config) {
        Map<String, Object> p = new java.util.LinkedHashMap<>(config.describe());
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
