package dev.graft.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.model.bert.HfCheckpoints;
import dev.graft.model.text.TextModelSpec;
import dev.graft.model.text.TextModels;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Small files of a model folder are size-checked before they are read and must be the JSON they claim to be. */
class ModelFileLimitsTest {

    @TempDir
    Path tmp;

    /** A sparse file of {@code size} NUL bytes (no memory or disk needed). */
    private static Path nulFile(Path file, long size) throws IOException {
        Files.createDirectories(file.getParent());
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(size);
        }
        return file;
    }

    @Test
    void aHugeConfigInAModelFolderIsRefusedBeforeItIsRead() throws IOException {
        Path dir = tmp.resolve("hf");
        nulFile(dir.resolve("config.json"), 200L << 20);
        IOException e = assertThrows(IOException.class, () -> HfCheckpoints.readConfig(dir));
        assertTrue(e.getMessage().contains(dir.resolve("config.json").toString()) && e.getMessage().contains((200L << 20) + " bytes")
                && e.getMessage().contains("4194304"), e.getMessage());
    }

    @Test
    void aHugeTokenizerIsRefusedBeforeItIsRead() throws IOException {
        Path dir = tmp.resolve("model");
        nulFile(dir.resolve(TextModelSpec.TOKENIZER_FILE), (64L << 20) + 1);
        Files.write(dir.resolve(TextModelSpec.ONNX_FILE), new byte[] {0});
        Files.writeString(dir.resolve(TextModelSpec.METADATA_FILE), "{\"pooling\":\"mean\"}");
        RuntimeException e = assertThrows(RuntimeException.class, () -> TextModels.resolve(dir.toString()));
        assertTrue(e.getMessage().contains(dir.resolve(TextModelSpec.TOKENIZER_FILE).toString())
                && e.getMessage().contains("tokenizer.json may have"), e.getMessage());
    }

    @Test
    void aModelFolderJsonFileMustBeTheJsonItClaimsToBe() throws IOException {
        Path dir = tmp.resolve("model");
        Files.createDirectories(dir);
        Files.write(dir.resolve(TextModelSpec.TOKENIZER_FILE), new byte[100]);
        Files.write(dir.resolve(TextModelSpec.ONNX_FILE), new byte[] {0});
        RuntimeException e = assertThrows(RuntimeException.class, () -> TextModels.resolve(dir.toString()));
        assertTrue(e.getMessage().contains(dir.resolve(TextModelSpec.TOKENIZER_FILE) + " is not valid JSON"), e.getMessage());

        Files.writeString(dir.resolve(TextModelSpec.METADATA_FILE), "[\"not\", \"an\", \"object\"]");
        e = assertThrows(RuntimeException.class, () -> TextModels.resolve(dir.toString()));
        assertTrue(e.getMessage().contains(TextModelSpec.METADATA_FILE + " should hold a JSON object but holds array"), e.getMessage());

        assertTrue(ModelFileLimits.parseJson("[{\"idx\":0}]".getBytes(), "modules.json", "modules.json", new com.fasterxml.jackson.databind.ObjectMapper())
                .isArray(), "sentence-transformers' modules.json is an array");
    }

    @Test
    void limitsFollowTheFileName() {
        assertEquals(ModelFileLimits.CONFIG_BYTES, ModelFileLimits.maxBytes("1_Pooling/config.json"));
        assertEquals(ModelFileLimits.TOKENIZER_BYTES, ModelFileLimits.maxBytes("tokenizer.json"));
        assertEquals(ModelFileLimits.VOCABULARY_BYTES, ModelFileLimits.maxBytes("vocab.txt"));
        assertEquals(-1, ModelFileLimits.maxBytes("model.safetensors"));
    }
}
