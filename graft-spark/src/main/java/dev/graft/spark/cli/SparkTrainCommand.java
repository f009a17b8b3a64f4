package dev.graft.spark.cli;

import dev.graft.artifact.ModelDirectory;
import dev.graft.artifact.Provenance;
import dev.graft.data.DataFormat;
import dev.graft.data.DataOptions;
import dev.graft.data.DatasetSplits;
import dev.graft.data.Splits;
import dev.graft.data.TextDataReader;
import dev.graft.data.TextDataset;
import dev.graft.data.TextExample;
import dev.graft.model.text.TextModelSpec;
import dev.graft.model.text.TextModels;
import dev.graft.report.HtmlReport;
import dev.graft.report.ReportData;
import dev.graft.spark.GraftEmbedder;
import dev.graft.spark.SparkData;
import dev.graft.spark.SparkHeadTrainer;
import dev.graft.spark.SparkSessions;
import dev.graft.strategy.FeatureExtractionConfig;
import dev.graft.strategy.TrainingOutcome;
import dev.graft.training.Monitor;
import dev.graft.training.TrainConfig;
import dev.graft.util.Hashes;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code graft spark-train}: feature-extraction training with the embeddings computed on Spark. */
@Command(name = "spark-train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a head on a frozen pretrained model with the embeddings computed on Spark; save a normal Graft model",
                "directory (usable by `graft predict`, `graft evaluate` and `graft spark-predict`).",
                "",
                "--head driver (default): the embeddings are gathered to the driver and the head is trained by Graft's own"
                        + " feature-extraction learner, with the same splits, settings and early stopping as"
                        + " `graft train --strategy feature-extraction` (CSV/TSV/JSONL are read with Graft's reader on the driver).",
                "--head mllib: a linear head trained on the cluster by Spark MLlib's multinomial logistic regression"
                        + " (L2, L-BFGS), its coefficients copied into the Graft head; without --val the data is split at random"
                        + " (not stratified) with --seed.",
                ""})
