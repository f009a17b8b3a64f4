package dev.graft.artifact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.data.DataException;
import dev.graft.data.LabelMap;
import dev.graft.data.TextDataset;
import dev.graft.data.TextExample;
import dev.graft.eval.Evaluator;
import dev.graft.model.head.ClassifierHead;
import dev.graft.model.head.HeadConfig;
import dev.graft.model.text.PairEncoding;
import dev.graft.model.text.PairFeatures;
import dev.graft.model.text.SentenceEncoder;
import dev.graft.model.text.TextModels;
import dev.graft.training.Learner;
import dev.graft.util.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A head on {@code [u, v, |u−v|, u⊙v]} of a frozen encoder: features, the manifest's input, save, load, predict, refusals. */
class TextPairClassifierTest {

    private static final List<String> FIRST = List.of("The team won the match.", "I baked a cake.", "The team won the match.");
    private static final List<String> SECOND = List.of("The match was won by the team.", "The server crashed.", "I baked a cake.");

    private Path work;

    @BeforeEach
    void workDir() throws IOException {
        Path base = Path.of("target", "test-work");
        Files.createDirectories(base);
        work = Files.createTempDirectory(base, "pairs");
    }

    private static TextClassifier randomPairClassifier(long seed) {
        Learner.seed(seed);
        NDManager m = NDManager.newBaseManager();
        ClassifierHead head = new ClassifierHead(new HeadConfig(PairFeatures.width(384), 2, 0, 0.1));
        head.initialize(m);
        return new TextClassifier(TextModels.resolve("minilm"), head, LabelMap.of(List.of("0", "1")), "feature-extraction",
                PairEncoding.SEPARATE, m);
    }

    private static Provenance provenance() {
        return new Provenance("2026-01-01T00:00:00Z", "feature-extraction", 1, Map.of(), Map.of(), Map.of(), Versions.all(),
                Map.of(), List.of());
    }

    @Test
    void featuresAreBothVectorsTheirAbsoluteDifferenceAndProductEachTextEmbeddedOnce() {
        List<List<String>> calls = new ArrayList<>();
        float[][] f = PairFeatures.embed(List.of("a", "b", "a"), List.of("b", "c", "a"), texts -> {
            calls.add(texts);
            return texts.stream().map(t -> new float[] {t.charAt(0) - 'a' + 1, -2}).toArray(float[][]::new);
        });
        assertEquals(List.of(List.of("a", "b", "c")), calls, "each distinct text once, in order of first appearance");
        assertArrayEquals(new float[] {1, -2, 2, -2, 1, 0, 2, 4}, f[0]);
        assertArrayEquals(new float[] {2, -2, 3, -2, 1, 0, 6, 4}, f[1]);
        assertArrayEquals(new float[] {1, -2, 1, -2, 0, 0, 1, 4}, f[2]);
        assertThrows(IllegalArgumentException.class, () -> PairFeatures.embed(List.of("a"), List.of(), t -> new float[0][]));
    }

    @Test
    void aSavedPairModelRecordsItsInputAndPredictsExactlyAsTheOriginal() throws IOException {
        Path dir = work.resolve("model");
        try (TextClassifier original = randomPairClassifier(5)) {
            float[][] before = original.probabilities(FIRST, SECOND);
            original.save(dir, provenance(), Map.of());
            JsonNode manifest = Json.MAPPER.readTree(dir.resolve(ModelDirectory.MANIFEST).toFile());
            assertEquals(ModelManifest.PAIR_FORMAT_VERSION, manifest.get("format_version").asInt());
            assertEquals("text-pair", manifest.at("/input/type").asText());
            assertEquals("u-v-absdiff-product", manifest.at("/input/pair_encoding").asText());
            assertEquals(2, manifest.get("input").size(), "input holds type and pair_encoding only: " + manifest.get("input"));
            assertEquals(4 * 384, manifest.at("/head/input_dim").asInt());
            try (TextClassifier loaded = TextClassifier.load(dir)) {
                assertEquals(PairEncoding.SEPARATE, loaded.pairEncoding());
                float[][] after = loaded.probabilities(FIRST, SECOND);
                for (int i = 0; i < FIRST.size(); i++) {
                    assertArrayEquals(before[i], after[i], 1e-6f);
                }
                // The features are those of the texts embedded one by one: the head reads [u, v, |u-v|, u*v].
                SentenceEncoder encoder = loaded.encoder();
                float[][] u = encoder.encode(FIRST, Progress.NONE);
                float[][] v = encoder.encode(SECOND, Progress.NONE);
                float[][] manual = new float[FIRST.size()][];
                for (int i = 0; i < manual.length; i++) {
                    manual[i] = PairFeatures.combine(u[i], v[i]);
                }
                float[][] viaFeatures = loaded.probabilitiesOfEmbeddings(manual);
                for (int i = 0; i < FIRST.size(); i++) {
                    assertArrayEquals(after[i], viaFeatures[i], 1e-5f);
                }
                TextDataset data = TextDataset.of("pairs.tsv", List.of(TextExample.pair(FIRST.get(0), SECOND.get(0), "1"),
                        TextExample.pair(FIRST.get(1), SECOND.get(1), "0")));
                assertEquals(2L, Evaluator.evaluate(loaded, data).metrics().n());
            }
        }
    }

