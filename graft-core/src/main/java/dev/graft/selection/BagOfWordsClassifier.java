package dev.graft.selection;

import java.util.List;

/**
 * The text baseline of the negative-transfer check: {@link SoftmaxRegression} on {@link HashedBagOfWords} vectors
 * (hashed word unigrams and bigrams, sublinear TF, unit L2 norm). With many classes the hash space shrinks (by halves,
 * never below 2^{@value #MIN_BITS} buckets) so that the weights stay near {@value #MAX_WEIGHTS} floats (16 MB).
 */
final class BagOfWordsClassifier {

    /** Most weights (buckets × classes) kept. */
    static final int MAX_WEIGHTS = 1 << 22;
    /** Fewest hash bits used, however many classes there are. */
    static final int MIN_BITS = 12;

    private final HashedBagOfWords features;
    private final SoftmaxRegression model;

    private BagOfWordsClassifier(HashedBagOfWords features, SoftmaxRegression model) {
        this.features = features;
        this.model = model;
    }

    /**
     * Trains on {@code texts} with class ids {@code labels}.
     *
     * @param classes number of classes (at least 2); every label must be in {@code [0, classes)}
     * @param seed    seed of the shuffle order
     */
    static BagOfWordsClassifier train(List<String> texts, int[] labels, int classes, long seed) {
        if (texts.size() != labels.length || texts.isEmpty()) {
            throw new IllegalArgumentException("need as many labels as texts, and at least one text; got " + texts.size()
                    + " texts and " + labels.length + " labels");
        }
        int bits = HashedBagOfWords.DEFAULT_BITS;
        while (bits > MIN_BITS && ((long) classes << bits) > MAX_WEIGHTS) {
            bits--;
        }
        HashedBagOfWords features = new HashedBagOfWords(bits);
        SparseVector[] x = texts.stream().map(features::vectorize).toArray(SparseVector[]::new);
        return new BagOfWordsClassifier(features, SoftmaxRegression.train(x, labels, features.dimensions(), classes, seed));
    }

    /** The predicted class of {@code text}: the highest score, the lowest class id on ties. */
    int predict(String text) {
        return model.predict(features.vectorize(text));
    }
}
