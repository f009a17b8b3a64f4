package dev.graft.model.bert;

/**
 * Architecture hyper-parameters of a BERT encoder (Hugging Face {@code BertConfig} subset).
 *
 * @param vocabSize        number of word-piece ids
 * @param hiddenSize       width H of every token vector; must be divisible by {@code numHeads}
 * @param numLayers        number of encoder layers
 * @param numHeads         attention heads per layer
 * @param intermediateSize width of the feed-forward inner layer
 * @param maxPositions     number of absolute position embeddings (longest sequence)
 * @param typeVocabSize    number of token types (segments)
 * @param layerNormEps     LayerNorm variance epsilon
 */
public record BertConfig(int vocabSize, int hiddenSize, int numLayers, int numHeads, int intermediateSize,
                         int maxPositions, int typeVocabSize, double layerNormEps) {

    /** Validates every field. */
    public BertConfig {
        positive("vocabSize", vocabSize);
        positive("hiddenSize", hiddenSize);
        positive("numLayers", numLayers);
        positive("numHeads", numHeads);
        positive("intermediateSize", intermediateSize);
        positive("maxPositions", maxPositions);
        positive("typeVocabSize", typeVocabSize);
        if (hiddenSize % numHeads != 0) {
            throw new IllegalArgumentException("hiddenSize " + hiddenSize + " is not divisible by numHeads " + numHeads);
        }
        if (!(layerNormEps > 0) || layerNormEps >= 1 || Double.isNaN(layerNormEps)) {
            throw new IllegalArgumentException("layerNormEps must be in (0, 1), got " + layerNormEps);
        }
    }

    private static void positive(String field, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException(field + " must be positive, got " + v);
        }
    }

    /** The configuration of {@code sentence-transformers/all-MiniLM-L6-v2}. */
    public static BertConfig miniLmL6() {
        return new BertConfig(30522, 384, 6, 12, 1536, 512, 2, 1e-12);
    }

    /** Width of one attention head. */
    public int headSize() {
        return hiddenSize / numHeads;
    }
}
