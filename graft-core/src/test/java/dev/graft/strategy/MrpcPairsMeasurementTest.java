package dev.graft.strategy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.data.DataOptions;
import dev.graft.data.QuoteMode;
import dev.graft.data.TextDataReader;
import dev.graft.data.TextDataset;
import dev.graft.model.text.TextModelSpec;
import dev.graft.model.text.TextModels;
import dev.graft.util.Progress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The zero-shot baseline for paraphrase pairs that feature extraction on {@code [u, v, |u−v|, u⊙v]} is compared with:
 * the cosine similarity of the two frozen MiniLM sentence vectors, a pair predicted a paraphrase at or above a threshold
 * chosen for the best accuracy on the training pairs.
 *
 * <p>The MRPC measurement embeds about 8,000 sentences (some 100 s on 2 cores, or none when the embedding cache of a
 * {@code graft train} run on the same files is shared through {@code -Dgraft.home}); it runs only with
 * {@code -Dgraft.measure=mrpc} and {@code ../shared}, and prints its figures:
 * <pre>
 * mvn -o -B verify -pl graft-core -Dtest=MrpcPairsMeasurementTest -Dgraft.measure=mrpc -Dgraft.home=$GRAFT_HOME
 * </pre>
 */
class MrpcPairsMeasurementTest {

    /** Accuracy and F1 of the positive class. */
    record Scores(double accuracy, double f1) {
    }

    /** The threshold with the best accuracy on {@code cosines}, midway between neighbouring values (ties: the lowest). */
    static double bestThreshold(double[] cosines, boolean[] positive) {
        double[] sorted = cosines.clone();
        Arrays.sort(sorted);
        double best = Double.NEGATIVE_INFINITY;
        double bestAccuracy = -1;
        for (int i = 0; i <= sorted.length; i++) {
            double t = i == 0 ? Double.NEGATIVE_INFINITY : i == sorted.length ? Double.POSITIVE_INFINITY
                    : (sorted[i - 1] + sorted[i]) / 2;
            double accuracy = score(cosines, positive, t).accuracy();
            if (accuracy > bestAccuracy) {
                bestAccuracy = accuracy;
                best = t;
            }
        }
        return best;
    }

    static Scores score(double[] cosines, boolean[] positive, double threshold) {
        int tp = 0;
        int fp = 0;
        int fn = 0;
        int correct = 0;
        for (int i = 0; i < cosines.length; i++) {
            boolean predicted = cosines[i] >= threshold;
            correct += predicted == positive[i] ? 1 : 0;
            tp += predicted && positive[i] ? 1 : 0;
            fp += predicted && !positive[i] ? 1 : 0;
            fn += !predicted && positive[i] ? 1 : 0;
        }
        double f1 = tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
        return new Scores((double) correct / cosines.length, f1);
    }

    /** Cosine of {@code u} and {@code v} from a pair feature row {@code [u, v, |u−v|, u⊙v]}. */
    static double cosine(float[] features) {
        int d = features.length / 4;
        double dot = 0;
        double uu = 0;
        double vv = 0;
        for (int k = 0; k < d; k++) {
            dot += features[3 * d + k];
            uu += (double) features[k] * features[k];
            vv += (double) features[d + k] * features[d + k];
        }
        return dot / Math.sqrt(uu * vv);
    }

    @Test
    void theThresholdMaximisesTrainingAccuracy() {
        double[] cos = {0.1, 0.2, 0.35, 0.4, 0.8, 0.9};
        boolean[] positive = {false, false, true, false, true, true};
        double t = bestThreshold(cos, positive);
        assertEquals(0.275, t, 1e-9, "0.275 and 0.6 both get 5 of 6 right; ties take the lowest");
        assertEquals(new Scores(5 / 6.0, 2 * 3 / (2.0 * 3 + 1 + 0)), score(cos, positive, t));
        assertEquals(1.0, cosine(new float[] {1, 0, 2, 0, 1, 0, 2, 0}), 1e-9);
    }

    @Test
    void mrpcCosineBaseline() {
        Assumptions.assumeTrue("mrpc".equals(System.getProperty("graft.measure")), "run with -Dgraft.measure=mrpc");
        Path mrpc = Path.of(System.getProperty("graft.repo.root", ".")).resolve("../shared/data/text/mrpc").normalize();
        Assumptions.assumeTrue(Files.isRegularFile(mrpc.resolve("train.txt")), mrpc + " not present");
        DataOptions options = DataOptions.defaults().withQuote(QuoteMode.NONE).withLabelColumn("0").withTextColumn("3")
                .withTextPairColumn("4");
        TextDataset train = TextDataReader.read(mrpc.resolve("train.txt"), options);
        TextDataset dev = TextDataReader.read(mrpc.resolve("dev.txt"), options);
        TextModelSpec minilm = TextModels.resolve("minilm");
        FeatureExtraction fe = new FeatureExtraction(FeatureExtractionConfig.defaults());
        long t0 = System.nanoTime();
        double[] trainCos = Arrays.stream(fe.embeddings(minilm, train, Progress.NONE)).mapToDouble(MrpcPairsMeasurementTest::cosine).toArray();
        double[] devCos = Arrays.stream(fe.embeddings(minilm, dev, Progress.NONE)).mapToDouble(MrpcPairsMeasurementTest::cosine).toArray();
        double seconds = (System.nanoTime() - t0) / 1e9;
        boolean[] trainY = positives(train);
        boolean[] devY = positives(dev);
        double threshold = bestThreshold(trainCos, trainY);
        Scores onTrain = score(trainCos, trainY, threshold);
        Scores onDev = score(devCos, devY, threshold);
        System.out.printf(Locale.ROOT, "MRPC zero-shot cosine baseline (MiniLM, threshold %.4f tuned on %d train pairs: accuracy %.4f):"
                        + " dev accuracy %.4f, F1(1) %.4f over %d pairs; embeddings %.1f s%n", threshold, train.size(),
                onTrain.accuracy(), onDev.accuracy(), onDev.f1(), dev.size(), seconds);
        assertTrue(onDev.accuracy() > 0.6, onDev::toString);
    }

    private static boolean[] positives(TextDataset data) {
        boolean[] y = new boolean[data.size()];
        for (int i = 0; i < y.length; i++) {
            y[i] = "1".equals(data.get(i).label());
        }
        return y;
    }
}
