package dev.graft.artifact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.graft.data.LabelMap;
import dev.graft.model.head.ClassifierHead;
import dev.graft.model.head.HeadConfig;
import dev.graft.model.text.SentenceEncoders;
import dev.graft.model.text.TextModelSpec;
import dev.graft.model.text.TextModels;
import dev.graft.training.Learner;
import dev.graft.util.Hashes;
import dev.graft.util.Progress;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The extracted bundled model in the Graft home is shared by every model trained on it: a saved model holds its own
 * copy, a changed cache entry is noticed on the next use (and extracted again, since the jar is the original), and
 * a checksum is only ever recorded for bytes that were hashed.
 */
class BackboneCacheIntegrityTest {

    @TempDir
    Path tmp;
    private String previousHome;

    @BeforeEach
    void ownGraftHome() {
        previousHome = System.getProperty("graft.home");
        System.setProperty("graft.home", tmp.resolve("home").toString()); // this test damages its cache on purpose
    }

    @AfterEach
    void restoreGraftHome() {
        if (previousHome == null) {
            System.clearProperty("graft.home");
        } else {
            System.setProperty("graft.home", previousHome);
        }
    }

    private static TextClassifier classifier(TextModelSpec backbone) {
        Learner.seed(3);
        NDManager m = NDManager.newBaseManager();
        ClassifierHead head = new ClassifierHead(new HeadConfig(384, 2, 0, 0.0));
        head.initialize(m);
        return new TextClassifier(backbone, head, LabelMap.of(List.of("neg", "pos")), "feature-extraction", m);
    }

    private static Provenance provenance() {
        return new Provenance("2026-01-01T00:00:00Z", "feature-extraction", 1, Map.of(), Map.of(), Map.of(), Versions.all(),
                Map.of(), List.of());
    }

    /** Overwrites 64 bytes in the middle of {@code file} in place (same inode, same size), as an editor would. */
    private static void editInPlace(Path file) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(f.length() / 2);
            f.write(new byte[64]);
        }
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()));
    }

    @Test
    void editingASavedModelsBackboneDoesNotCorruptTheCache() throws IOException {
        TextModelSpec minilm = TextModels.resolve("minilm");
        Path model = tmp.resolve("model");
        try (TextClassifier c = classifier(minilm)) {
            c.save(model, provenance(), Map.of());
        }
        Path saved = model.resolve("backbone").resolve(TextModelSpec.ONNX_FILE);
        assertFalse(Files.isSameFile(saved, minilm.onnxFile()), "the saved backbone is a copy, not a link into the cache");
        editInPlace(saved);

        assertEquals(minilm.sha256(), Hashes.sha256(minilm.onnxFile()), "the cached model is untouched");
        TextModelSpec again = TextModels.resolve("minilm");
        assertEquals(minilm.sha256(), again.sha256());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TextClassifier.load(model));
        assertTrue(e.getMessage().contains(saved.toString()) && e.getMessage().contains("changed or corrupted"), e.getMessage());
    }

    @Test
    void aCorruptedBundledModelIsDetectedAndExtractedAgain() throws IOException {
        TextModelSpec minilm = TextModels.resolve("minilm");
        editInPlace(minilm.onnxFile());
        List<String> messages = new CopyOnWriteArrayList<>();
        TextModelSpec again = TextModels.resolve("minilm", new Progress() {
            @Override public void start(String task, long total) { }
            @Override public void step(long n) { }
            @Override public void done() { }
            @Override public void message(String text) {
                messages.add(text);
            }
        });
        assertEquals(minilm.sha256(), again.sha256());
        assertEquals(minilm.sha256(), Hashes.sha256(again.onnxFile()), "the jar's model is back in the cache");
        assertEquals(1, messages.size(), messages.toString());
        assertTrue(messages.get(0).contains("changed or corrupted") && messages.get(0).contains("extracting it again"), messages.get(0));

        // a model trained on the repaired cache saves and loads
        Path model = tmp.resolve("model");
        try (TextClassifier c = classifier(again)) {
            c.save(model, provenance(), Map.of());
        }
        try (TextClassifier loaded = TextClassifier.load(model)) {
            assertEquals(minilm.sha256(), loaded.backbone().sha256());
        }
    }

    @Test
    void aModelDirectoryWhoseWeightsNoLongerMatchTheirRecordedChecksumIsRefused() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("my-model"));
        SentenceEncoders.copyFiles(TextModels.resolve("minilm"), dir);
        assertEquals(TextModels.resolve("minilm").sha256(), TextModels.resolve(dir.toString()).sha256());
        editInPlace(dir.resolve(TextModelSpec.ONNX_FILE));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TextModels.resolve(dir.toString()));
        assertTrue(e.getMessage().contains(dir.resolve(TextModelSpec.ONNX_FILE).toString())
                && e.getMessage().contains(TextModelSpec.METADATA_FILE + " records") && e.getMessage().contains("SHA-256"), e.getMessage());
    }

    @Test
    void weightsChangedDuringARunAreNotSavedUnderTheirOldChecksum() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("my-model"));
        SentenceEncoders.copyFiles(TextModels.resolve("minilm"), dir);
        TextModelSpec spec = TextModels.resolve(dir.toString());
        editInPlace(dir.resolve(TextModelSpec.ONNX_FILE)); // after the run resolved (and checked) it
        Path model = tmp.resolve("model");
        try (TextClassifier c = classifier(spec)) {
            IOException e = assertThrows(IOException.class, () -> c.save(model, provenance(), Map.of()));
            assertTrue(e.getMessage().contains("changed while this run used it"), e.getMessage());
        }
        assertFalse(Files.exists(model), "no model is written with a checksum that does not describe its bytes");
    }
}
