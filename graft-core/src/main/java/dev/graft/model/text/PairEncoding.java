package dev.graft.model.text;

import java.util.Locale;

/**
 * How a text classifier reads a pair of texts (paraphrase, entailment). Recorded in the model directory's manifest by
 * {@link #key()}.
 */
public enum PairEncoding {

    /**
     * Each text is embedded alone by the frozen encoder, and the head reads Sentence-BERT's classification features
     * {@code [u, v, |u−v|, u⊙v]} (Reimers &amp; Gurevych 2019): four times the encoder's width. What feature extraction
     * trains on; see {@link PairFeatures}.
     */
    SEPARATE("u-v-absdiff-product"),

    /**
     * Both texts are tokenized together as one sequence, {@code [CLS] a [SEP] b [SEP]} with token type ids 0 and 1,
     * and the encoder's pooled output feeds the head (a cross-encoder): the encoder's width. What fine-tuning trains.
     */
    JOINT("cross-encoder");

    private final String key;

    PairEncoding(String key) {
        this.key = key;
    }

    /** The name in manifests. */
    public String key() {
        return key;
    }

    /** The width of the head's input for an encoder {@code encoderWidth} wide. */
    public int headInputWidth(int encoderWidth) {
        return this == SEPARATE ? PairFeatures.width(encoderWidth) : encoderWidth;
    }

    /**
     * The encoding a manifest names.
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static PairEncoding fromKey(String key) {
        for (PairEncoding e : values()) {
            if (e.key.equals(key == null ? null : key.strip().toLowerCase(Locale.ROOT))) {
                return e;
            }
        }
        throw new IllegalArgumentException("Unknown text pair encoding '" + dev.graft.util.Excerpt.of(String.valueOf(key))
                + "'; this Graft knows " + SEPARATE.key + " and " + JOINT.key + ".");
    }
}
