package dev.graft.task;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.graft.data.TaskKind;
import dev.graft.metrics.BinaryMetric;
import dev.graft.metrics.ClassificationMetrics;
import dev.graft.metrics.RankingMetrics;
import dev.graft.metrics.ThresholdTuning;
import dev.graft.model.head.ClassifierHead;
import dev.graft.model.head.HeadConfig;
import dev.graft.training.DenseBatches;
import dev.graft.training.Learner;
import dev.graft.training.TrainConfig;
import dev.graft.training.TrainingPlan;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Two-class classification on imbalanced data: weighted cross-entropy as scikit-learn's {@code class_weight}, ROC-AUC
 * and PR-AUC of the positive class, and a decision threshold tuned on validation, saved and restored.
 */
class BinaryClassificationTaskTest {

    private static final List<String> NAMES = List.of("ham", "spam");
    private static final int DIM = 8;

    /** One positive in ten; the positives are shifted by {@code shift} on the first four features, the rest is noise. */
    private static DenseBatches imbalanced(int n, long seed, double shift) {
        Random r = new Random(seed);
        float[][] x = new float[n][DIM];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 10 == 0 ? 1 : 0;
            for (int d = 0; d < DIM; d++) {
                x[i][d] = (float) (r.nextGaussian() + (d < 4 && y[i] == 1 ? shift : 0));
            }
        }
        return new DenseBatches(x, y);
    }

    /** Validation probabilities of a linear head trained for {@code task} (as feature extraction trains one). */
    private static float[][] trainedProbabilities(ClassificationTask task, DenseBatches train, DenseBatches val) {
        TrainConfig config = TrainConfig.defaults().withEpochs(30).withPatience(0).withLearningRate(1e-2).withSeed(5);
        Learner.seed(config.seed());
        try (NDManager m = NDManager.newBaseManager()) {
            ClassifierHead head = new ClassifierHead(new HeadConfig(DIM, 2, 0, 0.0));
            head.initialize(m);
            Learner learner = new Learner(head, head, config, TrainingPlan.simple(), task, List.of());
            learner.fit(train, val);
            return learner.predictProbabilities(val);
        }
    }

    @Test
    void balancedWeightsAndTheWeightedLossAreScikitLearns() {
        int[] y = {0, 0, 0, 1};
        // sklearn.utils.class_weight.compute_class_weight("balanced", classes=[0, 1], y=y) = n / (classes * count)
        float[] w = ClassificationTask.balancedWeights(y, 2);
        assertArrayEquals(new float[] {4f / 6, 2f}, w, 1e-7f);

        float[][] logits = {{2, 0}, {0.5f, 1.5f}, {1, 1}, {-1, 2}};
        ClassificationTask weighted = new ClassificationTask(NAMES, null).withClassWeights(w);
        ClassificationTask plain = new ClassificationTask(NAMES, null);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray out = m.create(new float[] {2, 0, 0.5f, 1.5f, 1, 1, -1, 2}, new Shape(4, 2));
            NDArray target = plain.batchTargets(m, new Targets.Classes(y), new int[] {0, 1, 2, 3});
            // sklearn.metrics.log_loss(y, softmax(logits), sample_weight=w[y]) = Σ w_y·nll / Σ w_y, by hand:
            // nll = 0.1269280110, 1.3132616875, 0.6931471806, 0.0485873516 → (2/3·2.1333368792 + 2·0.0485873516) / 4
            assertEquals(0.3798498223, weighted.loss(out, target).getFloat(), 1e-6);
            assertEquals(0.5454810577, plain.loss(out, target).getFloat(), 1e-6, "unweighted: the plain mean");
            double byHand = 0, sumW = 0;
            for (int i = 0; i < 4; i++) {
                double lse = Math.log(Math.exp(logits[i][0]) + Math.exp(logits[i][1]));
                byHand += w[y[i]] * (lse - logits[i][y[i]]);
                sumW += w[y[i]];
            }
            assertEquals(byHand / sumW, weighted.loss(out, target).getFloat(), 1e-6);
        }
    }

    @Test
    void twoClassScoresAddRocAndPrAucOfThePositiveClassAndMoreClassesStayAsBefore() {
        float[][] p = {{0.9f, 0.1f}, {0.6f, 0.4f}, {0.3f, 0.7f}, {0.55f, 0.45f}, {0.8f, 0.2f}};
        int[] gold = {0, 1, 1, 0, 0};
        ClassificationMetrics m = new ClassificationTask(NAMES, null).score(p, new Targets.Classes(gold));
        RankingMetrics spam = RankingMetrics.of(new boolean[] {false, true, true, false, false}, new double[] {0.1f, 0.4f, 0.7f, 0.45f, 0.2f});
        assertEquals(spam.rocAuc(), m.value("roc_auc"), 0.0);
        assertEquals(spam.averagePrecision(), m.value("pr_auc"), 0.0);
        assertEquals(5.0 / 6, m.value("roc_auc"), 1e-12, "5 of the 6 positive-negative pairs are ordered right");
        assertEquals("spam", m.binary().orElseThrow().positiveLabel(), "the second class by default");
        assertEquals(List.of("accuracy", "macro_f1", "macro_precision", "macro_recall", "weighted_f1", "roc_auc", "pr_auc"),
                List.copyOf(m.values().keySet()));
        assertEquals(0.8, m.accuracy(), 1e-12, "argmax decisions without a threshold: one spam missed");
        ClassificationMetrics at04 = new ClassificationTask(NAMES, null).withDecisionThreshold(DecisionThreshold.fixed(0.4))
                .score(p, new Targets.Classes(gold));
        assertEquals(1.0, at04.perClass().get(1).recall(), 1e-12, "P(spam) ≥ 0.4 catches both spams");
        assertEquals(1, at04.confusionMatrix().count(0, 1), "and takes one ham (0.45) for spam");
        assertEquals(OptionalDouble.of(0.4), at04.binary().orElseThrow().threshold());
        assertTrue(at04.binary().orElseThrow().tunedFor().isEmpty(), "a given threshold is not tuned");
        assertEquals(m.value("roc_auc"), at04.value("roc_auc"), 0.0);

        ClassificationMetrics ham = new ClassificationTask(NAMES, null).withPositiveLabel("ham").score(p, new Targets.Classes(gold));
        assertEquals(m.value("roc_auc"), ham.value("roc_auc"), 1e-12, "ROC-AUC does not depend on which class is positive");
        assertNotEquals(m.value("pr_auc"), ham.value("pr_auc"), "PR-AUC does");

        float[][] three = {{0.5f, 0.3f, 0.2f}, {0.1f, 0.2f, 0.7f}, {0.2f, 0.5f, 0.3f}, {0.4f, 0.35f, 0.25f}};
        int[] gold3 = {0, 2, 1, 1};
        ClassificationMetrics m3 = new ClassificationTask(List.of("a", "b", "c"), null).score(three, new Targets.Classes(gold3));
        ClassificationMetrics before = ClassificationMetrics.of(gold3, new int[] {0, 2, 1, 0}, List.of("a", "b", "c"));
        assertEquals(before, m3, "three classes: exactly the figures of the predicted classes, nothing added");
        assertEquals(before.toMap(), m3.toMap());
        assertTrue(new ClassificationTask(List.of("a", "b", "c"), null).settings().isEmpty());
    }

    @Test
    void aThresholdTunedOnValidationBeatsArgmaxOnItsMetricAndIsSavedWithTheTask() {
        DenseBatches train = imbalanced(600, 1, 1.0);
        DenseBatches val = imbalanced(400, 2, 1.0);
        ClassificationTask task = new ClassificationTask(NAMES, null);
        float[][] p = trainedProbabilities(task, train, val);
        Targets gold = val.targets();
        boolean[] isSpam = new boolean[p.length];
        double[] scores = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            isSpam[i] = val.labels()[i] == 1;
            scores[i] = p[i][1];
        }
        for (BinaryMetric metric : List.of(BinaryMetric.F1, BinaryMetric.BALANCED_ACCURACY, BinaryMetric.MCC)) {
            ClassificationTask untuned = task.withDecisionThreshold(DecisionThreshold.tune(metric));
            assertFalse(untuned.decisionThreshold().applies(), "until calibrated, decisions are argmax");
            ClassificationTask tuned = (ClassificationTask) untuned.calibrated(p, gold);
            double threshold = tuned.decisionThreshold().value().orElseThrow();
            assertEquals(ThresholdTuning.binary(isSpam, scores, metric).threshold(), threshold, 0.0);

            ClassificationMetrics argmax = task.score(p, gold);
            ClassificationMetrics decided = tuned.score(p, gold);
            double before = metric.of(argmax.confusionMatrix().count(1, 1), argmax.confusionMatrix().count(0, 1),
                    argmax.confusionMatrix().count(0, 0), argmax.confusionMatrix().count(1, 0));
            double after = metric.of(decided.confusionMatrix().count(1, 1), decided.confusionMatrix().count(0, 1),
                    decided.confusionMatrix().count(0, 0), decided.confusionMatrix().count(1, 0));
            assertTrue(after > before, metric + ": tuned " + after + " at " + threshold + " vs argmax " + before);
            assertTrue(threshold < 0.5, metric + ": on data with one positive in ten the threshold drops below 0.5: " + threshold);
            assertEquals(argmax.value("roc_auc"), decided.value("roc_auc"), 0.0, "the ranking does not depend on the threshold");
            assertEquals(metric, decided.binary().orElseThrow().tunedFor().orElseThrow());

            Map<String, Object> settings = tuned.settings();
            assertEquals(Map.of("positive_label", "spam", "decision_threshold", threshold, "threshold_tuned_for", metric.key()), settings);
            ClassificationTask restored = (ClassificationTask) Tasks.restore(TaskKind.CLASSIFICATION, NAMES, settings);
            assertEquals(tuned.decisionThreshold(), restored.decisionThreshold());
            for (float[] row : p) {
                assertEquals(tuned.predict(row), restored.predict(row));
                assertEquals(row[1] >= threshold ? 1 : 0, restored.predict(row));
                assertEquals(NAMES.get(restored.predict(row)), restored.decode(row).labels().get(0));
            }
        }
        assertTrue(task.settings().isEmpty(), "no threshold, default positive class: nothing to save (manifest v1/v2)");
        assertEquals(Map.of("positive_label", "ham"), task.withPositiveLabel("ham").settings());
    }

    @Test
    void balancedClassWeightsRaiseTheRecallOfTheRareClass() {
        DenseBatches train = imbalanced(600, 3, 1.0);
        DenseBatches val = imbalanced(400, 4, 1.0);
        ClassificationTask plain = new ClassificationTask(NAMES, null);
        ClassificationTask balanced = plain.withClassWeights(ClassificationTask.balancedWeights(train.labels(), 2));
        ClassificationMetrics a = plain.score(trainedProbabilities(plain, train, val), val.targets());
        ClassificationMetrics b = balanced.score(trainedProbabilities(balanced, train, val), val.targets());
        double recallPlain = a.perClass().get(1).recall();
        double recallBalanced = b.perClass().get(1).recall();
        assertTrue(recallBalanced > recallPlain + 0.2, "spam recall " + recallPlain + " → " + recallBalanced + " with balanced weights");
        assertTrue(b.value("roc_auc") > 0.8 && a.value("roc_auc") > 0.8, a.value("roc_auc") + ", " + b.value("roc_auc"));
    }

    @Test
    void badChoicesAreRefusedWithWhatToDo() {
        ClassificationTask three = new ClassificationTask(List.of("a", "b", "c"), null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> three.withDecisionThreshold(DecisionThreshold.tune(BinaryMetric.F1)));
        assertTrue(e.getMessage().contains("exactly two classes"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ClassificationTask(NAMES, null).withPositiveLabel("eggs"));
        assertTrue(e.getMessage().contains("'eggs'") && e.getMessage().contains("[ham, spam]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DecisionThreshold.parse("tune:recall"));
        assertTrue(e.getMessage().contains("f1, balanced_accuracy, mcc or accuracy"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DecisionThreshold.parse("1.5"));
        assertTrue(e.getMessage().contains("[0, 1]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DecisionThreshold.parse("high"));
        assertTrue(e.getMessage().contains("tune:METRIC"), e.getMessage());
        assertEquals(DecisionThreshold.fixed(0.25), DecisionThreshold.parse("0.25"));
        assertEquals(DecisionThreshold.tune(BinaryMetric.BALANCED_ACCURACY), DecisionThreshold.parse("tune:balanced-accuracy"));
        assertEquals(DecisionThreshold.NONE, DecisionThreshold.parse("none"));
        e = assertThrows(IllegalArgumentException.class,
                () -> Tasks.restore(TaskKind.CLASSIFICATION, NAMES, Map.of("decision_threshold", "high")));
        assertTrue(e.getMessage().contains("'decision_threshold'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tasks.restore(TaskKind.CLASSIFICATION, NAMES,
                Map.of("decision_threshold", 0.3, "threshold_tuned_for", "recall")));
        assertTrue(e.getMessage().contains("recall"), e.getMessage());
    }
}
