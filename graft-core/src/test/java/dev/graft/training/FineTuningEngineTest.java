package dev.graft.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.graft.model.LayerGroup;
import dev.graft.model.NativeMemoryPressure;
import dev.graft.model.text.TransformerClassifier;
import dev.graft.training.optim.OptimizerSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FineTuningEngineTest {

    private static final TokenBatches TRAIN = TinyTextTask.data(96, 1);
    private static final TokenBatches VAL = TinyTextTask.data(30, 2);

    private static TrainConfig config(int epochs) {
        return TrainConfig.defaults().withEpochs(epochs).withBatchSize(8).withLearningRate(3e-3).withPatience(0)
                .withSchedule(LrSchedule.warmupLinear(0.1));
    }

    private static TrainingPlan plan(FreezeSchedule freeze, double l2sp) {
        return new TrainingPlan(OptimizerSpec.adamWClipped(), freeze, new DiscriminativeLr(3e-3, 1e-3, 0.8, 0.01), l2sp, true);
    }

    @Test
    void fineTuningLearnsTheTokenTask() {
        try (NDManager m = NDManager.newBaseManager()) {
            TransformerClassifier model = TinyTextTask.model(m, 1);
            TrainingPlan fast = new TrainingPlan(OptimizerSpec.adamWClipped(), FreezeSchedule.all(),
                    new DiscriminativeLr(1e-2, 5e-3, 0.9, 0.01), 0, true);
            FitResult fit = new Learner(model, model, config(15).withLearningRate(1e-2), fast, List.of()).fit(TRAIN, VAL);
            assertTrue(fit.best().valAccuracy() > 0.8, "val accuracy " + fit.best().valAccuracy());
            assertFalse(fit.best().drift().isEmpty(), "drift is reported per backbone group");
            assertTrue(fit.best().drift().get("encoder.layer.2") > 0);
        }
    }

    @Test
    void frozenGroupsNeverChangeAndHeadOnlyTrainsOnlyTheHead() {
        try (NDManager m = NDManager.newBaseManager()) {
            TransformerClassifier model = TinyTextTask.model(m, 2);
            Map<String, float[]> before = values(model.namedParameters());
            FitResult fit = new Learner(model, model, config(2), plan(FreezeSchedule.headOnly(), 0), List.of()).fit(TRAIN, VAL);
            Map<String, float[]> after = values(model.namedParameters());
            for (String name : before.keySet()) {
                if (name.startsWith(TransformerClassifier.HEAD)) {
                    assertFalse(java.util.Arrays.equals(before.get(name), after.get(name)), name + " should train");
                } else {
                    assertArrayEquals(before.get(name), after.get(name), name + " is frozen");
                }
            }
            long headParams = model.head().namedParameters().values().stream().mapToLong(p -> p.getArray().size()).sum();
            assertEquals(headParams, fit.history().get(0).trainable());
        }
    }

    @Test
    void gradualUnfreezingAddsOneGroupPerEpochTopDown() {
        try (NDManager m = NDManager.newBaseManager()) {
            TransformerClassifier model = TinyTextTask.model(m, 3);
            FreezeSchedule gradual = FreezeSchedule.all().withGradual(true).withHeadEpochs(1);
            FitResult fit = new Learner(model, model, config(5), plan(gradual, 0), List.of()).fit(TRAIN, VAL);
            long[] trainable = fit.history().stream().mapToLong(EpochLog::trainable).toArray();
            for (int e = 1; e < trainable.length; e++) {
                assertTrue(trainable[e] > trainable[e - 1], "epoch " + (e + 1) + " trains more: " + java.util.Arrays.toString(trainable));
            }
            List<LayerGroup> groups = model.layerGroups();
            assertEquals(java.util.Set.of("head", "encoder.layer.2"), gradual.trainable(2, groups));
            assertEquals(5, gradual.trainable(5, groups).size(), "head + 3 layers + embeddings at epoch 5");
            assertEquals(0.0, fit.history().get(0).drift().get("encoder.layer.2"), 0.0, "nothing moved during the head-only epoch");
        }
    }

    @Test
    void unfreezeDepthLargerThanTheModelIsRefusedWithTheMaximum() {
        try (NDManager m = NDManager.newBaseManager()) {
            TransformerClassifier model = TinyTextTask.model(m, 4);
            Learner learner = new Learner(model, model, config(1), plan(FreezeSchedule.top(9), 0), List.of());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> learner.fit(TRAIN, VAL));
            assertTrue(e.getMessage().contains("has 4") && e.getMessage().contains("unfreeze 4"), e.getMessage());
        }
    }

    @Test
    void l2spKeepsTheBackboneCloserToItsPretrainedWeights() {
        double free;
        double anchored;
        try (NDManager m = NDManager.newBaseManager()) {
            TransformerClassifier model = TinyTextTask.model(m, 5);
            free = lastDrift(new Learner(model, model, config(3), plan(FreezeSchedule.all(), 0), List.of()).fit(TRAIN, VAL));
        }
        try (NDManager m = NDManager.newBaseManager()) {
            TransformerClassifier model = TinyTextTask.model(m, 5);
            anchored = lastDrift(new Learner(model, model, config(3), plan(FreezeSchedule.all(), 5.0), List.of()).fit(TRAIN, VAL));
        }
        assertTrue(anchored < free, "L2-SP drift " + anchored + " should be below " + free);
    }

    @Test
    void layerWiseLearningRatesDecayDownward() {
        try (NDManager m = NDManager.newBaseManager()) {
            List<LayerGroup> groups = TinyTextTask.model(m, 6).layerGroups();
            List<Double> rates = new DiscriminativeLr(1e-3, 1e-4, 0.5, 0.01).rates(groups);
            assertEquals(List.of(1.25e-5, 2.5e-5, 5e-5, 1e-4, 1e-3), rates);
        }
    }

    @Test
    void resumedRunEndsExactlyLikeAnUninterruptedOne(@TempDir Path dir) {
        FitResult straight;
        Map<String, float[]> straightWeights;
        try (NDManager m = NDManager.newBaseManager()) {
            TransformerClassifier model = TinyTextTask.model(m, 7);
            straight = new Learner(model, model, config(3), plan(FreezeSchedule.all().withGradual(true), 0.1), List.of()).fit(TRAIN, VAL);
            straightWeights = values(model.namedParameters());
        }
        Path ckpt = dir.resolve("ckpt");
        Checkpointing first = new Checkpointing(ckpt, 1, "fp", false);
        try (NDManager m = NDManager.newBaseManager()) {
            TransformerClassifier model = TinyTextTask.model(m, 7);
            TrainingListener crash = new TrainingListener() {
                @Override
                public void onStep(int epoch, int step, double loss) {
                    if (epoch == 2 && step == 3) {
                        throw new IllegalStateException("simulated crash");
                    }
                }
            };
            Learner learner = new Learner(model, model, config(3), plan(FreezeSchedule.all().withGradual(true), 0.1), List.of(crash));
            assertThrows(IllegalStateException.class, () -> learner.fit(TRAIN, VAL, first));
        }
        assertTrue(Files.exists(ckpt.resolve("state.json")), "epoch 1 checkpoint survives the crash");
        try (NDManager m = NDManager.newBaseManager()) {
            // The rebuilt model starts from the same pretrained state as the original run (as the CLI
            // rebuilds it); weights, optimiser state, history and best epoch all come from the checkpoint.
            TransformerClassifier model = TinyTextTask.model(m, 7);
            FitResult resumed = new Learner(model, model, config(3), plan(FreezeSchedule.all().withGradual(true), 0.1), List.of())
                    .fit(TRAIN, VAL, new Checkpointing(ckpt, 1, "fp", true));
            assertEquals(straight.history().size(), resumed.history().size());
            for (int e = 0; e < straight.history().size(); e++) {
                EpochLog a = straight.history().get(e);
                EpochLog b = resumed.history().get(e);
                assertEquals(a.trainLoss(), b.trainLoss(), 0.0, "epoch " + (e + 1) + " train loss");
                assertEquals(a.valLoss(), b.valLoss(), 0.0, "epoch " + (e + 1) + " val loss");
                assertEquals(a.valMacroF1(), b.valMacroF1(), 0.0);
            }
            Map<String, float[]> resumedWeights = values(model.namedParameters());
            for (String n : straightWeights.keySet()) {
                assertArrayEquals(straightWeights.get(n), resumedWeights.get(n), n);
            }
        }
    }

    @Test
    void sameSeedGivesIdenticalRunsEvenWhenTheGarbageCollectorRunsEveryStep() {
        TrainingListener pressure = new TrainingListener() {
            @Override
            public void onStep(int epoch, int step, double loss) {
                NativeMemoryPressure.poison(1, 0);
            }
        };
        List<List<Double>> runs = new java.util.ArrayList<>();
        for (int r = 0; r < 2; r++) {
            try (NDManager m = NDManager.newBaseManager()) {
                TransformerClassifier model = TinyTextTask.model(m, 11);
                FitResult fit = new Learner(model, model, config(3), plan(FreezeSchedule.all().withGradual(true), 0.1),
                        List.of(pressure)).fit(TRAIN, VAL);
                assertEquals(0, fit.skippedSteps(), "no update may be dropped for a non-finite gradient");
                runs.add(fit.history().stream().flatMap(e -> java.util.stream.Stream.of(e.trainLoss(), e.valLoss())).toList());
            }
        }
        assertEquals(runs.get(0), runs.get(1));
    }

    @Test
    void resumeRefusesAnotherRunsOrACorruptedCheckpoint(@TempDir Path dir) throws Exception {
        Path ckpt = dir.resolve("ckpt");
        try (NDManager m = NDManager.newBaseManager()) {
            TransformerClassifier model = TinyTextTask.model(m, 8);
            new Learner(model, model, config(1), plan(FreezeSchedule.all(), 0), List.of()).fit(TRAIN, VAL, new Checkpointing(ckpt, 1, "aaaaaaaaaaaaaaaa", false));
        }
        try (NDManager m = NDManager.newBaseManager()) {
            TransformerClassifier model = TinyTextTask.model(m, 8);
            Learner learner = new Learner(model, model, config(2), plan(FreezeSchedule.all(), 0), List.of());
            IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
                    () -> learner.fit(TRAIN, VAL, new Checkpointing(ckpt, 1, "bbbbbbbbbbbbbbbb", true)));
            assertTrue(other.getMessage().contains("different model, data or settings"), other.getMessage());
            Path weights = ckpt.resolve("model.safetensors");
            byte[] b = Files.readAllBytes(weights);
            Files.write(weights, java.util.Arrays.copyOf(b, b.length / 2));
            IllegalArgumentException corrupt = assertThrows(IllegalArgumentException.class,
                    () -> learner.fit(TRAIN, VAL, new Checkpointing(ckpt, 1, "aaaaaaaaaaaaaaaa", true)));
            assertTrue(corrupt.getMessage().contains("corrupted") && corrupt.getMessage().contains("without resume"), corrupt.getMessage());
        }
    }

    @Test
    void nativeMemoryDoesNotGrowWithSteps() {
        try (NDManager m = NDManager.newBaseManager()) {
            TransformerClassifier model = TinyTextTask.model(m, 9);
            int[] counts = new int[3];
            TrainingListener probe = new TrainingListener() {
                @Override
                public void onEpochEnd(EpochLog log) {
                    counts[log.epoch() - 1] = m.getManagedArrays().size();
                }
            };
            new Learner(model, model, config(3), plan(FreezeSchedule.all(), 0.1), List.of(probe)).fit(TRAIN, VAL);
            assertEquals(counts[1], counts[2], "arrays held after epoch 2 and 3: " + java.util.Arrays.toString(counts));
        }
    }

    @Test
    void lrFinderLeavesTheModelExactlyAsItWasAndRepeatsWithTheSameSeed() {
        try (NDManager m = NDManager.newBaseManager()) {
            TransformerClassifier model = TinyTextTask.model(m, 10);
            TrainingPlan p = plan(FreezeSchedule.all().withHeadEpochs(1), 0);
            Learner learner = new Learner(model, model, config(1), p, List.of());
            Map<String, float[]> before = values(model.namedParameters());
            Map<String, Boolean> trainableBefore = new java.util.HashMap<>();
            model.namedParameters().forEach((n, q) -> trainableBefore.put(n, q.requiresGradient()));
            LrFinder finder = new LrFinder(1e-6, 1, 40);
            LrFinder.Result a = finder.run(learner, model, model, p, TRAIN);
            Map<String, float[]> after = values(model.namedParameters());
            for (String n : before.keySet()) {
                assertArrayEquals(before.get(n), after.get(n), n + " restored");
                assertEquals(trainableBefore.get(n), model.namedParameters().get(n).requiresGradient(), n + " trainability restored");
            }
            LrFinder.Result b = finder.run(learner, model, model, p, TRAIN);
            assertEquals(a.suggestion(), b.suggestion(), 0.0);
            assertEquals(a.losses(), b.losses());
            assertTrue(a.suggestion() > 1e-6 && a.suggestion() < a.minimumLossLr() * 1.0001, a.toString());
            // a normal fit afterwards is unaffected by the sweep
            FitResult fit = learner.fit(TRAIN, VAL);
            assertEquals(1, fit.history().size());
        }
    }

    private static double lastDrift(FitResult fit) {
        return fit.history().get(fit.history().size() - 1).drift().values().stream().mapToDouble(Double::doubleValue).sum();
    }

    private static Map<String, float[]> values(Map<String, Parameter> params) {
        Map<String, float[]> out = new java.util.LinkedHashMap<>();
        params.forEach((n, p) -> out.put(n, p.getArray().toFloatArray()));
        return out;
    }
}
