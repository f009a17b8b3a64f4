package dev.graft.spark;

import dev.graft.model.text.SentenceEncoder;
import dev.graft.model.text.TextModelSpec;
import dev.graft.model.text.TextModels;
import dev.graft.util.Progress;
import java.nio.file.Files;
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
 * Spark ML stage that adds a pretrained sentence embedding ({@code array<float>}) to each row of a text column,
 * with the frozen encoder Graft uses for feature extraction (ONNX Runtime when the model has an ONNX export).
 * Rows whose text is null or blank get a null embedding and a message in {@link #errorCol()}.
 *
 * <p>Params: {@code inputCol} (default {@code text}), {@code outputCol} ({@code embedding}), {@code errorCol}
 * ({@code error}), {@code model} (a bundled name such as {@code minilm}, {@code hf:org/name}, or a text-model
 * directory; default {@code minilm}), {@code batchSize} (texts per forward pass, 32), {@code threads} (ONNX Runtime
 * intra-op threads per executor; 0 = {@code spark.task.cpus}), {@code shipModel} (send a model directory through
 * Spark's file distribution, default true; false = a path every executor can read). Images: not yet.
 */
public class GraftEmbedder extends Transformer {

    private static final long serialVersionUID = 1L;

    private final String uid;
    private final Param<String> inputCol;
    private final Param<String> outputCol;
    private final Param<String> errorCol;
    private final Param<String> model;
    private final IntParam batchSize;
    private final IntParam threads;
    private final BooleanParam shipModel;

    /** A stage with a random uid. */
    public GraftEmbedder() {
        this(Identifiable$.MODULE$.randomUID("graftEmbedder"));
    }

    /** A stage with {@code uid} (used by Spark's copy). */
    public GraftEmbedder(String uid) {
        this.uid = uid;
        inputCol = new Param<>(this, "inputCol", "column of texts");
        outputCol = new Param<>(this, "outputCol", "embedding column to add (array<float>)");
        errorCol = new Param<>(this, "errorCol", "column to add with the error of a row that could not be embedded (null when fine)");
        model = new Param<>(this, "model", "pretrained model: bundled name (minilm), hf:org/name, or a text-model directory");
        batchSize = new IntParam(this, "batchSize", "texts per forward pass");
        threads = new IntParam(this, "threads", "ONNX Runtime intra-op threads per executor; 0 = spark.task.cpus");
        shipModel = new BooleanParam(this, "shipModel", "ship a model directory with SparkContext.addArchive (else: a shared path)");
        setDefault(inputCol, "text");
        setDefault(outputCol, "embedding");
        setDefault(errorCol, "error");
        setDefault(model, "minilm");
        setDefault(batchSize, 32);
        setDefault(threads, 0);
        setDefault(shipModel, true);
    }

    @Override
    public String uid() {
        return uid;
    }

    public Param<String> inputCol() { return inputCol; }
    public Param<String> outputCol() { return outputCol; }
    public Param<String> errorCol() { return errorCol; }
    public Param<String> model() { return model; }
    public IntParam batchSize() { return batchSize; }
    public IntParam threads() { return threads; }
    public BooleanParam shipModel() { return shipModel; }

    public GraftEmbedder setInputCol(String v) { set(inputCol, v); return this; }
    public GraftEmbedder setOutputCol(String v) { set(outputCol, v); return this; }
    public GraftEmbedder setErrorCol(String v) { set(errorCol, v); return this; }
    public GraftEmbedder setModel(String v) { set(model, v); return this; }
    public GraftEmbedder setBatchSize(int v) { set(batchSize, v); return this; }
    public GraftEmbedder setThreads(int v) { set(threads, v); return this; }
    public GraftEmbedder setShipModel(boolean v) { set(shipModel, v); return this; }

    public String getInputCol() { return getOrDefault(inputCol); }
    public String getOutputCol() { return getOrDefault(outputCol); }
    public String getErrorCol() { return getOrDefault(errorCol); }
    public String getModel() { return getOrDefault(model); }
    public int getBatchSize() { return (Integer) getOrDefault(batchSize); }
    public int getThreads() { return (Integer) getOrDefault(threads); }
    public boolean getShipModel() { return (Boolean) getOrDefault(shipModel); }

    /** The model as the executors will find it; resolves it on the driver (and ships a directory). */
    ModelSource source(org.apache.spark.SparkContext sc) {
        String ref = getModel();
        TextModelSpec spec = TextModels.resolve(ref);
        boolean isDirectory = Files.isDirectory(Path.of(ref)) || ref.startsWith("hf:");
        if (!isDirectory) {
            return ModelSource.bundled(ref, spec.sha256());
        }
        String sha;
        try {
            sha = dev.graft.util.Hashes.sha256(spec.weightsFile());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return ModelSource.directory(sc, spec.directory(), sha, getShipModel());
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema());
        if (getBatchSize() < 1 || getThreads() < 0) {
            throw new IllegalArgumentException("batchSize must be ≥ 1 and threads ≥ 0 (0 = spark.task.cpus)");
        }
        ModelSource src = source(dataset.sparkSession().sparkContext());
        int textIndex = dataset.schema().fieldIndex(getInputCol());
        int batch = getBatchSize();
        int requestedThreads = getThreads();
        int chunk = Math.max(256, batch * 8);
        MapPartitionsFunction<Row, Row> f = rows -> TextBatches.map(rows, textIndex, chunk, 1, texts -> {
            SentenceEncoder encoder = ExecutorModels.encoder(src, ExecutorModels.threads(requestedThreads), batch);
            float[][] vectors = encoder.encode(texts, Progress.NONE);
            Object[][] cells = new Object[vectors.length][];
            for (int i = 0; i < vectors.length; i++) {
                cells[i] = new Object[] {vectors[i]};
            }
            return cells;
        });
        return dataset.toDF().mapPartitions(f, Encoders.row(out));
    }

    @Override
    public StructType transformSchema(StructType schema) {
        GraftParams.requireStringColumn(schema, getInputCol(), "inputCol");
        return GraftParams.add(schema,
                DataTypes.createStructField(getOutputCol(), DataTypes.createArrayType(DataTypes.FloatType, false), true),
                DataTypes.createStructField(getErrorCol(), DataTypes.StringType, true));
    }

    @Override
    public GraftEmbedder copy(ParamMap extra) {
        return defaultCopy(extra);
    }
}
