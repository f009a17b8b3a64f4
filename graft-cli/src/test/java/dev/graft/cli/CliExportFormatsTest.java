package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.graft.artifact.Provenance;
import dev.graft.artifact.TextClassifier;
import dev.graft.artifact.Versions;
import dev.graft.data.LabelMap;
import dev.graft.model.head.ClassifierHead;
import dev.graft.model.head.HeadConfig;
import dev.graft.model.text.TextModels;
import dev.graft.training.Learner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code graft export --format hf|peft}: what it writes and prints, and the clear refusals. */
class CliExportFormatsTest {

    @TempDir
    Path tmp;

    @Test
    void exportsAFeatureExtractionModelForTransformersAndRefusesWhatItCannotWrite() throws Exception {
        Learner.seed(3);
        NDManager m = NDManager.newBaseManager();
        ClassifierHead head = new ClassifierHead(new HeadConfig(384, 2, 0, 0.1));
        head.initialize(m);
        Path model = tmp.resolve("model");
        try (TextClassifier c = new TextClassifier(TextModels.resolve("minilm"), head, LabelMap.of(List.of("neg", "pos")),
                "feature-extraction", m)) {
            c.save(model, new Provenance("2026-01-01T00:00:00Z", "feature-extraction", 1, Map.of(), Map.of(), Map.of(),
                    Versions.all(), Map.of(), List.of()), Map.of());
        }
        Path hf = tmp.resolve("hf");
        CliHarness.Result ok = CliHarness.run("export", "--format", "hf", "--model", model.toString(), "--out", hf.toString());
        assertEquals(0, ok.code(), ok.toString());
        assertTrue(ok.out().contains("BertForSequenceClassification") && ok.out().contains("DO NOT match"), ok.out());
        for (String f : List.of("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
                "special_tokens_map.json", "README.md")) {
            assertTrue(Files.isRegularFile(hf.resolve(f)), f);
        }
        CliHarness.Result again = CliHarness.run("export", "--format", "hf", "--model", model.toString(), "--out", hf.toString());
        assertTrue(again.code() == 0 && again.out().startsWith("Replaced"), again.toString());

        CliHarness.Result peft = CliHarness.run("export", "--format", "peft", "--model", model.toString(), "--out",
                tmp.resolve("peft").toString());
        assertEquals(1, peft.code(), peft.toString());
        assertTrue(peft.err().contains("no LoRA updates") && peft.err().contains("--strategy lora"), peft.err());
        assertFalse(Files.exists(tmp.resolve("peft")));

        CliHarness.Result unknown = CliHarness.run("export", "--format", "tflite", "--model", model.toString(), "--out",
                tmp.resolve("x").toString());
        assertEquals(1, unknown.code(), unknown.toString());
        assertTrue(unknown.err().contains("Unknown --format 'tflite'"), unknown.err());
        CliHarness.Result both = CliHarness.run("export", "--merge", "--format", "hf", "--model", model.toString(), "--out",
                tmp.resolve("y").toString());
        assertEquals(1, both.code(), both.toString());
        assertTrue(both.err().contains("not both"), both.err());
    }
}
