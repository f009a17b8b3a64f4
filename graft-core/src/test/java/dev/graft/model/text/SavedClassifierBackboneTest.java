package dev.graft.model.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A directory written by {@code graft train} stands for its encoder; a plain model directory stands for itself. */
class SavedClassifierBackboneTest {

    @TempDir
    Path tmp;

    private Path savedClassifier(String name) throws Exception {
        Path dir = tmp.resolve(name);
        Files.createDirectories(dir.resolve(TextModels.SAVED_BACKBONE_DIR));
        Files.writeString(dir.resolve(TextModels.SAVED_BACKBONE_DIR).resolve(TextModelSpec.TOKENIZER_FILE), "{}");
        Files.writeString(dir.resolve("graft-model.json"), "{}");
        return dir;
    }

    @Test
    void aSavedClassifierResolvesToItsBackboneFolder() throws Exception {
        Path dir = savedClassifier("fine-tuned");
        assertEquals(Optional.of(dir.resolve(TextModels.SAVED_BACKBONE_DIR)), TextModels.savedClassifierBackbone(dir));
    }

    @Test
    void aPlainModelDirectoryIsLeftAlone() throws Exception {
        Path dir = tmp.resolve("plain");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(TextModelSpec.TOKENIZER_FILE), "{}");
        assertEquals(Optional.empty(), TextModels.savedClassifierBackbone(dir));
        assertEquals(Optional.empty(), TextModels.savedClassifierBackbone(tmp), "a folder with neither is not a saved classifier");
    }

    @Test
    void aLoraModelIsRefusedWithTheMergeCommand() throws Exception {
        Path dir = savedClassifier("lora");
        Files.writeString(dir.resolve("peft.json"), "{}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TextModels.resolve(dir.toString()));
        assertTrue(e.getMessage().contains("LoraMerge.merge (from " + dir), e.getMessage()); // core names the Java call
    }
}
