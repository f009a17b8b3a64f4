package dev.graft.strategy;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.graft.artifact.Provenance;
import dev.graft.artifact.TextClassifier;
import dev.graft.data.DatasetSplits;
import dev.graft.data.LabelMap;
import dev.graft.model.head.ClassifierHead;
import dev.graft.model.head.HeadConfig;
import dev.graft.data.TextDataset;
import dev.graft.model.text.PairEncoding;
import dev.graft.model.text.PairFeatures;
import dev.graft.model.text.TextModelSpec;
import dev.graft.task.Targets;
import dev.graft.task.Task;
import dev.graft.task.Tasks;
import dev.graft.training.DenseBatches;
import dev.graft.training.FitResult;
import dev.graft.training.Learner;
import dev.graft.training.LrFinder;
import dev.graft.training.TrainConfig;
import dev.graft.training.TrainingPlan;
import dev.graft.training.TrainingListener;
import dev.graft.util.Progress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Feature extraction: the pretrained backbone stays frozen and runs once per text (its embeddings
 * are cached on disk), then a small head — dropout and a linear layer, optionally a hidden layer —
 * is trained on the embeddings with AdamW, early stopping and best-epoch restoration. For text pairs
 * the head reads {@link PairFeatures} of the two texts' vectors ({@link PairEncoding#SEPARATE}).
 */
public final class FeatureExtraction {

    /** The strategy's name in manifests, provenance and the CLI. */
    public static final String NAME = "feature-extraction";

    private final FeatureExtractionConfig config;
    private final Device device;

    /** A strategy with these settings. */
    public FeatureExtraction(FeatureExtractionConfig config) {
        this(config, Device.cpu());
    }

    private FeatureExtraction(FeatureExtractionConfig config, Device device) {
        this.config = config;
        this.device = java.util.Objects.requireNonNull(device, "device");
    }

    /**
     * The same strategy with its frozen pass on {@code device}: a GPU runs it through ONNX Runtime's CUDA provider
     * ({@link dev.graft.model.OrtDevices}); the head trains on the CPU.
     */
    public FeatureExtraction on(Device device) {
        return new FeatureExtraction(config, device);
    }

    /** A strategy with {@link FeatureExtractionConfig#defaults()}. */
    public static FeatureExtraction withDefaults() {
        return new FeatureExtraction(FeatureExtractionConfig.defaults());
    }

    /** The settings. */
    public FeatureExtractionConfig config() {
        return config;
    }

    /** Sentence vectors of each split and the cache's part in obtaining them. */
    private record Embedded(float[][] train, float[][] val, float[][] test, double seconds, int cacheHits) {
    }

    /**
     * Embeds every split, from the cache where possible. The backbone is opened only if some split
     * misses the cache and is closed before training: ONNX Runtime and libtorch never compute at the same time.
     */
    private Embedded embed(TextModelSpec backbone, DatasetSplits splits, Progress progress) {
        EmbeddingCache cache = config.embeddingCache();
        long t0 = System.nanoTime();
        try (LazyEncoder encoder = config.frozenEncoder(backbone, device)) {
            float[][] train = features(cache, backbone, encoder, splits.train(), progress);
            float[][] val = features(cache, backbone, encoder, splits.val(), progress);
            float[][] test = splits.test().isPresent() ? features(cache, backbone, encoder, splits.test().get(), progress) : null;
            return new Embedded(train, val, test, (System.nanoTime() - t0) / 1e9, cache.hits());
        }
    }

    /**
     * What the head reads for {@code data}: the sentence vector of each text, or for text pairs
     * {@link PairFeatures} of the two vectors (each distinct sentence of the data set embedded once, through the cache).
     */
    private static float[][] features(EmbeddingCache cache, TextModelSpec backbone, LazyEncoder encoder, TextDataset data,
                                      Progress progress) {
        if (!data.hasPairs()) {
            return cache.embed(backbone, encoder, RunProvenance.texts(data), progress);
        }
        return PairFeatures.embed(RunProvenance.texts(data), RunProvenance.pairs(data),
                distinct -> cache.embed(backbone, encoder, distinct, progress));
    }

    /**
     * What the head reads for {@code data}: the frozen backbone's sentence vectors, or for text pairs their
     * {@link PairFeatures}; from the embedding cache where possible (the same cache and encoder {@link #fit} uses; the
     * backbone is opened only on a miss).
     */
    public float[][] embeddings(TextModelSpec backbone, TextDataset data, Progress progress) {
        EmbeddingCache cache = config.embeddingCache();
        try (LazyEncoder encoder = config.frozenEncoder(backbone, device)) {
            return features(cache, backbone, encoder, data, progress);
        }
    }

    /**
     * The learning-rate range test for the head on this data (embeddings from the cache); the
     * head is thrown away afterwards.
     */
    public LrFinder.Result findLearningRate(TextModelSpec backbone, DatasetSplits splits, LrFinder finder, Progress progress) {
        Embedded e = embed(backbone, splits, progress);
        LabelMap labels = splits.labelMap();
        Learner.seed(config.training().seed());
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            ClassifierHead head = new ClassifierHead(new HeadConfig(e.train()[0].length, labels.size(), config.hiddenUnits(), config.dropout()));
            head.initialize(manager);
            Learner learner = new Learner(head, head, config.training(), config.plan(), List.of());
            return finder.run(learner, head, head, config.plan(),
                    new DenseBatches(e.train(), RunProvenance.indices(splits.train(), labels)));
        }
    }

    /** Trains on {@code splits} with the frozen {@code backbone}, for the task the data calls for ({@link Tasks#forTraining}). */
    public TrainingOutcome fit(TextModelSpec backbone, DatasetSplits splits, Progress progress, List<TrainingListener> listeners) {
        return fit(backbone, splits, Tasks.forTraining(splits), progress, listeners);
    }

    /**
     * Trains a head for {@code task} on {@code splits} with the frozen {@code backbone}. Decision settings the task
     * tunes (multi-label thresholds) are tuned on the validation set and saved with the model.
     */
    public TrainingOutcome fit(TextModelSpec backbone, DatasetSplits splits, Task task, Progress progress,
                               List<TrainingListener> listeners) {
        Embedded embedded = embed(backbone, splits, progress);
        float[][] trainX = embedded.train();
        float[][] valX = embedded.val();
        float[][] testX = embedded.test();
        int dim = trainX[0].length;
        Targets valY = Tasks.targets(task, splits.val());

        Learner.seed(config.training().seed());
        NDManager manager = NDManager.newBaseManager(Device.cpu());
        try {
            ClassifierHead head = new ClassifierHead(new HeadConfig(dim, task.outputWidth(), config.hiddenUnits(), config.dropout()));
            head.initialize(manager);
            TextClassifier classifier = new TextClassifier(backbone, head, task, NAME,
                    splits.hasPairs() ? PairEncoding.SEPARATE : null, manager).withFrozenPrecision(config.frozenPrecision());
            Targets trainY = Tasks.targets(task, splits.train());
            FitResult fit = FrozenHeadTraining.fit(head, task, trainX, trainY, valX, valY, config, listeners,
                    classifier::probabilitiesOfEmbeddings);
            float[][] valOut = classifier.probabilitiesOfEmbeddings(valX);
            classifier.calibrate(valOut, valY);
            float[][] testOut = testX == null ? null : classifier.probabilitiesOfEmbeddings(testX);
            return TaskTraining.outcome(classifier, fit, splits, valOut, testOut, embedded.seconds(), embedded.cacheHits(),
                    RunProvenance.partial(NAME, config.training().seed(), config.describe(), backbone, splits));
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }
}
