package dev.graft.artifact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.graft.data.LabelMap;
import dev.graft.model.head.ClassifierHead;
import dev.graft.model.head.HeadConfig;
import dev.graft.model.text.TextModels;
import dev.graft.training.Learner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TextClassifierTest {

    private static final List<String> TEXTS = List.of("refund my payment", "the app crashes on start", "add dark mode please");
    private Path work;

    @BeforeEach
    void workDir() throws IOException {
        Path base = Path.of("target", "test-work");
        Files.createDirectories(base);
        work = Files.createTempDirectory(base, "artifact");
    }

    private static TextClassifier randomClassifier(long seed) {
        Learner.seed(seed);
        NDManager m = NDManager.newBaseManager();
        ClassifierHead head = new ClassifierHead(new HeadConfig(384, 3, 16, 0.1));
        head.initialize(m);
        return new TextClassifier(TextModels.resolve("minilm"), head, LabelMap.of(List.of("billing", "bug", "feature")),
                "feature-extraction", m);
    }

    private static Provenance provenance() {
        return new Provenance("2026-01-01T00:00:00Z", "feature-extraction", 1, Map.of(), Map.of(), Map.of(), Versions.all(),
                Map.of(), List.of());
    }

    @Test
    void savedModelPredictsExactlyAsTheOriginal() throws IOException {
        Path dir = work.resolve("model");
        try (TextClassifier original = randomClassifier(11)) {
            float[][] before = original.probabilities(TEXTS);
            assertFalse(original.save(dir, provenance(), Map.of("validation", Map.of("accuracy", 1.0))));
            try (TextClassifier loaded = TextClassifier.load(dir)) {
                float[][] after = loaded.probabilities(TEXTS);
                for (int i = 0; i < TEXTS.size(); i++) {
                    assertArrayEquals(before[i], after[i], 1e-6f);
                }
                assertEquals(original.labels().labels(), loaded.labels().labels());
            }
        }
        for (String f : List.of("graft-model.json", "head.safetensors", "provenance.json", "metrics.json",
                "backbone/model.onnx", "backbone/tokenizer.json", "backbone/backbone.json")) {
            assertTrue(Files.isRegularFile(dir.resolve(f)), f);
        }
        try (Stream<Path> siblings = Files.list(work)) {
            assertEquals(List.of(dir), siblings.toList(), "no staging directories left behind");
        }
    }

    @Test
    void replacesAnExistingModelButRefusesOtherDirectories() throws IOException {
        Path dir = work.resolve("model");
        try (TextClassifier a = randomClassifier(1); TextClassifier b = randomClassifier(2)) {
            a.save(dir, provenance(), Map.of());
            assertTrue(b.save(dir, provenance(), Map.of()), "an existing Graft model is replaced");
            try (TextClassifier loaded = TextClassifier.load(dir)) {
                assertArrayEquals(b.probabilities(TEXTS)[0], loaded.probabilities(TEXTS)[0], 1e-6f);
            }
            Path userDir = Files.createDirectories(work.resolve("precious"));
            Files.writeString(userDir.resolve("notes.txt"), "keep me");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.save(userDir, provenance(), Map.of()));
            assertTrue(e.getMessage().contains("not a Graft model") && e.getMessage().contains(userDir.toString()), e.getMessage());
            assertEquals("keep me", Files.readString(userDir.resolve("notes.txt")));
            try (Stream<Path> files = Files.list(userDir)) {
                assertEquals(1, files.count());
            }
        }
    }

    @Test
    void aFailedSaveLeavesNothingThatLooksLikeAModel() throws IOException {
        Path dir = work.resolve("model");
        try (TextClassifier a = randomClassifier(1)) {
            assertThrows(IOException.class, () -> ModelDirectory.write(dir, staging -> {
                Files.writeString(staging.resolve("head.safetensors"), "partial");
                throw new IOException("disk full (simulated)");
            }));
            assertFalse(Files.exists(dir));
            a.save(dir, provenance(), Map.of());
            assertThrows(IOException.class, () -> ModelDirectory.write(dir, staging -> {
                throw new IOException("crash while replacing (simulated)");
            }));
            assertTrue(ModelDirectory.isModel(dir), "the previous model survives a failed replacement");
        }
        try (Stream<Path> siblings = Files.list(work)) {
            assertEquals(List.of(dir), siblings.toList());
        }
    }

    @Test
    void tamperedBackboneOrHeadIsRejectedWithTheReason() throws IOException {
        Path dir = work.resolve("model");
        try (TextClassifier a = randomClassifier(1)) {
            a.save(dir, provenance(), Map.of());
        }
        Path meta = dir.resolve("backbone/backbone.json");
        String original = Files.readString(meta);
        Files.writeString(meta, original.replaceFirst("\"sha256\" : \"[0-9a-f]+\"", "\"sha256\" : \"" + "0".repeat(64) + "\""));
        // the manifest's checksum is compared with the real file, whatever backbone.json claims
        try (TextClassifier ok = TextClassifier.load(dir)) {
            assertEquals(3, ok.labels().size());
        }
        Path manifest = dir.resolve("graft-model.json");
        String m = Files.readString(manifest);
        Files.writeString(manifest, m.replaceFirst("\"sha256\" : \"[0-9a-f]+\"", "\"sha256\" : \"" + "f".repeat(64) + "\""));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TextClassifier.load(dir));
        assertTrue(e.getMessage().contains("SHA-256") && e.getMessage().contains("retrain"), e.getMessage());

        Files.writeString(manifest, m.replace("\"file\" : \"head.safetensors\"", "\"file\" : \"../../etc/passwd\""));
        e = assertThrows(IllegalArgumentException.class, () -> TextClassifier.load(dir));
        assertTrue(e.getMessage().contains("outside the model directory"), e.getMessage());

        Files.writeString(manifest, m.replace("\"hidden_units\" : 16", "\"hidden_units\" : 32"));
        e = assertThrows(IllegalArgumentException.class, () -> TextClassifier.load(dir));
        assertTrue(e.getMessage().contains("dense.weight") && e.getMessage().contains("expected"), e.getMessage());
    }

    @Test
    void loadingSomethingElseSaysWhatToPass() throws IOException {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TextClassifier.load(work));
        assertTrue(e.getMessage().contains("not a Graft model directory") && e.getMessage().contains("Graft.train"), e.getMessage());
    }

    @Test
    void renamedManifestLabelsAreRefused() throws IOException {
        Path dir = work.resolve("model");
        try (TextClassifier a = randomClassifier(1)) {
            a.save(dir, provenance(), Map.of());
        }
        Path manifest = dir.resolve("graft-model.json");
        String m = Files.readString(manifest);
        Files.writeString(manifest, m.replace("\"bug\"", "\"zzz\""));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TextClassifier.load(dir));
        assertTrue(e.getMessage().contains(manifest.toString()) && e.getMessage().contains(dir.resolve("head.safetensors").toString())
                && e.getMessage().contains("class 1 is 'feature'") && e.getMessage().contains("trained as 'bug'"), e.getMessage());

        Files.writeString(manifest, m.replace("\"bug\", ", ""));
        e = assertThrows(IllegalArgumentException.class, () -> TextClassifier.load(dir));
        assertTrue(e.getMessage().contains("'head.num_classes' equal to the number of labels (2)"), e.getMessage());

        Files.writeString(manifest, m.replace("[ \"billing\", \"bug\", \"feature\" ]", "[ \"feature\", \"billing\", \"bug\" ]"));
        try (TextClassifier reordered = TextClassifier.load(dir)) {
            assertEquals(List.of("billing", "bug", "feature"), reordered.labels().labels(), "label order comes from the label map");
        }
    }

    @Test
    void aHeadFileWithoutStoredLabelsStillLoads() throws IOException {
        Path dir = work.resolve("model");
        float[][] before;
        try (TextClassifier a = randomClassifier(1)) {
            a.save(dir, provenance(), Map.of());
            before = a.probabilities(TEXTS);
        }
        Path head = dir.resolve("head.safetensors");
        List<dev.graft.tensor.TensorData> tensors = new java.util.ArrayList<>();
        try (var st = dev.graft.tensor.safetensors.SafeTensors.open(head)) {
            for (String name : st.names()) {
                tensors.add(st.tensor(name));
            }
        }
        dev.graft.tensor.safetensors.SafeTensors.write(head, tensors, Map.of("format", "graft-head"),
                dev.graft.tensor.io.OnExisting.REPLACE); // as a head written without labels
        try (TextClassifier loaded = TextClassifier.load(dir)) {
            assertArrayEquals(before[0], loaded.probabilities(TEXTS)[0], 1e-6f);
        }
    }
}