public final class SparkTrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--input", required = true, paramLabel = "PATH", description = "Labelled training data: CSV, TSV, JSONL or Parquet.")
    String input;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Model directory to write (an existing Graft model is replaced).")
    Path out;

    @Option(names = "--head", defaultValue = "driver", paramLabel = "driver|mllib", description = "Who trains the head (default: ${DEFAULT-VALUE}).")
    String head;

    @Option(names = "--model", defaultValue = "minilm", paramLabel = "NAME|DIR", description = "Pretrained model (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--label-column", paramLabel = "COLUMN", description = "Label column: a name or 0-based index (default: label, class, category, ...).")
    String labelColumn;

    @Option(names = "--val", paramLabel = "PATH", description = "Validation data (default: split off --input).")
    String val;

    @Option(names = "--test", paramLabel = "PATH", description = "Test data, scored once with the final model.")
    String test;

    @Option(names = "--val-fraction", defaultValue = "0.1", paramLabel = "F", description = "Held out for validation without --val (default: ${DEFAULT-VALUE}).")
    double valFraction;

    @Option(names = "--test-fraction", defaultValue = "0.1", paramLabel = "F", description = "Held out for testing without --val and --test (default: ${DEFAULT-VALUE}).")
    double testFraction;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "N", description = "Seed for splitting and training (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--max-train", paramLabel = "N", description = "driver: use at most N training examples (stratified sample).")
    Integer maxTrain;

    @Option(names = "--epochs", paramLabel = "N", description = "driver: maximum epochs (default: " + TrainConfig.DEFAULT_EPOCHS + ").")
    Integer epochs;

    @Option(names = "--lr", paramLabel = "RATE", description = "driver: learning rate (default: " + TrainConfig.DEFAULT_LEARNING_RATE + ").")
    Double learningRate;

    @Option(names = "--batch-size", paramLabel = "N", description = "driver: examples per step (default: " + TrainConfig.DEFAULT_BATCH_SIZE + ").")
    Integer batchSize;

    @Option(names = "--weight-decay", defaultValue = "0.01", paramLabel = "W", description = "driver: AdamW weight decay (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--patience", paramLabel = "N", description = "driver: early-stopping patience (default: " + TrainConfig.DEFAULT_PATIENCE + ").")
    Integer patience;

    @Option(names = "--monitor", defaultValue = "macro_f1", paramLabel = "METRIC", description = "driver: metric that picks the best epoch (default: ${DEFAULT-VALUE}).")
    String monitor;

    @Option(names = "--hidden", defaultValue = "0", paramLabel = "UNITS", description = "driver: hidden layer units; 0 = linear head (default: ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--dropout", defaultValue = "0.1", paramLabel = "P", description = "driver: head dropout (default: ${DEFAULT-VALUE}).")
    double dropout;

    @Option(names = "--reg-param", defaultValue = "1e-3", paramLabel = "L2", description = "mllib: L2 regularisation (default: ${DEFAULT-VALUE}).")
    double regParam;

    @Option(names = "--max-iter", defaultValue = "200", paramLabel = "N", description = "mllib: maximum L-BFGS iterations (default: ${DEFAULT-VALUE}).")
    int maxIter;

    @Mixin
    SparkOptions sparkOptions;

    @Override
    public Integer call() throws IOException {
        if (!head.equals("driver") && !head.equals("mllib")) {
            throw new IllegalArgumentException("--head takes driver or mllib, got '" + head + "'.");
        }
        ModelDirectory.checkWritable(out);
        PrintWriter stdout = spec.commandLine().getOut();
        List<String> args = spec.commandLine().getParseResult().originalArgs();
        long t0 = System.nanoTime();
        try (SparkSessions.Started started = SparkSessions.start(sparkOptions.master, "graft spark-train", sparkOptions.conf)) {
            SparkSession spark = started.session();
            TextModelSpec backbone = TextModels.resolve(model);
            GraftEmbedder embedder = new GraftEmbedder().setModel(model).setBatchSize(sparkOptions.batchSize)
                    .setThreads(sparkOptions.threads).setShipModel(!sparkOptions.noShip);
            if (head.equals("driver")) {
                DatasetSplits splits = readSplits(spark);
                int partitions = sparkOptions.partitions != null ? sparkOptions.partitions : spark.sparkContext().defaultParallelism();
                try (TrainingOutcome outcome = SparkHeadTrainer.onDriver(spark, embedder, backbone, splits, featureExtractionConfig(), partitions)) {
                    Provenance provenance = outcome.provenance().withCommandLine(args);
                    boolean replaced = outcome.classifier().save(out, provenance, outcome.metricsDocument(),
                            staging -> HtmlReport.write(ReportData.of(out.getFileName().toString(), outcome), staging));
                    stdout.println("Validation (" + splits.val().size() + " examples, best epoch " + outcome.fit().bestEpoch() + "):");
                    stdout.println(outcome.validation().toTable());
                    outcome.test().ifPresent(t -> {
                        stdout.println("Test (" + splits.test().get().size() + " examples):");
                        stdout.println(t.toTable());
                    });
                    stdout.printf(Locale.ROOT, "Embeddings on %s: %.1f s   head training (driver): %.1f s   total: %.1f s%n",
                            spark.sparkContext().master(), outcome.embedSeconds(), outcome.fit().seconds(), (System.nanoTime() - t0) / 1e9);
                    stdout.println((replaced ? "Replaced the model at " : "Saved the model to ") + out.toAbsolutePath());
                }
            } else {
                Dataset<Row> train = readSpark(spark, input);
                String textCol = SparkData.textColumn(train, sparkOptions.textColumn);
                String labelCol = SparkData.labelColumn(train, labelColumn);
                embedder.setInputCol(textCol).setOutputCol("_graft_embedding").setErrorCol("_graft_error");
                Map<String, Provenance.DataFingerprint> data = new LinkedHashMap<>();
                data.put("train", fingerprint(input, train, labelCol));
                Dataset<Row> valSet = null;
                Dataset<Row> testSet = null;
                if (val != null) {
                    Dataset<Row> v = readSpark(spark, val);
                    data.put("val", fingerprint(val, v, labelCol));
                    valSet = embedder.transform(v).persist();
                }
                if (test != null) {
                    Dataset<Row> t = readSpark(spark, test);
                    data.put("test", fingerprint(test, t, labelCol));
                    testSet = embedder.transform(t).persist();
                }
                Dataset<Row> embedded = embedder.transform(train).persist();
                SparkHeadTrainer.MllibOptions options = new SparkHeadTrainer.MllibOptions(regParam, maxIter, 1e-6, valFraction, testFraction, seed);
                SparkHeadTrainer.MllibResult r = SparkHeadTrainer.mllib(spark, embedded, valSet, testSet, labelCol, "_graft_embedding",
                        backbone, options, out, data, args);
                if (r.droppedRows() > 0) {
                    stdout.println("note: " + r.droppedRows() + " training row(s) without text or label were left out.");
                }
                stdout.println("Validation:");
                stdout.println(r.validation().toTable());
                r.test().ifPresent(t -> {
                    stdout.println("Test:");
                    stdout.println(t.toTable());
                });
                stdout.printf(Locale.ROOT, "MLlib logistic regression on %s: %d rows, %d iterations; converted head matches MLlib's"
                        + " probabilities to %.1e; total %.1f s%n", spark.sparkContext().master(), r.trainRows(), r.iterations(),
                        r.maxProbabilityDifference(), (System.nanoTime() - t0) / 1e9);
                stdout.println((r.replaced() ? "Replaced the model at " : "Saved the model to ") + out.toAbsolutePath());
            }
            stdout.flush();
        }
        return 0;
    }

    private Dataset<Row> readSpark(SparkSession spark, String path) {
        Dataset<Row> d = SparkData.read(spark, path, SparkData.format(path, sparkOptions.format));
        return sparkOptions.partitions != null ? d.repartition(sparkOptions.partitions) : d;
    }

    private static Provenance.DataFingerprint fingerprint(String path, Dataset<Row> d, String labelCol) throws IOException {
        Path p = Path.of(path);
        String sha = Files.isRegularFile(p) ? Hashes.sha256(p) : null;
        Map<String, Integer> counts = new LinkedHashMap<>();
        d.groupBy(labelCol).count().collectAsList().forEach(r -> counts.put(String.valueOf(r.get(0)), (int) r.getLong(1)));
        int rows = counts.values().stream().mapToInt(Integer::intValue).sum();
        return new Provenance.DataFingerprint(Files.exists(p) ? p.toAbsolutePath().toString() : path, sha, null, rows, counts);
    }

    /** The same data and splits as `graft train` with the same options. */
    private DatasetSplits readSplits(SparkSession spark) {
        TextDataset trainSet = readDataset(spark, input);
        if (maxTrain != null) {
            trainSet = Splits.subsample(trainSet, maxTrain, seed);
        }
        if (val == null && test == null) {
            return Splits.stratified(trainSet, valFraction, testFraction, seed);
        }
        return Splits.withDatasets(trainSet, val == null ? null : readDataset(spark, val), test == null ? null : readDataset(spark, test), seed);
    }

    private TextDataset readDataset(SparkSession spark, String path) {
        SparkData.Format f = SparkData.format(path, sparkOptions.format);
        if (f != SparkData.Format.PARQUET) {
            DataOptions o = DataOptions.defaults().withFormat(switch (f) {
                case CSV -> DataFormat.CSV;
                case TSV -> DataFormat.TSV;
                default -> DataFormat.JSONL;
            });
            if (sparkOptions.textColumn != null) {
                o = o.withTextColumn(sparkOptions.textColumn);
            }
            if (labelColumn != null) {
                o = o.withLabelColumn(labelColumn);
            }
            return TextDataReader.read(Path.of(path), o);
        }
        Dataset<Row> d = spark.read().parquet(path);
        String textCol = SparkData.textColumn(d, sparkOptions.textColumn);
        String labelCol = SparkData.labelColumn(d, labelColumn);
        List<TextExample> examples = new ArrayList<>();
        for (Row r : d.select(textCol, labelCol).collectAsList()) {
            examples.add(TextExample.of(r.getString(0), String.valueOf(r.get(1))));
        }
        return TextDataset.of(path, examples);
    }

    private FeatureExtractionConfig featureExtractionConfig() {
        TrainConfig tc = TrainConfig.defaults().withSeed(seed).withWeightDecay(weightDecay).withMonitor(Monitor.parse(monitor));
        tc = tc.overriding(epochs, learningRate, batchSize, patience);
        FeatureExtractionConfig c = FeatureExtractionConfig.defaults();
        // as graft train: the head is solved in closed form unless a setting of a gradient-trained head is given
        boolean gradient = epochs != null || learningRate != null || batchSize != null || patience != null;
        return c.withTraining(tc).withHiddenUnits(hidden).withDropout(dropout).withClosedFormHead(!gradient);
    }

}
