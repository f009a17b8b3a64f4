package dev.graft.strategy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.graft.metrics.linear.LinearClassifier;
import dev.graft.metrics.linear.LogisticRegression;
import dev.graft.model.head.ClassifierHead;
import dev.graft.model.head.HeadConfig;
import dev.graft.task.ClassificationTask;
import dev.graft.task.Targets;
import dev.graft.training.FitResult;
import dev.graft.training.TrainConfig;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The closed-form head of a single-label classifier is the cross-validated multinomial logistic regression. */
class ClosedFormHeadTest {

    private static final int CLASSES = 3;
    private static final int DIM = 6;

    @Test
    void classifierHeadPredictsWhatTheCrossValidatedLogisticRegressionPredicts() {
        Random rnd = new Random(7);
        int[] trainY = labels(240, rnd);
        float[][] trainX = blobs(trainY, rnd);
        int[] valY = labels(90, rnd);
        float[][] valX = blobs(valY, rnd);
        ClassificationTask task = ClassificationTask.unnamed(CLASSES);
        TrainConfig config = TrainConfig.defaults();

        try (NDManager manager = NDManager.newBaseManager()) {
            ClassifierHead head = new ClassifierHead(new HeadConfig(DIM, CLASSES, 0, 0.1));
            head.initialize(manager);
            FitResult fit = ClosedFormHead.fit(head, task, trainX, new Targets.Classes(trainY), valX, new Targets.Classes(valY),
                    config, x -> probabilities(head, task, manager, x));

            LinearClassifier reference = LogisticRegression.fitMultinomial(trainX, trainY, CLASSES,
                    LogisticRegression.Settings.defaults(config.seed()));
            float[][] expected = reference.probabilities(valX);
            float[][] actual = probabilities(head, task, manager, valX);
            double maxDiff = 0;
            for (int i = 0; i < valX.length; i++) {
                for (int c = 0; c < CLASSES; c++) {
                    maxDiff = Math.max(maxDiff, Math.abs(expected[i][c] - actual[i][c]));
                }
            }
            assertTrue(maxDiff < 1e-5, "head and logistic regression differ by " + maxDiff);
            assertEquals(1, fit.history().size(), "a closed-form solve is one step");
            // the blobs are separable enough that the solved head classifies most validation points right
            assertTrue(fit.history().get(0).valMetrics().get("accuracy") > 0.8, fit.history().get(0).valMetrics().toString());
            // the training loss is the task's log loss of the solved head on the training rows (not NaN)
            double trainLoss = fit.history().get(0).trainLoss();
            double expectedTrainLoss = task.validationLoss(reference.probabilities(trainX), new Targets.Classes(trainY));
            assertEquals(expectedTrainLoss, trainLoss, 1e-4);
            assertTrue(trainLoss > 0 && trainLoss < Math.log(CLASSES), "better than chance: " + trainLoss);
        }
    }

    @Test
    void classWeightsOrAHiddenLayerKeepTheGradientTrainedHead() {
        ClassificationTask plain = ClassificationTask.unnamed(CLASSES);
        assertTrue(ClosedFormHead.applies(plain, 0));
        assertFalse(ClosedFormHead.applies(plain, 16));
        assertFalse(ClosedFormHead.applies(plain.withClassWeights(new float[] {1, 2, 3}), 0));
    }

    private static float[][] probabilities(ClassifierHead head, ClassificationTask task, NDManager manager, float[][] x) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray in = scope.create(x);
            NDArray out = task.activate(head.logits(new ParameterStore(scope, false), head.representation(
                    new ParameterStore(scope, false), in, false), false));
            float[] flat = out.toFloatArray();
            float[][] rows = new float[x.length][CLASSES];
            for (int i = 0; i < x.length; i++) {
                System.arraycopy(flat, i * CLASSES, rows[i], 0, CLASSES);
            }
            return rows;
        }
    }

    private static int[] labels(int n, Random rnd) {
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = rnd.nextInt(CLASSES);
        }
        return y;
    }

    /** Gaussian blobs, one centre per class, overlapping a little. */
    private static float[][] blobs(int[] y, Random rnd) {
        float[][] x = new float[y.length][DIM];
        for (int i = 0; i < y.length; i++) {
            for (int j = 0; j < DIM; j++) {
                double centre = (j % CLASSES == y[i]) ? 2.0 : 0.0;
                x[i][j] = (float) (centre + rnd.nextGaussian() * (1 + j * 0.5));
            }
        }
        return x;
    }
}
