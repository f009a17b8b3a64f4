package dev.graft.spark;

import dev.graft.artifact.TextClassifier;
import dev.graft.model.text.SentenceEncoder;
import dev.graft.model.text.SentenceEncoders;
import dev.graft.model.text.TextModelSpec;
import dev.graft.model.text.TextModels;
import dev.graft.util.Hashes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.TaskContext;

/**
 * The models of one executor JVM: each is loaded once (keyed by its location, checksum, thread count and batch
 * size), then shared by every partition and task that runs in the JVM, concurrently: ONNX Runtime sessions are
 * thread-safe, and the small DJL head is run under the classifier's lock. Models stay loaded for the JVM's life.
 */
public final class ExecutorModels {

    /** A trained model with its own encoder, opened with this executor's thread count. */
    public record LoadedClassifier(TextClassifier classifier, SentenceEncoder encoder) {
    }

    private static final Map<String, Object> MODELS = new ConcurrentHashMap<>();
    private static final AtomicInteger LOADS = new AtomicInteger();

    private ExecutorModels() {
    }

    /** The frozen encoder of {@code source}, loaded on first use in this JVM. */
    public static SentenceEncoder encoder(ModelSource source, int threads, int batchSize) {
        String key = "encoder|" + source.reference() + "|" + source.checksum() + "|" + threads + "|" + batchSize;
        return (SentenceEncoder) MODELS.computeIfAbsent(key, k -> {
            TextModelSpec spec = source.archiveName() == null && !Files.isDirectory(Path.of(source.reference()))
                    ? TextModels.resolve(source.reference())
                    : TextModels.fromDirectory(source.localDirectory());
            verifyWeights(spec, source.checksum());
            LOADS.incrementAndGet();
            return SentenceEncoders.open(spec, threads, batchSize);
        });
    }

    /** The trained Graft model of {@code source}, loaded (and its checksums verified) on first use in this JVM. */
    public static LoadedClassifier classifier(ModelSource source, int threads, int batchSize) {
        String key = "classifier|" + source.reference() + "|" + source.checksum() + "|" + threads + "|" + batchSize;
        return (LoadedClassifier) MODELS.computeIfAbsent(key, k -> {
            Path dir = source.localDirectory();
            ModelFingerprint.verify(dir, source.checksum());
            TextClassifier classifier = TextClassifier.load(dir); // verifies the backbone's SHA-256 too
            LOADS.incrementAndGet();
            return new LoadedClassifier(classifier, SentenceEncoders.open(classifier.backbone(), threads, batchSize));
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

    private static void verifyWeights(TextModelSpec spec, String expected) {
        try {
            String actual = Hashes.sha256(spec.weightsFile());
            if (!actual.equals(expected)) {
                throw new IllegalStateException("Encoder weights " + spec.weightsFile() + " on this executor have SHA-256 " + actual
                        + " but the driver's have " + expected + ": the copies differ. Redistribute the model.");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + spec.weightsFile() + ": " + e.getMessage(), e);
        }
    }
}
