package dev.graft.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.graft.model.bert.BertConfig;
import dev.graft.model.bert.BertForMaskedLm;
import dev.graft.model.bert.BertModel;
import dev.graft.model.text.TokenizedText;
import dev.graft.training.optim.OptimizerSpec;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MaskedLmLearnerTest {

    static final BertConfig CONFIG = new BertConfig(40, 16, 2, 2, 32, 64, 2, 1e-12);

    static BertForMaskedLm model(NDManager manager, long seed) {
        Learner.seed(seed);
        BertModel encoder = new BertModel(CONFIG, 0.0f);
        encoder.initialize(manager);
        BertForMaskedLm model = new BertForMaskedLm(encoder);
        model.initializeHead(manager);
        return model;
    }

    /** [CLS] 4 5 6 ... then [SEP], the run starting at 4 or at 12 (two "sentences"), 10–15 tokens: easy to learn. */
    static List<TokenizedText> repetitiveCorpus(int n, long seed) {
        Random r = new Random(seed);
        List<TokenizedText> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int len = 10 + r.nextInt(6);
            long[] ids = new long[len + 2];
            ids[0] = TokenMaskingTest.CLS;
            ids[len + 1] = TokenMaskingTest.SEP;
            int start = 8 * r.nextInt(2);
            for (int t = 0; t < len; t++) {
                ids[t + 1] = 4 + (start + t) % 16;
            }
            out.add(new TokenizedText(ids, new long[ids.length]));
        }
        return out;
    }

    static TokenMasking masking() {
        return new TokenMasking(0.15, TokenMaskingTest.SPECIAL, CONFIG.vocabSize());
    }

    @Test
    void decoderIsTheWordEmbeddingParameterAndItsGradientArrivesThroughTheDecoder() {
        try (NDManager manager = NDManager.newBaseManager()) {
            BertForMaskedLm model = model(manager, 1);
            Parameter table = model.encoder().embeddings().wordEmbeddings();
            assertSame(table, model.head().decoderWeight(), "the decoder weight is the embedding Parameter, not a copy");
            IdentityHashMap<Parameter, Integer> seen = new IdentityHashMap<>();
            model.namedParameters().values().forEach(p -> seen.merge(p, 1, Integer::sum));
            assertEquals(1, seen.get(table), "the tied table is listed (and so updated) once");
            assertTrue(model.namedParameters().containsKey("cls.predictions.bias"));

            MaskedLmBatches data = new MaskedLmBatches(repetitiveCorpus(4, 2), masking(), TokenMaskingTest.PAD, 3);
            int[] idx = {0, 1, 2, 3};
            // tokens 20..39 never occur in the input: their embedding rows can only get a gradient from the decoder
            try (NDManager step = manager.newSubManager();
                 GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDList inputs = data.inputs(step, idx);
                NDArray logits = model.forward(new ParameterStore(step, false), inputs, true).singletonOrThrow();
                assertEquals(data.batch(idx).targets().length, logits.getShape().get(0));
                assertEquals(CONFIG.vocabSize(), logits.getShape().get(1));
                gc.backward(Learner.crossEntropy(logits, data.labels(step, idx)));
                float[] grad = table.getArray().getGradient().toFloatArray();
                double unusedRows = 0;
                for (int row = 20; row < 40; row++) {
                    for (int c = 0; c < CONFIG.hiddenSize(); c++) {
                        unusedRows += Math.abs(grad[row * CONFIG.hiddenSize() + c]);
                    }
                }
                assertTrue(unusedRows > 1e-6, "decoder gradient reaches the embedding table: " + unusedRows);
                for (float g : grad) {
                    assertTrue(Float.isFinite(g));
                }
            }
        }
    }

    @Test
    void maskedLmLossFallsOnARepetitiveCorpus() {
        FitResult fit = train(30);
        double initial = fit.history().get(0).trainLoss();
        double last = fit.history().get(fit.history().size() - 1).trainLoss();
        assertTrue(initial > 2.0, "starts near ln(40) = 3.7: " + initial);
        assertTrue(last < 0.5 * initial, "masked-LM loss falls: epoch 1 " + initial + " → last " + last);
        assertTrue(fit.best().valLoss() < 0.5 * fit.history().get(0).valLoss(), "held-out masked-token loss falls too");
        assertTrue(fit.best().valAccuracy() > 0.5, "held-out masked-token accuracy " + fit.best().valAccuracy());
        assertTrue(Double.isNaN(fit.best().valMacroF1()), "no classes, no macro-F1");
    }

    @Test
    void sameSeedSameLosses() {
        FitResult a = train(2);
        FitResult b = train(2);
        for (int e = 0; e < 2; e++) {
            assertEquals(a.history().get(e).trainLoss(), b.history().get(e).trainLoss(), 0.0);
            assertEquals(a.history().get(e).valLoss(), b.history().get(e).valLoss(), 0.0);
        }
    }

    private static FitResult train(int epochs) {
        try (NDManager manager = NDManager.newBaseManager()) {
            BertForMaskedLm model = model(manager, 5);
            MaskedLmBatches train = new MaskedLmBatches(repetitiveCorpus(64, 6), masking(), TokenMaskingTest.PAD, 7);
            MaskedLmBatches val = new MaskedLmBatches(repetitiveCorpus(16, 8), masking(), TokenMaskingTest.PAD, 9);
            TrainConfig config = new TrainConfig(epochs, 16, 5e-3, 0.01, 0, Monitor.LOSS, 0, 11, LrSchedule.warmupLinear(0.1));
            TrainingPlan plan = new TrainingPlan(OptimizerSpec.adamWClipped(), null, null, 0, false);
            return new MaskedLmLearner(model, config, plan, List.of()).fit(train, val);
        }
    }

    @Test
    void refusesAClassificationMonitor() {
        try (NDManager manager = NDManager.newBaseManager()) {
            BertForMaskedLm model = model(manager, 1);
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new MaskedLmLearner(model,
                    TrainConfig.defaults(), TrainingPlan.simple(), List.of()));
        }
    }
}
