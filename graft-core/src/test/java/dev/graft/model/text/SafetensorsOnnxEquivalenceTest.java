package dev.graft.model.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.graft.model.bert.BertBackbone;
import dev.graft.model.bert.BertModel;
import dev.graft.util.Progress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same BERT-family model in two formats: the bundled MiniLM as ONNX (run by ONNX Runtime) and
 * as a Hugging Face directory (config.json + model.safetensors, loaded through the checkpoint
 * reader and run on libtorch) give the same sentence vectors.
 */
class SafetensorsOnnxEquivalenceTest {

    private static final List<String> SENTENCES = List.of(
            "The invoice was charged twice this month.",
            "Hi",
            "The app crashes whenever I open the settings page on my phone, every single time since the update.",
            "Please add a dark mode to the mobile app.",
            "How do I reset my password if I no longer have access to my email?");

    @Test
    void safetensorsDirectoryAndOnnxGiveTheSameEmbeddings(@TempDir Path dir) throws Exception {
        TextModelSpec onnx = TextModels.resolve("minilm");
        Path hf = Files.createDirectories(dir.resolve("minilm-hf"));
        try (NDManager m = NDManager.newBaseManager()) {
            BertModel imported = BertBackbone.fromOnnx(onnx.onnxFile(), m, 0f);
            BertBackbone.save(imported, hf);
        }
        Files.copy(onnx.tokenizerFile(), hf.resolve(TextModelSpec.TOKENIZER_FILE));
        TextModelSpec safetensors = TextModels.fromDirectory(hf);
        assertFalse(safetensors.hasOnnx());
        assertEquals(onnx.maxLength(), safetensors.maxLength(), "max length read from the same tokenizer");

        float[][] a;
        float[][] b;
        try (SentenceEncoder ort = SentenceEncoders.open(onnx, 2, 8)) {
            a = ort.encode(SENTENCES, Progress.NONE);
        }
        try (SentenceEncoder torch = SentenceEncoders.open(safetensors, 2, 8)) {
            assertTrue(torch instanceof DjlTextEncoder, "a directory without ONNX runs on libtorch");
            b = torch.encode(SENTENCES, Progress.NONE);
        }
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            for (int d = 0; d < a[i].length; d++) {
                max = Math.max(max, Math.abs(a[i][d] - b[i][d]));
            }
        }
        System.out.printf("max |ONNX Runtime - safetensors on libtorch| over %d sentences x 384 dims = %.3g%n", a.length, max);
        assertTrue(max <= 1e-4, "max abs difference " + max);
    }
}
