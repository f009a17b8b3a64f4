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
 * @param positionOffset   position id of the first token: 0 for BERT, {@code padding_idx + 1 = 2} for RoBERTa,
 *                         whose position table reserves its first rows; at most
 *                         {@code maxPositions - positionOffset} tokens fit; in {@code [0, maxPositions)}
 */
public record BertConfig(int vocabSize, int hiddenSize, int numLayers, int numHeads, int intermediateSize,
                         int maxPositions, int typeVocabSize, double layerNormEps, int positionOffset) {

    /** A configuration whose positions start at 0 (BERT, MiniLM, DistilBERT). */
    public BertConfig(int vocabSize, int hiddenSize, int numLayers, int numHeads, int intermediateSize,
                      int maxPositions, int typeVocabSize, double layerNormEps) {
        this(vocabSize, hiddenSize, numLayers, numHeads, intermediateSize, maxPositions, typeVocabSize, layerNormEps, 0);
    }

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
        if (positionOffset < 0 || positionOffset >= maxPositions) {
            throw new IllegalArgumentException("positionOffset must be in [0, maxPositions = " + maxPositions
                    + "), got " + positionOffset);
        }
    }

    /** The longest sequence the position table covers: {@code maxPositions - positionOffset}. */
    public int maxSequenceLength() {
        return maxPositions - positionOffset;
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
