package dev.graft.artifact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.graft.artifact.export.OnnxExport;
import dev.graft.data.LabelMap;
import dev.graft.model.head.ClassifierHead;
import dev.graft.model.head.HeadConfig;
import dev.graft.model.text.Pooling;
import dev.graft.model.text.TextModelVariants;
import dev.graft.model.text.TextModels;
import dev.graft.training.Learner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model with a chosen pooling keeps it through save and load, and export refuses what it cannot reproduce. */
class PooledTextClassifierTest {

    private static final List<String> TEXTS = List.of("refund my payment", "the app crashes on start", "add dark mode please");

    @TempDir
    Path work;

    @Test
    void poolingTravelsWithTheModelAndExportRefusesIt() throws IOException {
        Path dir = work.resolve("model");
        Learner.seed(3);
        NDManager m = NDManager.newBaseManager();
        ClassifierHead head = new ClassifierHead(new HeadConfig(2 * 384, 3, 0, 0.1));
        head.initialize(m);
        Pooling pooling = Pooling.parse("cls+mean-last-2", "test");
        try (TextClassifier original = new TextClassifier(TextModelVariants.withPooling(TextModels.resolve("minilm"), pooling), head,
                LabelMap.of(List.of("billing", "bug", "feature")), "feature-extraction", m)) {
            float[][] before = original.probabilities(TEXTS);
            original.save(dir, new Provenance("2026-01-01T00:00:00Z", "feature-extraction", 1, Map.of(), Map.of(), Map.of(),
                    Versions.all(), Map.of(), List.of()), Map.of());
            try (TextClassifier loaded = TextClassifier.load(dir)) {
                assertEquals(pooling, loaded.backbone().pooling());
                float[][] after = loaded.probabilities(TEXTS);
                for (int i = 0; i < TEXTS.size(); i++) {
                    assertArrayEquals(before[i], after[i], 1e-6f);
                }
            }
        }
        assertTrue(Files.readString(dir.resolve("graft-model.json")).contains("\"cls+mean-last-2\""));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OnnxExport.export(dir, work.resolve("model.onnx"), OnnxExport.Options.fp32()));
        assertTrue(e.getMessage().contains("cls+mean-last-2") && e.getMessage().contains("not exported"), e.getMessage());
        assertTrue(Files.notExists(work.resolve("model.onnx")));

        Path meta = dir.resolve("backbone").resolve("backbone.json");
        Files.writeString(meta, Files.readString(meta).replace("cls+mean-last-2", "mean"));
        e = assertThrows(IllegalArgumentException.class, () -> TextClassifier.load(dir));
        assertTrue(e.getMessage().contains("records pooling cls+mean-last-2") && e.getMessage().contains("says mean"), e.getMessage());
    }
}
