package dev.graft.strategy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.artifact.LoraMerge;
import dev.graft.model.Precision;
import dev.graft.model.text.DjlTextEncoder;
import dev.graft.artifact.PeftManifest;
import dev.graft.artifact.TextClassifier;
import dev.graft.data.DatasetSplits;
import dev.graft.data.Splits;
import dev.graft.model.bert.BertBackbone;
import dev.graft.model.peft.LoraTarget;
import dev.graft.model.peft.PeftSpec;
import dev.graft.model.text.TextModelSpec;
import dev.graft.util.Hashes;
import dev.graft.util.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * LoRA and adapters end to end on a tiny BERT with MiniLM's tokenizer: train, save (base backbone + new
 * weights + head), reload with identical predictions, merge LoRA into a plain model that predicts the same.
 */
class ParameterEfficientTransferTest {

    private static final List<String> PROBES = List.of("refund my payment please", "the app crashes on start",
            "billing question about my invoice", "crash when saving", "hello");
    private static Path work;
    private static TextModelSpec backbone;
    private static DatasetSplits splits;

    @BeforeAll
    static void tinyModelAndData() throws IOException {
        Path base = Files.createDirectories(Path.of("target", "test-work"));
        work = Files.createTempDirectory(base, "peft");
        backbone = SmallModels.tinyBert(work.resolve("tiny-bert"), 3);
        splits = Splits.withDatasets(SmallModels.refundsAndCrashes("train", 24, 0), SmallModels.refundsAndCrashes("val", 8, 100),
                SmallModels.refundsAndCrashes("test", 8, 200), 1);
    }

    private static FineTuneConfig config() {
        FineTuneConfig c = FineTuneConfig.defaults();
        return c.withTraining(c.training().withEpochs(2).withBatchSize(8).withLearningRate(1e-2)).withBackboneLr(2e-2, 1);
    }

