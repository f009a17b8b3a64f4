package dev.graft.strategy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.artifact.ModelDirectory;
import dev.graft.artifact.TextClassifier;
import dev.graft.data.Splits;
import dev.graft.data.TextDataset;
import dev.graft.data.TextExample;
import dev.graft.model.CpuFeatures;
import dev.graft.model.Precision;
import dev.graft.model.text.DjlTextEncoder;
import dev.graft.model.text.TextModelSpec;
import dev.graft.model.text.TextModels;
import dev.graft.util.Progress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Feature extraction with the frozen text encoder in bf16: real MiniLM vectors computed with bfloat16 products (close to
 * fp32's, not equal), cached under their own key, and a saved model that records the precision and computes the same
 * features when loaded.
 */
class FrozenPrecisionTest {

    @TempDir
    Path dir;

    private static final String[] TEXTS = {"I was charged twice for my subscription", "the app crashes when I open settings",
        "please add a dark mode", "my invoice shows the wrong amount", "login fails with an error", "add keyboard shortcuts please",
        "why is my bill so high", "the page freezes after upload", "I would like a calendar view"};

    private static TextDataset data(String name) {
        List<TextExample> examples = new ArrayList<>();
        for (int i = 0; i < TEXTS.length; i++) {
            examples.add(new TextExample(TEXTS[i], SmallModels.CLASSES.get(i % 3), i + 1));
        }
        return TextDataset.of(name, examples);
    }

    @Test
    void bf16VectorsAreCloseToFp32AndCachedUnderTheirOwnKey() throws Exception {
        TextModelSpec spec = TextModels.resolve("minilm");
        FeatureExtractionConfig fp32 = FeatureExtractionConfig.defaults().withCacheDir(dir.resolve("cache"));
        FeatureExtractionConfig bf16 = fp32.withFrozenPrecision(Precision.BF16);
        float[][] a = new FeatureExtraction(fp32).embeddings(spec, data("texts"), Progress.NONE);
        float[][] b = new FeatureExtraction(bf16).embeddings(spec, data("texts"), Progress.NONE);
        for (int i = 0; i < a.length; i++) {
            double diff = 0;
            double norm = 0;
            for (int j = 0; j < a[i].length; j++) {
                diff += (a[i][j] - b[i][j]) * (a[i][j] - b[i][j]);
                norm += a[i][j] * a[i][j];
            }
            double rel = Math.sqrt(diff / norm);
            // bfloat16 keeps 8 bits of mantissa: the vectors differ (computed, not copied), but by a few percent at most
            assertTrue(rel > 1e-4 && rel < 0.05, "text " + i + ": relative L2 difference " + rel);
        }
        try (Stream<Path> files = Files.list(dir.resolve("cache"))) {
            assertEquals(2, files.count(), "one cache file per precision");
        }
        assertNotEquals(EmbeddingCache.key(spec, Precision.FP32, List.of(TEXTS)), EmbeddingCache.key(spec, Precision.BF16, List.of(TEXTS)));
        assertEquals(EmbeddingCache.key(spec, List.of(TEXTS)), EmbeddingCache.key(spec, Precision.FP32, List.of(TEXTS)),
                "fp32 keys are those of earlier versions, so existing caches stay valid");
        EmbeddingCache cache = bf16.embeddingCache();
        float[][] again = cache.embed(spec, () -> {
            throw new AssertionError("the second bf16 pass must come from the cache");
        }, List.of(TEXTS), Progress.NONE);
        for (int i = 0; i < b.length; i++) {
            assertArrayEquals(b[i], again[i]);
        }
    }

    @Test
    void aBf16ModelRecordsItsPrecisionAndComputesTheSameFeaturesWhenLoaded() throws Exception {
        TextModelSpec spec = TextModels.resolve("minilm");
        FeatureExtractionConfig config = FeatureExtractionConfig.defaults().withCacheDir(dir.resolve("cache"))
                .withFrozenPrecision(Precision.BF16);
        Path model = dir.resolve("model");
        float[][] scored;
        dev.graft.artifact.Provenance provenance;
        try (TrainingOutcome o = new FeatureExtraction(config).fit(spec,
                Splits.withDatasets(data("train"), data("val"), data("test"), 7), Progress.NONE, List.of())) {
            assertEquals(Precision.BF16, o.classifier().frozenPrecision());
            assertEquals("bf16", o.provenance().settings().get("frozen_precision"));
            scored = o.predictions().get("test").probabilities();
            provenance = o.provenance();
            o.save(model);
        }
        String manifest = Files.readString(model.resolve(ModelDirectory.MANIFEST), StandardCharsets.UTF_8);
        assertTrue(manifest.matches("(?s).*\"backbone\"\\s*:\\s*\\{[^}]*\"precision\"\\s*:\\s*\"bf16\".*"), manifest);
        CpuFeatures amx = new CpuFeatures(Set.of("avx512_bf16", "amx_bf16"));
        DjlTextEncoder encoder;
        try (TextClassifier loaded = TextClassifier.load(model, amx)) {
            assertEquals(Precision.BF16, loaded.frozenPrecision());
            assertEquals(Precision.BF16, loaded.scoredPrecision());
            // auto for a head on an ONNX backbone: the libtorch bf16 pass only where the CPU has AMX
            assertEquals(Precision.BF16, loaded.autoPrecision(new CpuFeatures(Set.of("avx512_bf16", "amx_bf16"))));
            assertEquals(Precision.FP32, loaded.autoPrecision(new CpuFeatures(Set.of("avx512_bf16"))));
            assertEquals(Precision.FP32, loaded.autoPrecision(new CpuFeatures(Set.of())));
            float[][] p = loaded.probabilities(List.of(TEXTS));
            for (int i = 0; i < p.length; i++) {
                assertArrayEquals(scored[i], p[i], 1e-5f, "text " + i + ": the loaded model scores what the run scored");
            }
            // A loaded model only predicts: its encoder keeps the bfloat16 copies of the 36 linear weights (6 layers × query,
            // key, value, output, and the feed-forward pair) for its life instead of casting them at every call.
            encoder = (DjlTextEncoder) loaded.encoder();
            assertEquals(36, encoder.keptCopies());
            float[][] again = loaded.probabilities(List.of(TEXTS));
            for (int i = 0; i < p.length; i++) {
                assertArrayEquals(p[i], again[i], "the kept copies predict the same");
            }
            assertEquals(36, encoder.keptCopies(), "made once");
            try (DjlTextEncoder casting = DjlTextEncoder.open(spec, 32)) {
                casting.model().setPrecision(Precision.BF16);
                float[][] fresh = casting.encode(List.of(TEXTS[0]), Progress.NONE);
                assertArrayEquals(fresh[0], encoder.encode(List.of(TEXTS[0]), Progress.NONE)[0],
                        "one text on the kept copies: the features of a pass that casts its weights");
                assertEquals(0, casting.keptCopies());
            }
        }
        assertEquals(0, encoder.keptCopies(), "freed with the model");
        // Without AMX bfloat16 products are emulated (2.6-5.7x slower): the loaded model predicts from fp32 features,
        // close to the scored ones, and still records that its head was trained on bf16 features.
        try (TextClassifier loaded = TextClassifier.load(model, new CpuFeatures(Set.of("avx2")))) {
            assertEquals(Precision.FP32, loaded.frozenPrecision());
            assertEquals(Precision.BF16, loaded.scoredPrecision());
            float[][] p = loaded.probabilities(List.of(TEXTS));
            double maxDiff = 0;
            for (int i = 0; i < p.length; i++) {
                for (int k = 0; k < p[i].length; k++) {
                    maxDiff = Math.max(maxDiff, Math.abs(p[i][k] - scored[i][k]));
                }
            }
            assertTrue(maxDiff > 0 && maxDiff < 0.02, "fp32 features, within bfloat16's precision of the scored: " + maxDiff);
            Path again = dir.resolve("resaved");
            loaded.save(again, provenance, java.util.Map.of());
            assertEquals(Precision.BF16, TextClassifier.load(again, amx).frozenPrecision(), "re-saved, it still records bf16");
        }
        Files.writeString(model.resolve(ModelDirectory.MANIFEST), manifest.replace("\"bf16\"", "\"fp16\""), StandardCharsets.UTF_8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TextClassifier.load(model));
        assertTrue(e.getMessage().contains(ModelDirectory.MANIFEST) && e.getMessage().contains("'backbone.precision'")
                && e.getMessage().contains("fp16"), e.getMessage());
    }
}
