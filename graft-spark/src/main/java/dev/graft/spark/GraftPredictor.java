package dev.graft.spark;

import dev.graft.artifact.ImageClassifier;
import dev.graft.artifact.TextClassifier;
import dev.graft.data.LabelMap;
import dev.graft.util.Progress;
import java.nio.file.Path;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Spark ML stage that applies a trained Graft model directory (from {@code graft train} or {@code graft
 * spark-train}) to a text column ({@code inputCol}, text models) or an image column ({@code imageCol}, default
 * {@code path}, image models: a string column of image paths or {@code file:} URIs, or a binary column of image
 * bytes; the kind is read from the model directory), adding {@code prediction} (class index, double, as MLlib does),
 * {@code probability} ({@code array<float>}, one entry per class in the model's label order),
 * {@code predictedLabel} (the class name) and {@code error} (null unless the row's text was null or blank, its image missing or corrupt, or the
 * model failed on it). Images are decoded and preprocessed as {@link dev.graft.artifact.ImageClassifier} does. The model is loaded once per executor JVM, its checksums verified ({@link ModelFingerprint} and the
 * backbone's SHA-256), and reused by every partition and task.
 */
public class GraftPredictor extends Transformer {

    private static final long serialVersionUID = 1L;

    private final String uid;
    private final Param<String> inputCol;
    private final Param<String> imageCol;
    private final Param<String> modelDir;
    private final Param<String> predictionCol;
    private final Param<String> probabilityCol;
    private final Param<String> predictedLabelCol;
    private final Param<String> errorCol;
    private final IntParam batchSize;
    private final IntParam threads;
    private final BooleanParam shipModel;

    /** A stage with a random uid. */
    public GraftPredictor() {
        this(Identifiable$.MODULE$.randomUID("graftPredictor"));
    }

    /** A stage with {@code uid} (used by Spark's copy). */
    public GraftPredictor(String uid) {
        this.uid = uid;
        inputCol = new Param<>(this, "inputCol", "column of texts");
        imageCol = new Param<>(this, "imageCol", "column of images for an image model (string paths/file: URIs or binary bytes)");
        modelDir = new Param<>(this, "modelDir", "Graft model directory");
        predictionCol = new Param<>(this, "predictionCol", "predicted class index (double)");
        probabilityCol = new Param<>(this, "probabilityCol", "class probabilities (array<float>, label order)");
        predictedLabelCol = new Param<>(this, "predictedLabelCol", "predicted class label");
        errorCol = new Param<>(this, "errorCol", "error of a row that could not be scored (null when fine)");
        batchSize = new IntParam(this, "batchSize", "texts per forward pass");
        threads = new IntParam(this, "threads", "ONNX Runtime intra-op threads per executor; 0 = spark.task.cpus");
        shipModel = new BooleanParam(this, "shipModel", "ship the model with SparkContext.addArchive (else: a shared path)");
        setDefault(inputCol, "text");
        setDefault(imageCol, "path");
        setDefault(predictionCol, "prediction");
        setDefault(probabilityCol, "probability");
        setDefault(predictedLabelCol, "predictedLabel");
        setDefault(errorCol, "error");
        setDefault(batchSize, 32);
        setDefault(threads, 0);
        setDefault(shipModel, true);
    }

    @Override
    public String uid() {
        return uid;
    }

    public Param<String> inputCol() { return inputCol; }
    public Param<String> imageCol() { return imageCol; }
    public Param<String> modelDir() { return modelDir; }
    public Param<String> predictionCol() { return predictionCol; }
    public Param<String> probabilityCol() { return probabilityCol; }
    public Param<String> predictedLabelCol() { return predictedLabelCol; }
    public Param<String> errorCol() { return errorCol; }
    public IntParam batchSize() { return batchSize; }
    public IntParam threads() { return threads; }
    public BooleanParam shipModel() { return shipModel; }

    public GraftPredictor setInputCol(String v) { set(inputCol, v); return this; }
    public GraftPredictor setImageCol(String v) { set(imageCol, v); return this; }
    public GraftPredictor setModelDir(String v) { set(modelDir, v); return this; }
    public GraftPredictor setPredictionCol(String v) { set(predictionCol, v); return this; }
    public GraftPredictor setProbabilityCol(String v) { set(probabilityCol, v); return this; }
    public GraftPredictor setPredictedLabelCol(String v) { set(predictedLabelCol, v); return this; }
    public GraftPredictor setErrorCol(String v) { set(errorCol, v); return this; }
    public GraftPredictor setBatchSize(int v) { set(batchSize, v); return this; }
    public GraftPredictor setThreads(int v) { set(threads, v); return this; }
    public GraftPredictor setShipModel(boolean v) { set(shipModel, v); return this; }

    public String getInputCol() { return getOrDefault(inputCol); }
    public String getModelDir() {
        if (!isDefined(modelDir)) {
            throw new IllegalArgumentException("GraftPredictor needs modelDir: the directory written by `graft train`.");
        }
        return getOrDefault(modelDir);
    }
    public String getImageCol() { return getOrDefault(imageCol); }
    public int getBatchSize() { return (Integer) getOrDefault(batchSize); }
    public int getThreads() { return (Integer) getOrDefault(threads); }
    public boolean getShipModel() { return (Boolean) getOrDefault(shipModel); }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema());
        if (getBatchSize() < 1 || getThreads() < 0) {
            throw new IllegalArgumentException("batchSize must be ≥ 1 and threads ≥ 0 (0 = spark.task.cpus)");
        }
        Path dir = Path.of(getModelDir());
        dev.graft.data.TaskKind task = dev.graft.artifact.ModelDirectory.taskKind(dir);
        if (task != dev.graft.data.TaskKind.CLASSIFICATION) {
            // its outputs are label probabilities or a value, not class probabilities: an argmax would be wrong
            throw new IllegalArgumentException("GraftPredictor predicts with single-label classifiers; " + dir + " is a "
                    + task.key() + " model. Predict with it through `graft predict` or the Java API (TextClassifier.decode).");
        }
        ModelSource src = ModelSource.directory(dataset.sparkSession().sparkContext(), dir, ModelFingerprint.of(dir), getShipModel());
        int batch = getBatchSize();
        int requestedThreads = getThreads();
        MapPartitionsFunction<Row, Row> f = isImageModel()
                ? images(src, dataset.schema().fieldIndex(getImageCol()), batch, requestedThreads)
                : texts(src, dataset.schema().fieldIndex(getInputCol()), batch, requestedThreads);
        return dataset.toDF().mapPartitions(f, Encoders.row(out));
    }

    /** Whether {@code modelDir} holds an image model (else a text model). */
    public boolean isImageModel() {
        return ImageClassifier.isImageModel(Path.of(getModelDir()));
    }

    private static MapPartitionsFunction<Row, Row> texts(ModelSource src, int textIndex, int batch, int requestedThreads) {
        int chunk = Math.max(256, batch * 8);
        return rows -> {
            // loaded and checksum-verified before any row: a model that fails to load fails the task, not each row
            ExecutorModels.LoadedClassifier m = ExecutorModels.classifier(src, ExecutorModels.threads(requestedThreads), batch);
            return RowBatches.map(rows, textIndex, chunk, 3, RowBatches::text, texts -> {
                float[][] vectors = m.encoder().encode(texts, Progress.NONE);
                TextClassifier c = m.classifier();
                float[][] p;
                synchronized (c) { // the DJL head and its NDManager are not shared between threads
                    p = c.probabilitiesOfEmbeddings(vectors);
                }
                return cells(p, c.labels(), c.task());
            });
        };
    }

    private static MapPartitionsFunction<Row, Row> images(ModelSource src, int imageIndex, int batch, int requestedThreads) {
        return rows -> RowBatches.map(rows, imageIndex, batch, 3,
                cell -> ImageCells.pixels(cell, ExecutorModels.imageClassifier(src, ExecutorModels.threads(requestedThreads))
                        .classifier().pipeline()),
                pixels -> {
                    ExecutorModels.LoadedImageClassifier m = ExecutorModels.imageClassifier(src, ExecutorModels.threads(requestedThreads));
                    ImageClassifier c = m.classifier();
                    float[][] features = m.features(ImageCells.stack(pixels, c.pipeline().outputSize()), pixels.size());
                    float[][] p;
                    synchronized (c) { // the DJL head and its NDManager are not shared between threads
                        p = c.probabilitiesOfFeatures(features);
                    }
                    return cells(p, c.labels(), c.task());
                });
    }

    /** Rows of (class index, probabilities, label); the class is the task's decision (a tuned threshold, else argmax). */
    private static Object[][] cells(float[][] p, LabelMap labels, dev.graft.task.Task task) {
        dev.graft.task.ClassificationTask decide = (dev.graft.task.ClassificationTask) task;
        Object[][] cells = new Object[p.length][];
        for (int i = 0; i < p.length; i++) {
            int k = decide.predict(p[i]);
            cells[i] = new Object[] {(double) k, p[i], labels.label(k)};
        }
        return cells;
    }

    @Override
    public StructType transformSchema(StructType schema) {
        if (isImageModel()) {
            if (isSet(inputCol) && !isSet(imageCol)) {
                throw new IllegalArgumentException(getModelDir() + " is an image model: name its image column with imageCol (default"
                        + " 'path'), not inputCol.");
            }
            GraftParams.requireImageColumn(schema, getImageCol(), "imageCol");
        } else {
            if (isSet(imageCol)) {
                throw new IllegalArgumentException(getModelDir() + " is a text model: name its text column with inputCol, not imageCol.");
            }
            GraftParams.requireStringColumn(schema, getInputCol(), "inputCol");
        }
        return GraftParams.add(schema,
                DataTypes.createStructField(getOrDefault(predictionCol), DataTypes.DoubleType, true),
                DataTypes.createStructField(getOrDefault(probabilityCol), DataTypes.createArrayType(DataTypes.FloatType, false), true),
                DataTypes.createStructField(getOrDefault(predictedLabelCol), DataTypes.StringType, true),
                DataTypes.createStructField(getOrDefault(errorCol), DataTypes.StringType, true));
    }

    @Override
    public GraftPredictor copy(ParamMap extra) {
        return defaultCopy(extra);
    }
}
