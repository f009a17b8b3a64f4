package dev.graft.model.text;

import dev.graft.util.Progress;
import java.util.List;

/** Turns texts into fixed-size vectors with a frozen pretrained model. */
public interface SentenceEncoder extends AutoCloseable {

    /** One vector per text, in input order. */
    float[][] encode(List<String> texts, Progress progress);

    /**
     * One vector per text pair, {@code first.get(i)} and {@code second.get(i)} encoded together as one sequence
     * ({@code [CLS] a [SEP] b [SEP]} with token types 0 and 1), in input order: what a cross-encoder's head reads
     * ({@link PairEncoding#JOINT}).
     *
     * @throws UnsupportedOperationException for an encoder that cannot (the default)
     */
    default float[][] encodePairs(List<String> first, List<String> second, Progress progress) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not encode text pairs jointly");
    }

    /** Vector width. */
    int dimension();

    /** The model this encoder runs. */
    TextModelSpec spec();

    @Override
    void close();
}
