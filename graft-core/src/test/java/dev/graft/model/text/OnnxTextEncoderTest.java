package dev.graft.model.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.util.Progress;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OnnxTextEncoderTest {

    private static OnnxTextEncoder encoder;

    @BeforeAll
    static void open() {
        encoder = OnnxTextEncoder.open(TextModels.resolve("minilm"), 2, 4);
    }

    @AfterAll
    static void close() {
        encoder.close();
    }

    @Test
    void metadataComesFromTheModel() {
        TextModelSpec spec = encoder.spec();
        assertEquals(384, encoder.dimension());
        assertEquals(128, spec.maxLength(), "tokenizer.json declares truncation at 128 tokens");
        assertEquals(Pooling.MEAN, spec.pooling());
        assertEquals(64, spec.sha256().length());
    }

    @Test
    void bucketedBatchesGiveTheSameVectorsAsOneTextAtATime() {
        List<String> texts = List.of(
                "The invoice was charged twice this month.",
                "Hi",
                "The app crashes whenever I open the settings page on my phone, every single time since the update.",
                "Please add a dark mode.",
                "How do I reset my password?",
                "Refund please");
        float[][] together = encoder.encode(texts, Progress.NONE);
        for (int i = 0; i < texts.size(); i++) {
            float[] alone = encoder.encode(List.of(texts.get(i)), Progress.NONE)[0];
            for (int d = 0; d < alone.length; d++) {
                assertEquals(alone[d], together[i][d], 1e-4, "text " + i + " dim " + d);
            }
        }
    }

    @Test
    void similarSentencesAreCloserThanUnrelatedOnes() {
        float[][] v = encoder.encode(List.of(
                "I was billed twice for my subscription.",
                "My credit card got charged two times.",
                "The weather is lovely in the mountains today."), Progress.NONE);
        double related = cosine(v[0], v[1]);
        double unrelated = cosine(v[0], v[2]);
        assertTrue(related > unrelated + 0.2, "related " + related + " vs unrelated " + unrelated);
    }

    @Test
    void longTextsAreTruncatedToTheModelLength() {
        String longText = "word ".repeat(1000);
        List<TokenizedText> t = encoder.tokenizer().tokenize(List.of(longText));
        assertEquals(128, t.get(0).length());
        assertEquals(384, encoder.encode(List.of(longText), Progress.NONE)[0].length);
    }

    @Test
    void unknownModelNameExplainsWhatIsAvailable() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TextModels.resolve("no-such-model"));
        assertTrue(e.getMessage().contains("minilm") && e.getMessage().contains("graft models list"), e.getMessage());
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
