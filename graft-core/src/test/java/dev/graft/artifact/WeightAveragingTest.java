package dev.graft.artifact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.tensor.TensorData;
import dev.graft.tensor.safetensors.SafeTensors;
import dev.graft.tensor.safetensors.SafeTensorsFile;
import dev.graft.util.Hashes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Averaging real MiniLM models fine-tuned one epoch on a small text set with different seeds and learning rates: a
 * model averaged with itself predicts exactly as it did; the average of two has every weight the exact mean and loads
 * and predicts; models that differ in more than their weights are refused, naming the file and what differs.
 */
class WeightAveragingTest {

    @TempDir
    static Path dir;
    static Path a;
    static Path b;

    @BeforeAll
    static void fineTuneTwice() throws IOException {
        Path train = SoupFixtures.csv(dir, "train.csv", 48, 0.1, 1);
        Path val = SoupFixtures.csv(dir, "val.csv", 40, 0.1, 2);
        a = SoupFixtures.train(train, val, "fine-tune", 3, 1e-4, dir.resolve("a"));
        b = SoupFixtures.train(train, val, "fine-tune", 4, 2e-4, dir.resolve("b"));
    }

    private static Map<String, TensorData> tensors(Path file) throws IOException {
        try (SafeTensorsFile st = SafeTensors.open(file)) {
            Map<String, TensorData> out = new java.util.LinkedHashMap<>();
            for (TensorData t : st.readAll()) {
                out.put(t.name(), t);
            }
            return out;
        }
    }

    private static float[][] probabilities(Path model) {
        try (TextClassifier c = TextClassifier.load(model)) {
            return c.probabilities(SoupFixtures.PROBES);
        }
    }

    @Test
    void aModelAveragedWithItselfPredictsExactlyAsItDid() throws IOException {
        Path out = dir.resolve("self");
        WeightAveraging.Averaged r = WeightAveraging.average(List.of(a, a), out);
        assertEquals(List.of(0.5, 0.5), r.weights());
        for (String file : List.of("backbone/model.safetensors", "head.safetensors")) {
            Map<String, TensorData> x = tensors(a.resolve(file));
            Map<String, TensorData> y = tensors(out.resolve(file));
            assertEquals(x.keySet(), y.keySet());
            x.forEach((name, t) -> assertArrayEquals(t.data(), y.get(name).data(), 0f, file + " " + name));
        }
        float[][] before = probabilities(a);
        float[][] after = probabilities(out);
        for (int i = 0; i < before.length; i++) {
            assertArrayEquals(before[i], after[i], 1e-6f, SoupFixtures.PROBES.get(i));
        }
    }

    @Test
    void theAverageOfTwoFineTunesHasTheMeanOfEveryWeightAndPredicts() throws IOException {
        Path out = dir.resolve("mean");
        WeightAveraging.Averaged r = WeightAveraging.average(List.of(a, b), out);
        assertTrue(r.tensors() > 100 && r.parameters() > 20_000_000L, r.toString()); // MiniLM: ~22.7M parameters
        int checked = 0;
        for (String file : List.of("backbone/model.safetensors", "head.safetensors")) {
            Map<String, TensorData> x = tensors(a.resolve(file));
            Map<String, TensorData> y = tensors(b.resolve(file));
            Map<String, TensorData> m = tensors(out.resolve(file));
            List<String> names = new ArrayList<>(x.keySet());
            // a few tensors of the encoder (first, middle, last), every tensor of the head
            List<String> some = file.startsWith("head") ? names : List.of(names.get(0), names.get(names.size() / 2), names.get(names.size() - 1));
            for (String name : some) {
                float[] xa = x.get(name).data();
                float[] yb = y.get(name).data();
                float[] mean = m.get(name).data();
                boolean differ = false;
                for (int k = 0; k < xa.length; k++) {
                    assertEquals((float) (0.5 * xa[k] + 0.5 * yb[k]), mean[k], 0f, name + "[" + k + "]");
                    differ |= xa[k] != yb[k];
                }
                if (file.startsWith("head")) {
                    assertTrue(differ, name + ": the two fine-tunes differ");
                }
                checked++;
            }
        }
        assertTrue(checked >= 5);
        // the manifest and backbone.json record the checksum of the averaged weights, which loading verifies
        String sha = Hashes.sha256(out.resolve("backbone/model.safetensors"));
        assertTrue(Files.readString(out.resolve(ModelDirectory.MANIFEST), StandardCharsets.UTF_8).contains(sha));
        assertFalse(sha.equals(Hashes.sha256(a.resolve("backbone/model.safetensors"))));
        float[][] p = probabilities(out);
        for (float[] row : p) {
            assertEquals(1.0, row[0] + row[1], 1e-5);
        }
        try (TextClassifier c = TextClassifier.load(out)) {
            assertEquals(List.of("food", "sports"), c.labels().labels().stream().sorted().toList());
            assertEquals("fine-tune", c.strategy());
        }
        String provenance = Files.readString(out.resolve(TextClassifier.PROVENANCE_FILE), StandardCharsets.UTF_8);
        assertTrue(provenance.contains(WeightAveraging.AVERAGED_FROM) && provenance.contains(b.toAbsolutePath().normalize().toString()));

        // weighted: 1 part a, 3 parts b
        Path weighted = dir.resolve("weighted");
        WeightAveraging.average(List.of(a, b), List.of(1.0, 3.0), weighted);
        Map<String, TensorData> x = tensors(a.resolve("head.safetensors"));
        Map<String, TensorData> y = tensors(b.resolve("head.safetensors"));
        Map<String, TensorData> w = tensors(weighted.resolve("head.safetensors"));
        for (String name : x.keySet()) {
            for (int k = 0; k < x.get(name).data().length; k++) {
                assertEquals((float) (0.25 * x.get(name).data()[k] + 0.75 * y.get(name).data()[k]), w.get(name).data()[k], 0f);
            }
        }
    }

