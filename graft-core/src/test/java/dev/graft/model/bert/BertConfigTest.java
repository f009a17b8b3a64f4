package dev.graft.model.bert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Validation and inference of {@link BertConfig}. */
class BertConfigTest {

    @Test
    void miniLmValues() {
        BertConfig c = BertConfig.miniLmL6();
        assertEquals(384, c.hiddenSize());
        assertEquals(32, c.headSize());
        assertEquals(6, c.numLayers());
    }

    @Test
    void rejectsInvalidValues() {
        assertThrows(IllegalArgumentException.class, () -> new BertConfig(0, 8, 1, 2, 16, 12, 2, 1e-12));
        assertThrows(IllegalArgumentException.class, () -> new BertConfig(10, 9, 1, 2, 16, 12, 2, 1e-12));
        assertThrows(IllegalArgumentException.class, () -> new BertConfig(10, 8, -1, 2, 16, 12, 2, 1e-12));
        assertThrows(IllegalArgumentException.class, () -> new BertConfig(10, 8, 1, 2, 16, 12, 2, 0));
        assertThrows(IllegalArgumentException.class, () -> new BertConfig(10, 8, 1, 2, 16, 12, 2, Double.NaN));
    }

    @Test
    void infersSizesFromWeights() {
        try (var m = ai.djl.ndarray.NDManager.newBaseManager()) {
            BertModel model = new BertModel(TinyBert.CONFIG);
            model.initialize(m);
            assertEquals(TinyBert.CONFIG, BertConfigInference.fromWeights(TinyBert.export(model), 2, 1e-12));
        }
        assertThrows(IllegalArgumentException.class, () -> BertConfigInference.fromWeights(java.util.Map.of(), 2, 1e-12));
    }

    @Test
    void savedConfigKeepsRobertasPositionOffset(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        BertConfig roberta = new BertConfig(50, 8, 1, 2, 16, 20, 1, 1e-5, 2);
        BertConfig bert = new BertConfig(50, 8, 1, 2, 16, 20, 2, 1e-12);
        for (BertConfig c : java.util.List.of(roberta, bert)) {
            java.nio.file.Files.writeString(dir.resolve(BertBackbone.CONFIG_FILE), BertBackbone.toJson(c).toString());
            assertEquals(c, HfCheckpoints.readConfig(dir), () -> "round trip of " + c);
        }
    }
}
