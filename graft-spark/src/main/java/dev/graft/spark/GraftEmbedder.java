package dev.graft.spark;

import dev.graft.model.text.SentenceEncoder;
import dev.graft.model.text.TextModelSpec;
import dev.graft.model.text.TextModels;
import dev.graft.strategy.FrozenImageFeatures;
import dev.graft.strategy.ImageBackbone;
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
 * Spark ML stage that adds a pretrained embedding ({@code array<float>}) to each row of a text column or of an
 * image column, with the frozen model Graft uses for feature extraction.
 *
 * <p>Texts ({@code inputCol}): the sentence encoder (ONNX Runtime when the model has an ONNX export); rows whose text
 * is null or blank get a null embedding and a message in {@link #errorCol()}.
 *
 * <p>Images ({@link #setImageCol}: a string column of image paths or {@code file:} URIs, or a binary column of image
 * bytes such as {@code binaryFile}'s {@code content}): each image is decoded and preprocessed as
 * {@link dev.graft.strategy.ImageTransfer#frozenFeatures} does (same decoder, same pipeline, no augmentation) and
 * its pooled backbone features computed by {@link dev.graft.strategy.FrozenImageFeatures} (ONNX Runtime when the
 * backbone has {@code model.onnx}, else the DJL module), {@code batchSize} images at a time. A missing, unreadable or
 * corrupt image gives a null embedding and a message naming it in {@link #errorCol()}.
 *
 * <p>Params: {@code inputCol} (texts, default {@code text}), {@code imageCol} (images; setting it selects images and
 * excludes {@code inputCol}), {@code outputCol} ({@code embedding}), {@code errorCol} ({@code error}), {@code model}
 * (texts: a bundled name such as {@code minilm}, {@code hf:org/name}, or a text-model directory, default
 * {@code minilm}; images: an image backbone directory or a name registered with {@code graft models import}, default
 * {@code mobilenetv2}), {@code batchSize} (texts or images per forward pass, 32), {@code threads} (ONNX Runtime
 * intra-op threads per executor; 0 = {@code spark.task.cpus}), {@code shipModel} (send a model directory through
 * Spark's file distribution, default true; false = a path every executor can read).
 */
public class GraftEmbedder extends Transformer {

    private static final long serialVersionUID = 1L;

    private final String uid;
    private final Param<String> inputCol;
    private final Param<String> imageCol;
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
        imageCol = new Param<>(this, "imageCol", "column of images (string paths/file: URIs or binary bytes); selects images");
        outputCol = new Param<>(this, "outputCol", "embedding column to add (array<float>)");
        errorCol = new Param<>(this, "errorCol", "column to add with the error of a row that could not be embedded (null when fine)");
        model = new Param<>(this, "model", "pretrained model: texts: bundled name (minilm), hf:org/name or a text-model directory;"
                + " images: a backbone directory or a registered name (mobilenetv2)");
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
    public Param<String> imageCol() { return imageCol; }
    public Param<String> outputCol() { return outputCol; }
    public Param<String> errorCol() { return errorCol; }
    public Param<String> model() { return model; }
    public IntParam batchSize() { return batchSize; }
    public IntParam threads() { return threads; }
    public BooleanParam shipModel() { return shipModel; }

    public GraftEmbedder setInputCol(String v) { set(inputCol, v); return this; }
    /** Embeds the images of column {@code v} (paths or bytes) instead of texts. */
    public GraftEmbedder setImageCol(String v) { set(imageCol, v); return this; }
    public GraftEmbedder setOutputCol(String v) { set(outputCol, v); return this; }
    public GraftEmbedder setErrorCol(String v) { set(errorCol, v); return this; }
    public GraftEmbedder setModel(String v) { set(model, v); return this; }
    public GraftEmbedder setBatchSize(int v) { set(batchSize, v); return this; }
    public GraftEmbedder setThreads(int v) { set(threads, v); return this; }
    public GraftEmbedder setShipModel(boolean v) { set(shipModel, v); return this; }

    public String getInputCol() { return getOrDefault(inputCol); }
    /** The image column, or {@code null} when the stage embeds texts. */
    public String getImageCol() { return isSet(imageCol) ? getOrDefault(imageCol) : null; }
    public String getOutputCol() { return getOrDefault(outputCol); }
    public String getErrorCol() { return getOrDefault(errorCol); }
    /** The model: as set, else {@code minilm} for texts and {@code mobilenetv2} for images. */
    public String getModel() { return isSet(model) || !isImages() ? getOrDefault(model) : "mobilenetv2"; }
    public int getBatchSize() { return (Integer) getOrDefault(batchSize); }
    public int getThreads() { return (Integer) getOrDefault(threads); }
    public boolean getShipModel() { return (Boolean) getOrDefault(shipModel); }

    /** Whether the stage embeds images ({@code imageCol} is set). */
    public boolean isImages() {
        return isSet(imageCol);
    }

    /** The model as the executors will find it; resolves it on the driver (and ships a directory). */
    ModelSource source(org.apache.spark.SparkContext sc) {
        String ref = getModel();
        if (isImages()) {
            ImageBackbone backbone = ImageBackbone.resolve(ref);
            return ModelSource.directory(sc, backbone.directory(), ModelFingerprint.ofBackbone(backbone), getShipModel());
        }
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
        int batch = getBatchSize();
        int requestedThreads = getThreads();
        MapPartitionsFunction<Row, Row> f = isImages() ? images(src, dataset.schema().fieldIndex(getImageCol()), batch, requestedThreads)
                : texts(src, dataset.schema().fieldIndex(getInputCol()), batch, requestedThreads);
        return dataset.toDF().mapPartitions(f, Encoders.row(out));
    }

    static MapPartitionsFunction<Row, Row> texts(ModelSource src, int textIndex, int batch, int requestedThreads) {
        int chunk = Math.max(256, batch * 8);
        return rows -> {
            // loaded and checksum-verified before any row: a model that fails to load fails the task, not each row
            SentenceEncoder encoder = ExecutorModels.encoder(src, ExecutorModels.threads(requestedThreads), batch);
            return RowBatches.map(rows, textIndex, chunk, 1, RowBatches::text, texts -> cells(encoder.encode(texts, Progress.NONE)));
        };
    }

    /** Chunks of {@code batch} images: decoded and preprocessed pixels are 600 KB an image at 224 × 224. */
    private static MapPartitionsFunction<Row, Row> images(ModelSource src, int imageIndex, int batch, int requestedThreads) {
        return rows -> RowBatches.map(rows, imageIndex, batch, 1,
                cell -> ImageCells.pixels(cell, ExecutorModels.imageFeatures(src, ExecutorModels.threads(requestedThreads)).pipeline()),
                pixels -> {
                    FrozenImageFeatures fx = ExecutorModels.imageFeatures(src, ExecutorModels.threads(requestedThreads));
                    return cells(fx.features(ImageCells.stack(pixels, fx.pipeline().outputSize()), pixels.size()));
                });
    }

    private static Object[][] cells(float[][] vectors) {
        Object[][] cells = new Object[vectors.length][];
        for (int i = 0; i < vectors.length; i++) {
            cells[i] = new Object[] {vectors[i]};
        }
        return cells;
    }

    @Override
    public StructType transformSchema(StructType schema) {
        if (isImages()) {
            if (isSet(inputCol)) {
                throw new IllegalArgumentException("GraftEmbedder has both inputCol (texts) and imageCol (images) set; set only one.");
            }
            GraftParams.requireImageColumn(schema, getImageCol(), "imageCol");
        } else {
            GraftParams.requireStringColumn(schema, getInputCol(), "inputCol");
        }
        return GraftParams.add(schema,
                DataTypes.createStructField(getOutputCol(), DataTypes.createArrayType(DataTypes.FloatType, false), true),
                DataTypes.createStructField(getErrorCol(), DataTypes.StringType, true));
    }

    @Override
    public GraftEmbedder copy(ParamMap extra) {
        return defaultCopy(extra);
    }
}
