package dev.graft.spark;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.graft.artifact.Provenance;
import dev.graft.artifact.TextClassifier;
import dev.graft.artifact.Versions;
import dev.graft.data.DatasetSplits;
import dev.graft.data.LabelMap;
import dev.graft.data.TextDataset;
import dev.graft.data.TextExample;
import dev.graft.metrics.ClassificationMetrics;
import dev.graft.model.head.ClassifierHead;
import dev.graft.model.head.HeadConfig;
import dev.graft.model.text.SentenceEncoder;
import dev.graft.model.text.TextModelSpec;
import dev.graft.strategy.EmbeddingCache;
import dev.graft.strategy.FeatureExtraction;
import dev.graft.strategy.FeatureExtractionConfig;
import dev.graft.strategy.TrainingOutcome;
import dev.graft.tensor.io.TemporaryDirectory;
import dev.graft.util.Progress;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.linalg.Matrix;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Feature-extraction training with the embeddings computed on the cluster and the head trained either
 * <ul>
 *   <li>{@link #onDriver on the driver} — the embeddings are gathered and graft-core's own
 *       {@link FeatureExtraction} learner trains the head (same splits, settings and early stopping as
 *       {@code graft train --strategy feature-extraction}); for data whose embeddings fit in the driver's memory;</li>
 *   <li>{@link #mllib with Spark MLlib} — multinomial {@link LogisticRegression} on the cluster, its coefficient
 *       matrix and intercepts copied into a linear {@link ClassifierHead} ({@code out_proj.weight [C, D]},
 *       {@code out_proj.bias [C]}), so the saved model's probabilities are softmax(Wx + b) exactly as MLlib's.</li>
 * </ul>
 * Both produce a normal Graft model directory (written atomically by {@link TextClassifier#save}, with provenance).
 */
public final class SparkHeadTrainer {

    /** The strategy name recorded for a head trained by MLlib (the model is a frozen backbone + linear head). */
    public static final String MLLIB_TRAINER = "spark-mllib-logistic-regression";

    /**
     * Settings of the MLlib head.
     *
     * @param regParam      L2 regularisation strength
     * @param maxIter       maximum L-BFGS iterations
     * @param tol           convergence tolerance
     * @param valFraction   share held out for validation when no validation set is given
     * @param testFraction  share held out for testing when neither validation nor test set is given
     * @param seed          seed of the random split
     */
    public record MllibOptions(double regParam, int maxIter, double tol, double valFraction, double testFraction, long seed) {
        /** L2 1e-3, 200 iterations, tol 1e-6, 10%/10%, seed 42. */
        public static MllibOptions defaults() {
            return new MllibOptions(1e-3, 200, 1e-6, 0.1, 0.1, 42);
        }

        Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("head_trainer", MLLIB_TRAINER);
            m.put("head_hidden_units", 0);
            m.put("reg_param", regParam);
            m.put("elastic_net", 0.0);
            m.put("max_iter", maxIter);
            m.put("tol", tol);
            m.put("seed", seed);
            return m;
        }
    }

    /** What an MLlib training run produced. */
    public record MllibResult(ClassificationMetrics validation, Optional<ClassificationMetrics> test, int iterations,
                              long trainRows, long droppedRows, double maxProbabilityDifference, boolean replaced) {
    }

    private SparkHeadTrainer() {
    }

    // ---------------------------------------------------------------- driver head

    /**
     * Embeds every text of {@code splits} on the cluster with {@code embedder} (over {@code partitions}
     * partitions), then trains the head on the driver with graft-core's feature-extraction learner. The gathered
     * embeddings are handed to the learner through a private {@link EmbeddingCache}, so the learner runs exactly
     * as in {@code graft train} (its own cache and the backbone are not touched).
     */
    public static TrainingOutcome onDriver(SparkSession spark, GraftEmbedder embedder, TextModelSpec backbone,
                                           DatasetSplits splits, FeatureExtractionConfig config, int partitions) throws IOException {
        LinkedHashSet<String> distinct = new LinkedHashSet<>();
        List<TextDataset> sets = new ArrayList<>(List.of(splits.train(), splits.val()));
        splits.test().ifPresent(sets::add);
        sets.forEach(d -> d.forEach(e -> distinct.add(e.text())));
        List<Row> rows = new ArrayList<>(distinct.size());
        distinct.forEach(t -> rows.add(RowFactory.create(t)));
        StructType schema = new StructType().add("text", DataTypes.StringType, false);
        Dataset<Row> texts = spark.createDataFrame(rows, schema).repartition(Math.max(1, partitions));
        long t0 = System.nanoTime();
        Map<String, float[]> vectors = new HashMap<>(distinct.size() * 2);
        List<Row> embedded = embedder.copy(new org.apache.spark.ml.param.ParamMap()).setInputCol("text").setOutputCol("embedding")
                .setErrorCol("error").transform(texts).select("text", "embedding", "error").collectAsList();
        for (Row r : embedded) {
            if (!r.isNullAt(2)) {
                throw new IllegalStateException("The cluster could not embed a training text: " + r.getString(2));
            }
            List<Float> v = r.getList(1);
            float[] a = new float[v.size()];
            for (int i = 0; i < a.length; i++) {
                a[i] = v.get(i);
            }
            vectors.put(r.getString(0), a);
        }
        double embedSeconds = (System.nanoTime() - t0) / 1e9;
        try (TemporaryDirectory tmp = TemporaryDirectory.create("graft-spark-embeddings")) {
            Path cacheDir = tmp.path();
            EmbeddingCache cache = new EmbeddingCache(cacheDir);
            SentenceEncoder gathered = new GatheredEmbeddings(backbone, vectors);
            for (TextDataset d : sets) {
                cache.embed(backbone, () -> gathered, d.examples().stream().map(TextExample::text).toList(), Progress.NONE);
            }
            TrainingOutcome outcome = new FeatureExtraction(config.withCacheDir(cacheDir)).fit(backbone, splits, Progress.NONE, List.of());
            Map<String, Object> settings = new LinkedHashMap<>(outcome.provenance().settings());
            settings.put("head_trainer", "driver (graft-core feature-extraction learner)");
            settings.put("embeddings", "spark (" + spark.sparkContext().master() + ", " + partitions + " partitions)");
            Provenance p = outcome.provenance();
            Map<String, String> versions = new LinkedHashMap<>(p.versions());
            versions.put("spark", spark.version());
            Provenance withSpark = new Provenance(p.createdAt(), p.strategy(), p.seed(), settings, p.data(), p.backbone(), versions,
                    p.metrics(), p.commandLine());
            return new TrainingOutcome(outcome.classifier(), outcome.fit(), outcome.validation(), outcome.test(), embedSeconds,
                    0, withSpark, outcome.predictions());
        }
    }

    /** Sentence vectors computed on the cluster, looked up by text. */
    private record GatheredEmbeddings(TextModelSpec spec, Map<String, float[]> vectors) implements SentenceEncoder {
        @Override
        public float[][] encode(List<String> texts, Progress progress) {
            float[][] out = new float[texts.size()][];
            for (int i = 0; i < out.length; i++) {
                out[i] = vectors.get(texts.get(i));
                if (out[i] == null) {
                    throw new IllegalStateException("no embedding was gathered for a text");
                }
            }
            return out;
        }

        @Override
        public int dimension() {
            return vectors.values().iterator().next().length;
        }

        @Override
        public void close() {
        }
    }

    // ---------------------------------------------------------------- MLlib head

    /**
     * Trains a linear head with MLlib's multinomial logistic regression on embedded data and saves a Graft model.
     *
     * @param train        embedded rows: {@code labelCol} (string) and {@code embeddingCol} (array&lt;float&gt;);
     *                     rows with a null/blank label or a null embedding are dropped and counted
     * @param val          embedded validation rows, or null to split them off {@code train}
     * @param test         embedded test rows, or null (split off {@code train} when {@code val} is null too)
     * @param data         data fingerprints for the provenance
     * @param commandLine  the CLI arguments, or empty
     */
    public static MllibResult mllib(SparkSession spark, Dataset<Row> train, Dataset<Row> val, Dataset<Row> test, String labelCol,
                                    String embeddingCol, TextModelSpec backbone, MllibOptions options, Path out,
                                    Map<String, Provenance.DataFingerprint> data, List<String> commandLine) throws IOException {
        dev.graft.artifact.ModelDirectory.checkWritable(out);
        Column validLabel = functions.col(labelCol).isNotNull().and(functions.trim(functions.col(labelCol)).notEqual(""));
        Column valid = validLabel.and(functions.col(embeddingCol).isNotNull());
        long all = train.count();
        Dataset<Row> usable = train.filter(valid).withColumn(labelCol, functions.trim(functions.col(labelCol)));
        Dataset<Row> trainSet;
        Dataset<Row> valSet;
        Dataset<Row> testSet;
        if (val == null) {
            double v = options.valFraction();
            double t = test == null ? options.testFraction() : 0;
            Dataset<Row>[] parts = usable.randomSplit(new double[] {1 - v - t, v, t}, options.seed());
            trainSet = parts[0];
            valSet = parts[1];
            testSet = test == null ? parts[2] : prepare(test, valid, labelCol);
        } else {
            trainSet = usable;
            valSet = prepare(val, valid, labelCol);
            testSet = test == null ? null : prepare(test, valid, labelCol);
        }
        trainSet = trainSet.persist();
        List<String> labelList = trainSet.select(labelCol).distinct().as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
        if (labelList.size() < 2) {
            throw new IllegalArgumentException("Training a classifier needs at least two classes; the training data has "
                    + labelList + ". Check --label-column.");
        }
        LabelMap labels = LabelMap.of(labelList);
        Column index = functions.array_position(functions.array(labels.labels().stream().map(functions::lit).toArray(Column[]::new)),
                functions.col(labelCol)).minus(1).cast("double");
        Column features = org.apache.spark.ml.functions.array_to_vector(functions.col(embeddingCol));

        long trainRows = trainSet.count();
        Dataset<Row> fitData = trainSet.select(index.as("label_index"), features.as("features"));
        LogisticRegression lr = new LogisticRegression().setFamily("multinomial").setRegParam(options.regParam())
                .setElasticNetParam(0).setMaxIter(options.maxIter()).setTol(options.tol()).setFitIntercept(true)
                .setLabelCol("label_index").setFeaturesCol("features");
        long t0 = System.nanoTime();
        LogisticRegressionModel model = lr.fit(fitData);
        double trainSeconds = (System.nanoTime() - t0) / 1e9;
        trainSet.unpersist();

        Matrix w = model.coefficientMatrix();
        Vector b = model.interceptVector();
        int classes = w.numRows();
        int dim = w.numCols();
        if (classes != labels.size()) {
            throw new IllegalStateException("MLlib fitted " + classes + " classes for " + labels.size() + " labels");
        }
        float[] weight = new float[classes * dim];
        float[] bias = new float[classes];
        for (int c = 0; c < classes; c++) {
            for (int d = 0; d < dim; d++) {
                weight[c * dim + d] = (float) w.apply(c, d);
            }
            bias[c] = (float) b.apply(c);
        }
        NDManager manager = NDManager.newBaseManager(Device.cpu());
        TextClassifier classifier;
        try {
            ClassifierHead head = new ClassifierHead(new HeadConfig(dim, classes, 0, 0.0));
            head.initialize(manager);
            head.namedParameters().get("out_proj.weight").getArray().set(FloatBuffer.wrap(weight));
            head.namedParameters().get("out_proj.bias").getArray().set(FloatBuffer.wrap(bias));
            classifier = new TextClassifier(backbone, head, labels, FeatureExtraction.NAME, manager);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
        try (classifier) {
            Scored v = score(model, valSet, index, features, labels, classifier);
            Optional<Scored> t = testSet == null ? Optional.empty() : Optional.of(score(model, testSet, index, features, labels, classifier));
            double maxDiff = Math.max(v.maxDifference(), t.map(Scored::maxDifference).orElse(0.0));
            if (maxDiff > 1e-4) {
                throw new IllegalStateException("The converted head's probabilities differ from MLlib's by " + maxDiff);
            }
            Map<String, Object> settings = options.describe();
            settings.put("embeddings", "spark (" + spark.sparkContext().master() + ")");
            Map<String, String> bb = new LinkedHashMap<>();
            bb.put("id", backbone.id());
            bb.put("sha256", backbone.sha256());
            bb.put("license", backbone.license());
            bb.put("source", backbone.source());
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("val_accuracy", v.metrics().accuracy());
            summary.put("val_macro_f1", v.metrics().macroF1());
            t.ifPresent(s -> {
                summary.put("test_accuracy", s.metrics().accuracy());
                summary.put("test_macro_f1", s.metrics().macroF1());
            });
            Map<String, String> versions = new LinkedHashMap<>(Versions.all());
            versions.put("spark", spark.version());
            Provenance provenance = new Provenance(Instant.now().toString(), FeatureExtraction.NAME, options.seed(), settings, data, bb,
                    versions, summary, List.copyOf(commandLine));
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put("validation", v.metrics().toMap());
            t.ifPresent(s -> metrics.put("test", s.metrics().toMap()));
            metrics.put("head_trainer", MLLIB_TRAINER);
            metrics.put("iterations", model.summary().totalIterations());
            metrics.put("objective_history", model.summary().objectiveHistory());
            metrics.put("train_rows", trainRows);
            metrics.put("train_seconds", trainSeconds);
            metrics.put("max_probability_difference_vs_mllib", maxDiff);
            boolean replaced = classifier.save(out, provenance, metrics);
            return new MllibResult(v.metrics(), t.map(Scored::metrics), model.summary().totalIterations(), trainRows,
                    all - usable.count(), maxDiff, replaced);
        }
    }

    private static Dataset<Row> prepare(Dataset<Row> d, Column valid, String labelCol) {
        return d.filter(valid).withColumn(labelCol, functions.trim(functions.col(labelCol)));
    }

    private record Scored(ClassificationMetrics metrics, double maxDifference) {
    }

    /**
     * Scores a split with the MLlib model (gold index, MLlib probability) and checks the converted head on the
     * first rows: its probabilities must equal MLlib's.
     */
    private static Scored score(LogisticRegressionModel model, Dataset<Row> split, Column index, Column features, LabelMap labels,
                                TextClassifier classifier) {
        Dataset<Row> in = split.select(index.as("label_index"), features.as("features"))
                .filter(functions.col("label_index").geq(0));
        List<Row> rows = model.transform(in).select("label_index", "probability", "features").collectAsList();
        int[] gold = new int[rows.size()];
        int[] pred = new int[rows.size()];
        int check = Math.min(rows.size(), 64);
        float[][] x = new float[check][];
        double[][] mllibP = new double[check][];
        for (int i = 0; i < rows.size(); i++) {
            gold[i] = (int) rows.get(i).getDouble(0);
            double[] p = ((Vector) rows.get(i).get(1)).toArray();
            int k = 0;
            for (int c = 1; c < p.length; c++) {
                k = p[c] > p[k] ? c : k;
            }
            pred[i] = k;
            if (i < check) {
                double[] f = ((Vector) rows.get(i).get(2)).toArray();
                x[i] = new float[f.length];
                for (int d = 0; d < f.length; d++) {
                    x[i][d] = (float) f[d];
                }
                mllibP[i] = p;
            }
        }
        double maxDiff = 0;
        if (check > 0) {
            float[][] ours = classifier.probabilitiesOfEmbeddings(x);
            for (int i = 0; i < check; i++) {
                for (int c = 0; c < ours[i].length; c++) {
                    maxDiff = Math.max(maxDiff, Math.abs(ours[i][c] - mllibP[i][c]));
                }
            }
        }
        return new Scored(ClassificationMetrics.of(gold, pred, labels.labels()), maxDiff);
    }
}
