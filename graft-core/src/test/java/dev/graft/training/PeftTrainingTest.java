package dev.graft.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.graft.model.LayerGroup;
import dev.graft.model.Precision;
import dev.graft.model.bert.BertModel;
import dev.graft.model.head.ClassifierHead;
import dev.graft.model.head.HeadConfig;
import dev.graft.model.peft.LoraTarget;
import dev.graft.model.peft.PeftModules;
import dev.graft.model.peft.PeftSpec;
import dev.graft.model.text.Pooling;
import dev.graft.model.text.TransformerClassifier;
import dev.graft.model.torch.ConstantBf16Weights;
import dev.graft.training.optim.OptimizerSpec;
import dev.graft.training.optim.ParamGroup;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** LoRA and adapters train through the ordinary learner: one more layer group, the backbone frozen. */
class PeftTrainingTest {

    private static final TokenBatches TRAIN = TinyTextTask.data(96, 1);
    private static final TokenBatches VAL = TinyTextTask.data(30, 2);

    private static TransformerClassifier model(NDManager m, PeftSpec spec) {
        Learner.seed(5);
        BertModel encoder = new BertModel(TinyTextTask.CONFIG, 0.1f);
        encoder.initialize(m);
        ClassifierHead head = new ClassifierHead(new HeadConfig(16, 3, 0, 0.1));
        head.initialize(m);
        return new TransformerClassifier(encoder, Pooling.MEAN, head, PeftModules.attach(encoder, spec, m));
    }

    private static TrainingPlan plan() {
        return new TrainingPlan(OptimizerSpec.adamWClipped(), FreezeSchedule.top(1), new DiscriminativeLr(1e-2, 1e-2, 1, 0.01), 0, true);
    }

    private static Map<String, float[]> values(Map<String, Parameter> params) {
        Map<String, float[]> out = new LinkedHashMap<>();
        params.forEach((n, p) -> out.put(n, p.getArray().toFloatArray()));
        return out;
    }

    @Test
    void onlyTheLoraGroupAndTheHeadTrainAndTheTaskIsLearned() {
        try (NDManager m = NDManager.newBaseManager()) {
            TransformerClassifier model = model(m, PeftSpec.lora().withLora(4, 8, 0.0, List.of(LoraTarget.values())));
            List<LayerGroup> groups = model.layerGroups();
            assertEquals(List.of("embeddings", "encoder.layer.0", "encoder.layer.1", "encoder.layer.2", "lora", "head"),
                    groups.stream().map(LayerGroup::name).toList());
            Map<String, float[]> before = values(model.namedParameters());
            TrainConfig config = TrainConfig.defaults().withEpochs(20).withBatchSize(8).withLearningRate(1e-2).withPatience(0)
                    .withSchedule(LrSchedule.warmupLinear(0.1));
            FitResult fit = new Learner(model, model, config, plan(), List.of()).fit(TRAIN, VAL);
            Map<String, float[]> after = values(model.namedParameters());
            for (String name : before.keySet()) {
                boolean trains = name.contains(".lora_") || name.startsWith(TransformerClassifier.HEAD);
                if (trains) {
                    assertFalse(java.util.Arrays.equals(before.get(name), after.get(name)), name + " should train");
                } else {
                    assertArrayEquals(before.get(name), after.get(name), name + " is pretrained and stays frozen");
                }
            }
            long expected = model.peft().parameterCount()
                    + model.head().namedParameters().values().stream().mapToLong(p -> p.getArray().size()).sum();
            assertEquals(expected, fit.history().get(0).trainable());
            assertTrue(fit.best().valAccuracy() > 0.6, "LoRA on a frozen random encoder learns the marker task: " + fit.best().valAccuracy());
        }
    }

