package dev.graft.strategy;

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
import dev.graft.model.text.OnnxTextEncoder;
import dev.graft.model.text.TextModelSpec;
import dev.graft.training.DenseBatches;
import dev.graft.training.FitResult;
import dev.graft.training.Inference;
import dev.graft.training.Learner;
import dev.graft.training.TrainingListener;
import dev.graft.util.Progress;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Feature extraction: the pretrained backbone stays frozen and runs once per text (its embeddings
 * are cached on disk), then a small head — dropout and a linear layer, optionally a hidden layer —
 * is trained on the embeddings with AdamW, early stopping and best-epoch restoration.
 */
public final class FeatureExtraction {

    /** The strategy's name in manifests, provenance and the CLI. */
    public static final String NAME = "feature-extraction";

    private final FeatureExtractionConfig config;

    /** A strategy with these settings. */
    public FeatureExtraction(FeatureExtractionConfig config) {
        this.config = config;
    }

    /** A strategy with {@link FeatureExtractionConfig#defaults()}. */
    public static FeatureExtraction withDefaults() {
        return new FeatureExtraction(FeatureExtractionConfig.defaults());
    }

    /** The settings. */
    public FeatureExtractionConfig config() {
        return config;
    }

    /** Trains on {@code splits} with the frozen {@code backbone}. */
    public TrainingOutcome fit(TextModelSpec backbone, DatasetSplits splits, Progress progress, List<TrainingListener> listeners) {
        LabelMap labels = splits.labelMap();
        EmbeddingCache cache = new EmbeddingCache(config.cacheDir());
        long t0 = System.nanoTime();
        float[][] trainX;
        float[][] valX;
        float[][] testX = null;
        // The backbone is opened only if some split misses the cache, and closed before training:
        // ONNX Runtime and libtorch never compute at the same time.
        try (LazyEncoder encoder = new LazyEncoder(() -> OnnxTextEncoder.open(backbone, config.threads(), config.encodeBatchSize()))) {
            trainX = cache.embed(backbone, encoder, texts(splits.train()), progress);
            valX = cache.embed(backbone, encoder, texts(splits.val()), progress);
            if (splits.test().isPresent()) {
                testX = cache.embed(backbone, encoder, texts(splits.test().get()), progress);
            }
        }
        double embedSeconds = (System.nanoTime() - t0) / 1e9;
        int dim = trainX[0].length;

        Learner.seed(config.training().seed());
        NDManager manager = NDManager.newBaseManager();
        try {
            ClassifierHead head = new ClassifierHead(new HeadConfig(dim, labels.size(), config.hiddenUnits(), config.dropout()));
            head.initialize(manager);
            Learner learner = new Learner(head, head, config.training(), listeners);
            FitResult fit = learner.fit(new DenseBatches(trainX, indices(splits.train(), labels)),
                    new DenseBatches(valX, indices(splits.val(), labels)));
            TextClassifier classifier = new TextClassifier(backbone, head, labels, NAME, manager);
            Map<String, SplitPredictions> predictions = new LinkedHashMap<>();
            predictions.put("val", new SplitPredictions(splits.val(), classifier.probabilitiesOfEmbeddings(valX)));
            if (testX != null) {
                predictions.put("test", new SplitPredictions(splits.test().get(), classifier.probabilitiesOfEmbeddings(testX)));
            }
            ClassificationMetrics val = score(predictions.get("val"), labels);
            Optional<ClassificationMetrics> test = testX == null ? Optional.empty()
                    : Optional.of(score(predictions.get("test"), labels));
            Provenance provenance = provenance(backbone, splits, labels, val, test);
            return new TrainingOutcome(classifier, fit, val, test, embedSeconds, cache.hits(), provenance, predictions);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    private static ClassificationMetrics score(SplitPredictions split, LabelMap labels) {
        float[][] probs = split.probabilities();
        TextDataset data = split.data();
        int[] pred = new int[probs.length];
        for (int i = 0; i < probs.length; i++) {
            pred[i] = Inference.argmax(probs[i]);
        }
        return ClassificationMetrics.of(indices(data, labels), pred, labels.labels());
    }

    private Provenance provenance(TextModelSpec backbone, DatasetSplits splits, LabelMap labels,
                                  ClassificationMetrics val, Optional<ClassificationMetrics> test) {
        Map<String, Provenance.DataFingerprint> data = new LinkedHashMap<>();
        data.put("train", fingerprint(splits.train()));
        data.put("val", fingerprint(splits.val()));
        splits.test().ifPresent(t -> data.put("test", fingerprint(t)));
        Map<String, String> bb = new LinkedHashMap<>();
        bb.put("id", backbone.id());
        bb.put("sha256", backbone.sha256());
        bb.put("license", backbone.license());
        bb.put("source", backbone.source());
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("val_accuracy", val.accuracy());
        metrics.put("val_macro_f1", val.macroF1());
        test.ifPresent(t -> {
            metrics.put("test_accuracy", t.accuracy());
            metrics.put("test_macro_f1", t.macroF1());
        });
        return new Provenance(Instant.now().toString(), NAME, config.training().seed(), config.describe(), data, bb,
                Versions.all(), metrics, List.of());
    }

    private static Provenance.DataFingerprint fingerprint(TextDataset d) {
        var src = d.source();
        return new Provenance.DataFingerprint(src.path() == null ? null : src.path().toAbsolutePath().toString(),
                src.fileSha256(), d.sha256(), d.size(), LabelMap.classCounts(d));
    }

    private static List<String> texts(TextDataset d) {
        return d.examples().stream().map(TextExample::text).toList();
    }

    private static int[] indices(TextDataset d, LabelMap labels) {
        return d.examples().stream().mapToInt(e -> labels.indexOf(e.label())).toArray();
    }
}
