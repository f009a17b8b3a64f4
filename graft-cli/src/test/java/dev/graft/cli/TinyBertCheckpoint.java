package dev.graft.cli;

import dev.graft.tensor.TensorData;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A one-layer, 4-wide BERT checkpoint in Hugging Face names, with deterministic weights: fine-tunes in well under a
 * second, for CLI tests that need a trainable encoder (a local Hub repository, a model folder).
 */
final class TinyBertCheckpoint {

    private TinyBertCheckpoint() {
    }

    /** The encoder's tensors for a {@code vocab}-token embedding (30522 for MiniLM's tokenizer). */
    static List<TensorData> tensors(int vocab) {
        List<TensorData> w = new ArrayList<>();
        tensor(w, "bert.embeddings.word_embeddings.weight", vocab, 4);
        tensor(w, "bert.embeddings.position_embeddings.weight", 8, 4);
        tensor(w, "bert.embeddings.token_type_embeddings.weight", 2, 4);
        tensor(w, "bert.embeddings.LayerNorm.weight", 4);
        tensor(w, "bert.embeddings.LayerNorm.bias", 4);
        String p = "bert.encoder.layer.0.";
        for (String m : List.of("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense")) {
            tensor(w, p + m + ".weight", 4, 4);
            tensor(w, p + m + ".bias", 4);
        }
        for (String m : List.of("attention.output.LayerNorm", "output.LayerNorm")) {
            tensor(w, p + m + ".weight", 4);
            tensor(w, p + m + ".bias", 4);
        }
        tensor(w, p + "intermediate.dense.weight", 8, 4);
        tensor(w, p + "intermediate.dense.bias", 8);
        tensor(w, p + "output.dense.weight", 4, 8);
        tensor(w, p + "output.dense.bias", 4);
        return w;
    }

    /** Its {@code config.json}. */
    static byte[] config(int vocab) {
        return ("{\"model_type\":\"bert\",\"vocab_size\":" + vocab + ",\"hidden_size\":4,\"num_hidden_layers\":1,"
                + "\"num_attention_heads\":2,\"intermediate_size\":8,\"max_position_embeddings\":8}").getBytes(StandardCharsets.UTF_8);
    }

    /** Adds a tensor of {@code shape} named {@code name}, its values a function of the name. */
    static void tensor(List<TensorData> out, String name, long... shape) {
        float[] d = new float[(int) TensorData.elementCount(shape)];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) Math.sin(name.hashCode() + i);
        }
        out.add(new TensorData(name, shape, d));
    }
}
