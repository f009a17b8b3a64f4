package dev.graft.strategy;

import ai.djl.Device;
import dev.graft.model.Precision;
import dev.graft.model.text.SentenceEncoders;
import dev.graft.model.text.TextModelSpec;
import dev.graft.training.TrainConfig;
import dev.graft.training.TrainingPlan;
import dev.graft.training.optim.OptimizerSpec;
import dev.graft.util.GraftHome;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of the feature-extraction strategy: frozen backbone, cached embeddings, new head.
 *
 * @param hiddenUnits     width of the head's optional hidden layer (0 = linear head)
 * @param dropout         head dropout
 * @param training        optimiser, epochs, early stopping and seed
 * @param encodeBatchSize texts per backbone forward pass
 * @param threads         CPU threads for the backbone
 * @param cacheDir        where embeddings are cached
 * @param optimizer       how the head is optimised (AdamW by default; SGD with momentum)
 * @param closedFormHead  solve a linear head in closed form with cross-validated regularisation (multinomial or
 *                        one-vs-rest logistic regression, ridge regression) instead of training it by gradient descent
 *                        (the default, measured better or equal; a classifier with class weights is always trained by
 *                        gradient descent)
 * @param frozenPrecision the precision of the frozen text encoder's forward pass: {@link Precision#FP32} on ONNX Runtime
 *                        (the default), or {@link Precision#BF16} on libtorch with bfloat16 products
 *                        ({@link SentenceEncoders#open(TextModelSpec, int, int, Precision)}); image backbones and
 *                        per-token features run in fp32
 */
public record FeatureExtractionConfig(int hiddenUnits, double dropout, TrainConfig training, int encodeBatchSize,
                                      int threads, Path cacheDir, OptimizerSpec optimizer, boolean closedFormHead,
                                      Precision frozenPrecision) {

    /** Validates the fields. */
    public FeatureExtractionConfig {
        Objects.requireNonNull(training, "training");
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(cacheDir, "cacheDir");
        Objects.requireNonNull(frozenPrecision, "frozenPrecision");
        if (hiddenUnits < 0) {
            throw new IllegalArgumentException("hidden units must be ≥ 0 (0 = linear head), got " + hiddenUnits);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
        if (encodeBatchSize < 1 || threads < 1) {
            throw new IllegalArgumentException("encode batch size and threads must be ≥ 1");
        }
    }

    /** Settings with the AdamW optimiser. */
    public FeatureExtractionConfig(int hiddenUnits, double dropout, TrainConfig training, int encodeBatchSize, int threads,
                                   Path cacheDir) {
        this(hiddenUnits, dropout, training, encodeBatchSize, threads, cacheDir, OptimizerSpec.adamW());
    }

    /** Settings with the frozen encoder in fp32. */
    public FeatureExtractionConfig(int hiddenUnits, double dropout, TrainConfig training, int encodeBatchSize, int threads,
                                   Path cacheDir, OptimizerSpec optimizer, boolean closedFormHead) {
        this(hiddenUnits, dropout, training, encodeBatchSize, threads, cacheDir, optimizer, closedFormHead, Precision.FP32);
    }

    /** Settings with a closed-form head where it applies. */
    public FeatureExtractionConfig(int hiddenUnits, double dropout, TrainConfig training, int encodeBatchSize, int threads,
                                   Path cacheDir, OptimizerSpec optimizer) {
        this(hiddenUnits, dropout, training, encodeBatchSize, threads, cacheDir, optimizer, true);
    }

    /** Linear head with dropout 0.1, {@link TrainConfig#defaults()}, batch 32, all cores, cache under GRAFT_HOME. */
    public static FeatureExtractionConfig defaults() {
        return new FeatureExtractionConfig(0, 0.1, TrainConfig.defaults(), 32, Runtime.getRuntime().availableProcessors(),
                GraftHome.cache().resolve("embeddings"));
    }

    /** Copy with other training settings. */
    public FeatureExtractionConfig withTraining(TrainConfig v) {
        return new FeatureExtractionConfig(hiddenUnits, dropout, v, encodeBatchSize, threads, cacheDir, optimizer, closedFormHead, frozenPrecision);
    }

    /** Copy with a hidden layer of {@code v} units (0 = none). */
    public FeatureExtractionConfig withHiddenUnits(int v) {
        return new FeatureExtractionConfig(v, dropout, training, encodeBatchSize, threads, cacheDir, optimizer, closedFormHead, frozenPrecision);
    }

    /** Copy with another dropout. */
    public FeatureExtractionConfig withDropout(double v) {
        return new FeatureExtractionConfig(hiddenUnits, v, training, encodeBatchSize, threads, cacheDir, optimizer, closedFormHead, frozenPrecision);
    }

    /** Copy with another thread count. */
    public FeatureExtractionConfig withThreads(int v) {
        return new FeatureExtractionConfig(hiddenUnits, dropout, training, encodeBatchSize, v, cacheDir, optimizer, closedFormHead, frozenPrecision);
    }

    /** Copy with another cache directory. */
    public FeatureExtractionConfig withCacheDir(Path v) {
        return new FeatureExtractionConfig(hiddenUnits, dropout, training, encodeBatchSize, threads, v, optimizer, closedFormHead, frozenPrecision);
    }

    /** Copy with another optimiser for the head. */
    public FeatureExtractionConfig withOptimizer(OptimizerSpec v) {
        return new FeatureExtractionConfig(hiddenUnits, dropout, training, encodeBatchSize, threads, cacheDir, v, closedFormHead, frozenPrecision);
    }

    /** Copy solving (or not) a linear head in closed form. */
    public FeatureExtractionConfig withClosedFormHead(boolean v) {
        return new FeatureExtractionConfig(hiddenUnits, dropout, training, encodeBatchSize, threads, cacheDir, optimizer, v, frozenPrecision);
    }

    /** The same settings with the frozen text encoder's forward pass in {@code v}. */
    public FeatureExtractionConfig withFrozenPrecision(Precision v) {
        return new FeatureExtractionConfig(hiddenUnits, dropout, training, encodeBatchSize, threads, cacheDir, optimizer,
                closedFormHead, v);
    }

    /** The embedding cache these settings read and write: {@link #cacheDir}, keyed by {@link #frozenPrecision} too. */
    public EmbeddingCache embeddingCache() {
        return new EmbeddingCache(cacheDir, frozenPrecision);
    }

    /**
     * The frozen text encoder these settings run on {@code device}, opened on first use (a cache that hits every text
     * never opens it).
     */
    LazyEncoder frozenEncoder(TextModelSpec backbone, Device device) {
        return new LazyEncoder(() -> SentenceEncoders.open(backbone, threads, encodeBatchSize, frozenPrecision, device));
    }

    /** The head's training plan: this optimiser, nothing frozen, one learning rate. */
    public TrainingPlan plan() {
        return new TrainingPlan(optimizer, null, null, 0, false);
    }

    /** Every setting by name, for provenance and tracking. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("head_hidden_units", hiddenUnits);
        m.put("head_dropout", dropout);
        m.put("optimizer", optimizer.key());
        if (optimizer.kind() == OptimizerSpec.Kind.SGD) {
            m.put("momentum", optimizer.momentum());
        }
        m.put("epochs", training.epochs());
        m.put("batch_size", training.batchSize());
        m.put("learning_rate", training.learningRate());
        m.put("weight_decay", training.weightDecay());
        m.put("patience", training.patience());
        m.put("monitor", training.monitor().key());
        m.put("seed", training.seed());
        m.put("encode_batch_size", encodeBatchSize);
        m.put("threads", threads);
        m.put("closed_form_head", closedFormHead);
        if (frozenPrecision != Precision.FP32) {
            m.put("frozen_precision", frozenPrecision.key());
        }
        return m;
    }
}
