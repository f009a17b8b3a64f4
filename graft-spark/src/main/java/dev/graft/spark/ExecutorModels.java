package dev.graft.spark;

import dev.graft.artifact.ImageClassifier;
import dev.graft.artifact.TextClassifier;
import dev.graft.model.text.SentenceEncoder;
import dev.graft.model.text.SentenceEncoders;
import dev.graft.model.text.TextModelSpec;
import dev.graft.model.text.TextModels;
import dev.graft.model.vision.OnnxFeatureExtractor;
import dev.graft.strategy.FrozenImageFeatures;
import dev.graft.strategy.ImageBackbone;
import dev.graft.util.Hashes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.spark.TaskContext;

/**
 * The models of one executor JVM: each is loaded once (keyed by its kind, location, checksum, thread count and batch
 * size), its copy's checksum verified, then shared by every partition and task that runs in the JVM, concurrently:
 * ONNX Runtime sessions are thread-safe, and DJL modules (heads, image backbones without an ONNX file) run under
 * their owner's lock. Models stay loaded for the JVM's life.
 */
public final class ExecutorModels {

    /** A trained model with its own encoder, opened with this executor's thread count. */
    public record LoadedClassifier(TextClassifier classifier, SentenceEncoder encoder) {
    }

    /**
     * A trained image model; {@code onnx} computes its frozen features with this executor's thread count when the
     * model carries its backbone's ONNX file (a feature-extraction model), else {@code null} and the classifier's DJL
     * backbone does.
     */
    public record LoadedImageClassifier(ImageClassifier classifier, OnnxFeatureExtractor onnx) {

        /**
         * Backbone features of {@code n} images preprocessed by the classifier's pipeline, given flat, averaged over the
         * views of the classifier's test-time augmentation.
         */
        public float[][] features(float[] flat, int n) {
            if (onnx != null) {
                return classifier.tta().apply(onnx::features).of(flat, n, classifier.preprocessing().outputHeight(),
                        classifier.preprocessing().outputWidth());
            }
            synchronized (classifier) { // the DJL backbone and its NDManager are not shared between threads
                return classifier.featuresOfPixels(flat, n);
            }
        }
    }

    private static final Map<String, Object> MODELS = new ConcurrentHashMap<>();
    private static final AtomicInteger LOADS = new AtomicInteger();

    private ExecutorModels() {
    }

    /** The frozen encoder of {@code source}, loaded on first use in this JVM. */
    public static SentenceEncoder encoder(ModelSource source, int threads, int batchSize) {
        return cached("encoder", source, threads, batchSize, () -> {
            TextModelSpec spec = source.archiveName() == null && !Files.isDirectory(Path.of(source.reference()))
                    ? TextModels.resolve(source.reference())
                    : TextModels.fromDirectory(source.localDirectory());
            requireSame("Encoder weights " + spec.weightsFile(), sha256(spec.weightsFile()), source.checksum());
            return SentenceEncoders.open(spec, threads, batchSize);
        });
    }

    /** The trained Graft text model of {@code source}, loaded (and its checksums verified) on first use in this JVM. */
    public static LoadedClassifier classifier(ModelSource source, int threads, int batchSize) {
        return cached("classifier", source, threads, batchSize, () -> {
            Path dir = source.localDirectory();
            ModelFingerprint.verify(dir, source.checksum());
            TextClassifier classifier = TextClassifier.load(dir); // verifies the backbone's SHA-256 too
            return new LoadedClassifier(classifier, SentenceEncoders.open(classifier.backbone(), threads, batchSize));
        });
    }

    /**
     * The frozen feature extractor of the image backbone directory of {@code source} (checksum:
     * {@link ModelFingerprint#ofBackbone}), loaded on first use in this JVM.
     */
    public static FrozenImageFeatures imageFeatures(ModelSource source, int threads) {
        return cached("image-features", source, threads, 0, () -> {
            ImageBackbone backbone = ImageBackbone.open(source.localDirectory());
            requireSame("Image backbone " + backbone.directory(), ModelFingerprint.ofBackbone(backbone), source.checksum());
            return FrozenImageFeatures.open(backbone, threads);
        });
    }

    /** The trained Graft image model of {@code source}, loaded (and its checksums verified) on first use in this JVM. */
    public static LoadedImageClassifier imageClassifier(ModelSource source, int threads) {
        return cached("image-classifier", source, threads, 0, () -> {
            Path dir = source.localDirectory();
            ModelFingerprint.verify(dir, source.checksum());
            ImageClassifier classifier = ImageClassifier.load(dir); // verifies the backbone's SHA-256 too
            OnnxFeatureExtractor onnx = null;
            if (classifier.onnxFeatures() != null) {
                try {
                    onnx = OnnxFeatureExtractor.open(classifier.onnxFeatures(), threads);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return new LoadedImageClassifier(classifier, onnx);
        });
    }

    @SuppressWarnings("unchecked")
    private static <T> T cached(String kind, ModelSource source, int threads, int batchSize, Supplier<T> load) {
        String key = kind + "|" + source.reference() + "|" + source.checksum() + "|" + threads + "|" + batchSize;
        return (T) MODELS.computeIfAbsent(key, k -> {
            T model = load.get();
            LOADS.incrementAndGet();
            return model;
        });
    }

    /** How many models this JVM has loaded so far (for tests: a model is loaded once, not per partition). */
    public static int loads() {
        return LOADS.get();
    }

    /**
     * ONNX Runtime intra-op threads for a task: {@code requested} when positive, else {@code spark.task.cpus} of
     * the running task (1 outside a task).
     */
    public static int threads(int requested) {
        if (requested > 0) {
            return requested;
        }
        TaskContext tc = TaskContext.get();
        return tc == null ? 1 : Math.max(1, tc.cpus());
    }

    private static String sha256(Path file) {
        try {
            return Hashes.sha256(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static void requireSame(String what, String actual, String expected) {
        if (!actual.equals(expected)) {
            throw new IllegalStateException(what + " on this executor has checksum " + actual + " but the driver's has " + expected
                    + ": the copies differ. Redistribute the model.");
        }
    }
}
