package dev.graft.model.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.util.Progress;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A text pair as one sequence: {@code [CLS] a [SEP] b [SEP]} with token types, on ONNX Runtime and on libtorch alike. */
class PairEncodingTest {

    private static final List<String> FIRST = List.of("The team won the match.", "I baked a cake for dessert.");
    private static final List<String> SECOND = List.of("The match was won by the team.", "The server crashed again.");

    @Test
    void aPairIsClsFirstSepSecondSepWithTokenTypes() throws IOException {
        TextModelSpec minilm = TextModels.resolve("minilm");
        try (TextTokenizer tokenizer = TextTokenizer.open(minilm.tokenizerFile(), minilm.maxLength())) {
            TokenizedText a = tokenizer.tokenize(List.of(FIRST.get(0))).get(0);
            TokenizedText b = tokenizer.tokenize(List.of(SECOND.get(0))).get(0);
            TokenizedText pair = tokenizer.tokenize(List.of(FIRST.get(0)), List.of(SECOND.get(0))).get(0);
            // [CLS] a [SEP] b [SEP]: both texts' tokens without b's own [CLS]
            assertEquals(a.length() + b.length() - 1, pair.length());
            long[] expected = new long[pair.length()];
            System.arraycopy(a.ids(), 0, expected, 0, a.length());
            System.arraycopy(b.ids(), 1, expected, a.length(), b.length() - 1);
            assertArrayEquals(expected, pair.ids());
            for (int i = 0; i < pair.length(); i++) {
                assertEquals(i < a.length() ? 0 : 1, pair.typeIds()[i], "token type of token " + i);
            }
            String longText = "word ".repeat(400);
            TokenizedText truncated = tokenizer.tokenize(List.of(longText), List.of(longText)).get(0);
            assertEquals(minilm.maxLength(), truncated.length(), "a pair is truncated to the model's length as a whole");
            assertThrows(IllegalArgumentException.class, () -> tokenizer.tokenize(FIRST, List.of("one")));
        }
    }

    @Test
    void onnxRuntimeAndLibtorchEncodePairsAlike() {
        TextModelSpec minilm = TextModels.resolve("minilm");
        try (OnnxTextEncoder onnx = OnnxTextEncoder.open(minilm, 2, 4); DjlTextEncoder djl = DjlTextEncoder.open(minilm, 4)) {
            float[][] viaOnnx = onnx.encodePairs(FIRST, SECOND, Progress.NONE);
            float[][] viaTorch = djl.encodePairs(FIRST, SECOND, Progress.NONE);
            float[][] single = onnx.encode(FIRST, Progress.NONE);
            for (int i = 0; i < FIRST.size(); i++) {
                assertEquals(384, viaOnnx[i].length);
                for (int d = 0; d < 384; d++) {
                    assertEquals(viaOnnx[i][d], viaTorch[i][d], 1e-4, "pair " + i + " dim " + d);
                }
                double diff = 0;
                for (int d = 0; d < 384; d++) {
                    diff += Math.abs(viaOnnx[i][d] - single[i][d]);
                }
                assertTrue(diff > 1e-2, "the pair's vector is not the first text's alone");
            }
        }
    }
}