    @Test
    void aPairModelRefusesSingleTextsAndASingleTextModelRefusesPairs() throws IOException {
        try (TextClassifier pairs = randomPairClassifier(1)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> pairs.predict(List.of("one text")));
            assertTrue(e.getMessage().contains("classifies text pairs"), e.getMessage());
            DataException d = assertThrows(DataException.class, () -> Evaluator.evaluate(pairs,
                    TextDataset.of("single.csv", List.of(TextExample.of("one text", "1")))));
            assertTrue(d.getMessage().contains("holds single texts, but this model classifies text pairs"), d.getMessage());
            assertTrue(d.getMessage().contains("textPairColumn"), d.getMessage());
        }
        NDManager m = NDManager.newBaseManager();
        ClassifierHead head = new ClassifierHead(new HeadConfig(384, 2, 0, 0.1));
        head.initialize(m);
        try (TextClassifier single = new TextClassifier(TextModels.resolve("minilm"), head, LabelMap.of(List.of("0", "1")),
                "feature-extraction", m)) {
            assertNull(single.pairEncoding());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> single.predict(FIRST, SECOND));
            assertTrue(e.getMessage().contains("classifies single texts"), e.getMessage());
            DataException d = assertThrows(DataException.class, () -> Evaluator.evaluate(single,
                    TextDataset.of("pairs.tsv", List.of(TextExample.pair("a", "b", "1")))));
            assertTrue(d.getMessage().contains("holds text pairs, but this model classifies single texts"), d.getMessage());
        }
    }

    @Test
    void singleTextManifestsAreUnchangedAndDamagedInputsAreNamed() throws IOException {
        Path single = work.resolve("single");
        NDManager m = NDManager.newBaseManager();
        ClassifierHead head = new ClassifierHead(new HeadConfig(384, 2, 0, 0.1));
        head.initialize(m);
        try (TextClassifier c = new TextClassifier(TextModels.resolve("minilm"), head, LabelMap.of(List.of("0", "1")),
                "feature-extraction", m)) {
            c.save(single, provenance(), Map.of());
        }
        JsonNode manifest = Json.MAPPER.readTree(single.resolve(ModelDirectory.MANIFEST).toFile());
        assertEquals(ModelManifest.FORMAT_VERSION, manifest.get("format_version").asInt());
        assertFalse(manifest.has("input"), "a single-text manifest is written as before");

        Path pairDir = work.resolve("pairs");
        try (TextClassifier c = randomPairClassifier(2)) {
            c.save(pairDir, provenance(), Map.of());
        }
        Path file = pairDir.resolve(ModelDirectory.MANIFEST);
        ObjectNode good = (ObjectNode) Json.MAPPER.readTree(file.toFile());
        ObjectNode unknown = good.deepCopy();
        ((ObjectNode) unknown.get("input")).put("pair_encoding", "mystery");
        Files.writeString(file, Json.MAPPER.writeValueAsString(unknown));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TextClassifier.load(pairDir));
        assertTrue(e.getMessage().contains("'input.pair_encoding'") && e.getMessage().contains("'mystery'"), e.getMessage());
        ObjectNode oldVersion = good.deepCopy();
        oldVersion.put("format_version", 1);
        Files.writeString(file, Json.MAPPER.writeValueAsString(oldVersion));
        e = assertThrows(IllegalArgumentException.class, () -> TextClassifier.load(pairDir));
        assertTrue(e.getMessage().contains("'format_version' 2"), e.getMessage());
    }
}