    @Test
    void modelsThatDifferInMoreThanTheirWeightsAreRefused() throws IOException {
        // a head of another shape
        Path reshaped = SoupFixtures.copy(b, dir.resolve("reshaped"));
        Map<String, TensorData> head = tensors(reshaped.resolve("head.safetensors"));
        String first = head.keySet().iterator().next();
        List<TensorData> changed = new ArrayList<>();
        head.forEach((name, t) -> changed.add(name.equals(first) ? new TensorData(name, new long[] {1, t.data().length}, t.data()) : t));
        Map<String, String> meta;
        try (SafeTensorsFile st = SafeTensors.open(reshaped.resolve("head.safetensors"))) {
            meta = st.metadata();
        }
        Files.delete(reshaped.resolve("head.safetensors"));
        SafeTensors.write(reshaped.resolve("head.safetensors"), changed, meta);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WeightAveraging.average(List.of(a, reshaped), dir.resolve("x1")));
        assertTrue(e.getMessage().contains(reshaped.toString()) && e.getMessage().contains("head.safetensors")
                && e.getMessage().contains("'" + first + "'") && e.getMessage().contains("shape"), e.getMessage());

        // other labels in the manifest
        Path relabelled = SoupFixtures.copy(b, dir.resolve("relabelled"));
        Path manifest = relabelled.resolve(ModelDirectory.MANIFEST);
        String json = Files.readString(manifest, StandardCharsets.UTF_8);
        Files.writeString(manifest, json.replace("\"sports\"", "\"athletics\""), StandardCharsets.UTF_8);
        e = assertThrows(IllegalArgumentException.class, () -> WeightAveraging.average(List.of(a, relabelled), dir.resolve("x2")));
        assertTrue(e.getMessage().contains(ModelDirectory.MANIFEST) && e.getMessage().contains("/labels/")
                && e.getMessage().contains("athletics"), e.getMessage());

        // feature extraction on the frozen backbone: another set of files
        Path frozen = SoupFixtures.train(dir.resolve("train.csv"), dir.resolve("val.csv"), "feature-extraction", 3, 0, dir.resolve("fe"));
        e = assertThrows(IllegalArgumentException.class, () -> WeightAveraging.average(List.of(a, frozen), dir.resolve("x3")));
        assertTrue(e.getMessage().contains(frozen.toString()) && e.getMessage().contains("backbone/") && e.getMessage().contains("is in the first but not in the second"), e.getMessage());

        // one model is not an average; a folder Graft did not write is not overwritten
        assertThrows(IllegalArgumentException.class, () -> WeightAveraging.average(List.of(a), dir.resolve("x4")));
        Path foreign = Files.createDirectories(dir.resolve("foreign"));
        Files.writeString(foreign.resolve("notes.txt"), "mine");
        assertThrows(IllegalArgumentException.class, () -> WeightAveraging.average(List.of(a, b), foreign));
        assertEquals("mine", Files.readString(foreign.resolve("notes.txt")));
        for (String x : List.of("x1", "x2", "x3", "x4")) {
            assertFalse(Files.exists(dir.resolve(x)), x + " was not written");
        }
    }
}
