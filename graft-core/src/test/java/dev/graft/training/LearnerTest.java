package dev.graft.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.graft.model.head.ClassifierHead;
import dev.graft.model.head.HeadConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LearnerTest {

    /** Three Gaussian blobs in 16 dimensions with some overlap. */
    static DenseBatches blobs(int perClass, long seed, double noise) {
        Random r = new Random(seed);
        int classes = 3;
        int dim = 16;
        float[][] x = new float[perClass * classes][dim];
        int[] y = new int[perClass * classes];
        for (int i = 0; i < x.length; i++) {
            y[i] = i % classes;
            for (int d = 0; d < dim; d++) {
                double centre = d % classes == y[i] ? 1.0 : 0.0;
                x[i][d] = (float) (centre + noise * r.nextGaussian());
            }
        }
        return new DenseBatches(x, y);
    }

    private record Run(FitResult fit, float[][] valProbs) {
    }

    private static Run train(TrainConfig config, DenseBatches train, DenseBatches val) {
        Learner.seed(config.seed());
        try (NDManager m = NDManager.newBaseManager()) {
            ClassifierHead head = new ClassifierHead(new HeadConfig(16, 3, 8, 0.1));
            head.initialize(m);
            Learner learner = new Learner(head, head, config, List.of());
            FitResult fit = learner.fit(train, val);
            return new Run(fit, learner.predictProbabilities(val));
        }
    }

    @Test
    void learnsSeparableDataAndKeepsTheBestEpoch() {
        DenseBatches train = blobs(60, 1, 0.6);
        DenseBatches val = blobs(30, 2, 0.6);
        Run run = train(TrainConfig.defaults().withEpochs(40).withPatience(4).withLearningRate(1e-2), train, val);
        FitResult fit = run.fit();
        assertTrue(fit.best().valAccuracy() > 0.8, "val accuracy " + fit.best().valAccuracy());
        // The model that comes back is the best epoch's, not the last one's.
        int[] gold = val.labels();
        int correct = 0;
        for (int i = 0; i < gold.length; i++) {
            correct += Inference.argmax(run.valProbs()[i]) == gold[i] ? 1 : 0;
        }
        assertEquals(fit.best().valAccuracy(), correct / (double) gold.length, 1e-9);
        double bestF1 = fit.history().stream().mapToDouble(EpochLog::valMacroF1).max().orElseThrow();
        assertEquals(bestF1, fit.bestScore(), 1e-4 + 1e-12, "best score is the history's maximum (within minDelta)");
    }

    @Test
    void stopsEarlyWhenValidationStopsImproving() {
        DenseBatches train = blobs(60, 3, 0.3);
        DenseBatches val = blobs(30, 4, 0.3);
        FitResult fit = train(TrainConfig.defaults().withEpochs(200).withPatience(3).withLearningRate(5e-2), train, val).fit();
        assertTrue(fit.stoppedEarly(), "should stop long before 200 epochs on easy data");
        assertEquals(fit.bestEpoch() + 3, fit.history().size(), "stops exactly `patience` epochs after the best");
    }

    @Test
    void sameSeedSameHistoryDifferentSeedDifferentHistory() {
        DenseBatches train = blobs(40, 5, 0.8);
        DenseBatches val = blobs(20, 6, 0.8);
        TrainConfig config = TrainConfig.defaults().withEpochs(6).withPatience(0);
        Run a = train(config, train, val);
        Run b = train(config, train, val);
        Run c = train(config.withSeed(7), train, val);
        assertEquals(losses(a.fit()), losses(b.fit()));
        for (int i = 0; i < a.valProbs().length; i++) {
            assertArrayEquals(a.valProbs()[i], b.valProbs()[i]);
        }
        assertTrue(!losses(a.fit()).equals(losses(c.fit())), "another seed should change the run");
    }

    @Test
    void divergingLossStopsWithAClearMessage() {
        float[][] x = {{Float.NaN, 1}, {1, 0}, {0, 1}, {1, 1}};
        DenseBatches bad = new DenseBatches(x, new int[] {0, 1, 0, 1});
        DenseBatches val = new DenseBatches(new float[][] {{1, 0}, {0, 1}}, new int[] {0, 1});
        Learner.seed(1);
        try (NDManager m = NDManager.newBaseManager()) {
            ClassifierHead head = new ClassifierHead(new HeadConfig(2, 2, 0, 0.0));
            head.initialize(m);
            Learner learner = new Learner(head, head, TrainConfig.defaults().withBatchSize(4), List.of());
            TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> learner.fit(bad, val));
            assertTrue(e.getMessage().contains("Lower the learning rate"), e.getMessage());
        }
    }

    @Test
    void adamWLeavesBiasesUndecayedAndFrozenParametersUntouched() {
        float[][] x = new float[8][4];
        int[] y = {0, 1, 0, 1, 0, 1, 0, 1};
        DenseBatches data = new DenseBatches(x, y); // all-zero inputs: weights get no gradient, only decay
        Learner.seed(3);
        try (NDManager m = NDManager.newBaseManager()) {
            ClassifierHead head = new ClassifierHead(new HeadConfig(4, 2, 0, 0.0));
            head.initialize(m);
            float[] w0 = head.namedParameters().get("out_proj.weight").getArray().toFloatArray();
            TrainConfig config = TrainConfig.defaults().withEpochs(1).withBatchSize(8).withWeightDecay(0.5).withLearningRate(0.1).withPatience(0);
            new Learner(head, head, config, List.of()).fit(data, data);
            float[] w1 = head.namedParameters().get("out_proj.weight").getArray().toFloatArray();
            // zero inputs → zero weight gradient: the only change is decoupled decay w *= (1 - lr * wd)
            for (int i = 0; i < w0.length; i++) {
                assertEquals(w0[i] * (1 - 0.1 * 0.5), w1[i], 1e-6);
            }
        }
    }

    @Test
    void aStepWithANonFiniteGradientIsDroppedButPersistentOnesStopTraining() {
        DenseBatches train = blobs(40, 8, 0.5);
        DenseBatches val = blobs(10, 9, 0.5);
        for (int[] poisoned : new int[][] {{3}, {3, 4, 5, 6}}) {
            Learner.seed(1);
            try (NDManager m = NDManager.newBaseManager()) {
                ClassifierHead head = new ClassifierHead(new HeadConfig(16, 3, 0, 0.0));
                head.initialize(m);
                int[] step = {0};
                Learner learner = new Learner(head, head, TrainConfig.defaults().withEpochs(2).withPatience(0), List.of()) {
                    @Override
                    protected double trainStep(NDManager scope, BatchSource data, int[] indices) {
                        double loss = super.trainStep(scope, data, indices);
                        if (java.util.Arrays.stream(poisoned).anyMatch(k -> k == step[0])) {
                            head.namedParameters().get("out_proj.weight").getArray().getGradient().muli(Float.NaN);
                        }
                        step[0]++;
                        return loss;
                    }
                };
                if (poisoned.length == 1) {
                    FitResult fit = learner.fit(train, val);
                    assertEquals(1, fit.skippedSteps());
                    for (float w : head.namedParameters().get("out_proj.weight").getArray().toFloatArray()) {
                        assertTrue(Float.isFinite(w), "the NaN gradient never reached the weights");
                    }
                } else {
                    TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> learner.fit(train, val));
                    assertTrue(e.getMessage().contains("gradient norm"), e.getMessage());
                }
            }
        }
    }

    private static List<Double> losses(FitResult fit) {
        List<Double> l = new ArrayList<>();
        fit.history().forEach(e -> {
            l.add(e.trainLoss());
            l.add(e.valLoss());
        });
        return l;
    }
}