    private static double maxDiff(float[][] a, float[][] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            for (int k = 0; k < a[i].length; k++) {
                max = Math.max(max, Math.abs(a[i][k] - b[i][k]));
            }
        }
        return max;
    }

    @Test
    void loraModelSavesReloadsAndMergesWithIdenticalPredictions() throws IOException {
        PeftSpec spec = PeftSpec.lora().withLora(4, 8, 0.1, List.of(LoraTarget.QUERY, LoraTarget.VALUE, LoraTarget.INTERMEDIATE));
        Path dir = work.resolve("lora-model");
        float[][] trained;
        try (TrainingOutcome run = new FineTuning(config(), spec).fit(backbone, splits, Progress.NONE, List.of(), null, 1, false)) {
            assertEquals("lora", run.classifier().strategy());
            Map<String, Object> metrics = run.metricsDocument();
            long trainable = (Long) metrics.get("trainable_parameters");
            long total = (Long) metrics.get("total_parameters");
            // 1 layer: query, value (8·4 + 4·8 each) and intermediate (8·4 + 4·16), plus the 2-class head (8·2 + 2)
            assertEquals(2 * 64 + 96 + 18, trainable);
            assertEquals(trainable, total - run.classifier().totalParameters().getAsLong() + trainable);
            assertTrue((Double) metrics.get("trainable_fraction") < 0.01, "the embeddings dominate: " + metrics.get("trainable_fraction"));
            trained = run.classifier().probabilities(PROBES);
            run.save(dir);
        }
        assertTrue(Files.isRegularFile(dir.resolve(PeftManifest.FILE)) && Files.isRegularFile(dir.resolve(PeftManifest.WEIGHTS_FILE)));
        assertEquals(backbone.sha256(), Hashes.sha256(dir.resolve("backbone").resolve(BertBackbone.WEIGHTS_FILE)),
                "the saved backbone is the unchanged pretrained one");
        try (TextClassifier loaded = TextClassifier.load(dir)) {
            assertEquals("lora", loaded.strategy());
            double d = maxDiff(trained, loaded.probabilities(PROBES));
            assertTrue(d <= 1e-6, "reloaded LoRA model predicts identically: " + d);
        }

        Path merged = work.resolve("lora-merged");
        LoraMerge.Result r = LoraMerge.merge(dir, merged);
        assertTrue(r.maxProbabilityDifference() <= 1e-5, "probe difference " + r.maxProbabilityDifference());
        assertFalse(Files.exists(merged.resolve(PeftManifest.FILE)), "a plain model: no LoRA files");
        assertNotEquals(backbone.sha256(), Hashes.sha256(merged.resolve("backbone").resolve(BertBackbone.WEIGHTS_FILE)),
                "LoRA trained away from zero, so merging changed the weights");
        try (TextClassifier plain = TextClassifier.load(merged)) {
            assertEquals("lora-merged", plain.strategy());
            assertTrue(plain.peft() == null);
            double d = maxDiff(trained, plain.probabilities(PROBES));
            assertTrue(d <= 1e-5, "merged model predicts as the LoRA model: max abs prob diff " + d);
        }
        IllegalArgumentException again = assertThrows(IllegalArgumentException.class, () -> LoraMerge.merge(merged, work.resolve("x")));
        assertTrue(again.getMessage().contains("no LoRA updates"), again.getMessage());

        // In bf16 a loaded model keeps bfloat16 copies of its settled weights across calls; a merge in place writes the
        // weights, so it must drop them, or the merged model would multiply by copies of the weights before the merge.
        float[][] mergedBf16;
        try (TextClassifier plain = TextClassifier.load(merged)) {
            plain.predictIn(Precision.BF16);
            mergedBf16 = plain.probabilities(PROBES);
        }
        try (TextClassifier loaded = TextClassifier.load(dir)) {
            loaded.predictIn(Precision.BF16);
            float[][] first = loaded.probabilities(PROBES);
            DjlTextEncoder encoder = (DjlTextEncoder) loaded.encoder();
            int kept = encoder.keptCopies();
            assertTrue(kept > 0, "the loaded encoder keeps its bf16 copies between calls");
            assertEquals(0.0, maxDiff(first, loaded.probabilities(PROBES)), "a call on the kept copies predicts the same");
            assertEquals(kept, encoder.keptCopies(), "and makes none anew");
            loaded.mergeLora();
            double d = maxDiff(mergedBf16, loaded.probabilities(PROBES));
            assertTrue(d <= 1e-6, "merged in memory, it predicts as the merged model loaded: " + d);
        }
    }

    @Test
    void adapterModelSavesAndReloadsButRefusesToMerge() throws IOException {
        Path dir = work.resolve("adapter-model");
        float[][] trained;
        try (TrainingOutcome run = new FineTuning(config(), PeftSpec.adapter().withAdapterSize(4))
                .fit(backbone, splits, Progress.NONE, List.of(), null, 1, false)) {
            assertEquals("adapter", run.classifier().strategy());
            assertEquals(2L * (8 * 4 + 4 + 4 * 8 + 8) + 18, run.metricsDocument().get("trainable_parameters"));
            trained = run.classifier().probabilities(PROBES);
            run.save(dir);
        }
        try (TextClassifier loaded = TextClassifier.load(dir)) {
            assertEquals("adapter", loaded.strategy());
            double d = maxDiff(trained, loaded.probabilities(PROBES));
            assertTrue(d <= 1e-6, "reloaded adapter model predicts identically: " + d);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LoraMerge.merge(dir, work.resolve("adapter-merged")));
        assertTrue(e.getMessage().contains("cannot be merged") && e.getMessage().contains("adapter"), e.getMessage());
        assertFalse(Files.exists(work.resolve("adapter-merged")), "nothing written");
    }

    @Test
    void damagedLoraWeightsAreReportedByFileAndTensor() throws IOException {
        Path dir = work.resolve("lora-damaged");
        try (TrainingOutcome run = new FineTuning(config().withTraining(config().training().withEpochs(1)), PeftSpec.lora())
                .fit(backbone, splits, Progress.NONE, List.of(), null, 1, false)) {
            run.save(dir);
        }
        String json = Files.readString(dir.resolve(PeftManifest.FILE)).replace("\"rank\" : 8", "\"rank\" : 4");
        Files.writeString(dir.resolve(PeftManifest.FILE), json);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TextClassifier.load(dir));
        assertTrue(e.getMessage().contains(PeftManifest.WEIGHTS_FILE) && e.getMessage().contains("lora_A.weight")
                && e.getMessage().contains("shape"), e.getMessage());
    }
}