    /**
     * In bf16 the learner keeps one bfloat16 copy of each frozen projection during an epoch's steps
     * ({@link ConstantBf16Weights}), frees them before validating, and the frozen encoder still learns nothing while
     * LoRA learns the task.
     */
    @Test
    void inBf16TheStepsUseCopiesOfTheFrozenProjectionsFreedAtTheEpochsEnd() {
        try (NDManager m = NDManager.newBaseManager()) {
            TransformerClassifier model = model(m, PeftSpec.lora().withLora(4, 8, 0.0, List.of(LoraTarget.values())));
            model.encoder().setPrecision(Precision.BF16);
            Map<String, float[]> before = values(model.encoder().namedParameters());
            List<Integer> keptAtSteps = new ArrayList<>();
            List<Integer> keptAtEpochEnds = new ArrayList<>();
            TrainingListener probe = new TrainingListener() {
                @Override
                public void onStep(int epoch, int step, double loss) {
                    keptAtSteps.add(ConstantBf16Weights.kept());
                }

                @Override
                public void onEpochEnd(EpochLog log) {
                    keptAtEpochEnds.add(ConstantBf16Weights.kept());
                }
            };
            TrainConfig config = TrainConfig.defaults().withEpochs(20).withBatchSize(8).withLearningRate(1e-2).withPatience(0)
                    .withSchedule(LrSchedule.warmupLinear(0.1));
            FitResult fit = new Learner(model, model, config, plan(), List.of(probe)).fit(TRAIN, VAL);
            int projections = 6 * TinyTextTask.CONFIG.numLayers();
            assertEquals(20 * (TRAIN.size() / 8), keptAtSteps.size());
            assertTrue(keptAtSteps.stream().allMatch(k -> k == projections), "one copy per frozen projection: " + keptAtSteps);
            assertTrue(keptAtEpochEnds.stream().allMatch(k -> k == 0), "freed before validation: " + keptAtEpochEnds);
            values(model.encoder().namedParameters()).forEach((name, v) -> assertArrayEquals(before.get(name), v, name));
            assertTrue(fit.best().valAccuracy() > 0.6, "LoRA in bf16 learns the marker task: " + fit.best().valAccuracy());
        }
    }

    @Test
    void adapterGroupKeepsWeightDecayOffBiasesAndTakesTheLayerNormsWhenAsked() {
        try (NDManager m = NDManager.newBaseManager()) {
            TransformerClassifier model = model(m, PeftSpec.adapter().withAdapterSize(4).withTrainLayerNorms(true));
            LayerGroup adapter = model.layerGroups().get(model.layerGroups().size() - 2);
            assertEquals("adapter", adapter.name());
            assertTrue(adapter.parameters().contains("encoder.encoder.layer.2.output.LayerNorm.weight"), "LayerNorms moved in");
            assertTrue(model.layerGroups().stream().filter(g -> !g.name().equals("adapter"))
                    .flatMap(g -> g.parameters().stream()).noneMatch(n -> n.contains("LayerNorm")), "and out of their layers");
            List<ParamGroup> pg = plan().rates().paramGroups(model.layerGroups());
            ParamGroup decay = pg.stream().filter(g -> g.name().equals("adapter")).findFirst().orElseThrow();
            ParamGroup noDecay = pg.stream().filter(g -> g.name().equals("adapter.no_decay")).findFirst().orElseThrow();
            assertTrue(decay.parameters().contains("encoder.encoder.layer.0.attention.output.dense.adapter.down.weight"));
            assertTrue(noDecay.parameters().contains("encoder.encoder.layer.0.attention.output.dense.adapter.down.bias"));
            assertTrue(noDecay.parameters().contains("encoder.encoder.layer.2.output.LayerNorm.weight"));
            assertEquals(0.01, decay.weightDecay());
            assertEquals(0.0, noDecay.weightDecay());

            Map<String, float[]> before = values(model.namedParameters());
            TrainConfig config = TrainConfig.defaults().withEpochs(1).withBatchSize(16).withLearningRate(1e-2).withPatience(0);
            new Learner(model, model, config, plan(), List.of()).fit(TRAIN, VAL);
            Map<String, float[]> after = values(model.namedParameters());
            assertFalse(java.util.Arrays.equals(before.get("encoder.encoder.layer.1.output.LayerNorm.weight"),
                    after.get("encoder.encoder.layer.1.output.LayerNorm.weight")), "LayerNorm trains when asked");
            assertArrayEquals(before.get("encoder.encoder.layer.1.output.dense.weight"), after.get("encoder.encoder.layer.1.output.dense.weight"));
        }
    }
}
