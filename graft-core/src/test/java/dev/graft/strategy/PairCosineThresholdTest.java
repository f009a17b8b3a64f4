package dev.graft.strategy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The zero-shot baseline for paraphrase pairs that feature extraction on {@code [u, v, |u−v|, u⊙v]} is compared with:
 * the cosine similarity of the two frozen MiniLM sentence vectors, a pair predicted a paraphrase at or above a threshold
 * chosen for the best accuracy on the training pairs.
 *
 * <p>The MRPC measurement itself is {@link MrpcCosineBaseline}.
 */
class PairCosineThresholdTest {

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

}
