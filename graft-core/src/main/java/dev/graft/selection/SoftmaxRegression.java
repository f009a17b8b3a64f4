package dev.graft.selection;

import java.util.List;
import java.util.Random;

/**
 * Multinomial logistic regression on {@link SparseVector}s, trained in plain Java: the cheap linear model behind the
 * negative-transfer check's baselines ({@link BagOfWordsClassifier} on texts, {@link RawPixels} on images).
 * Deterministic: the same vectors, labels and seed give the same weights bit for bit (one thread, a seeded shuffle,
 * Java's strict floating point).
 *
 * <p>Defaults, chosen so that the baseline is good without tuning and fast (well under a second on a few thousand
 * short texts on one core):
 * <ul>
 *   <li>{@value #EPOCHS} passes over the training set in a fresh seeded shuffle each: on L2-normalised features
 *       AdaGrad gets close to the optimum in a few passes, and more passes mostly memorise a small set;</li>
 *   <li>AdaGrad with learning rate {@value #LEARNING_RATE}: per-coordinate steps shrink with the squared gradients a
 *       weight has seen, so rare features (most of a text's words) still get large early steps, frequent ones small
 *       ones, and no learning-rate schedule has to be tuned to the data set's size;</li>
 *   <li>L2 penalty {@value #L2} per update, applied to the weights of the features present in the example (the usual
 *       lazy form for sparse data: absent features are not decayed). It only keeps weights of features that separate
 *       the training set perfectly from growing without bound;</li>
 *   <li>one unregularised bias per class (it learns the class prior).</li>
 * </ul>
 */
final class SoftmaxRegression {

    /** Passes over the training data. */
    static final int EPOCHS = 5;
    /** AdaGrad's base learning rate. */
    static final double LEARNING_RATE = 0.5;
    /** L2 penalty coefficient per update. */
    static final double L2 = 1e-4;

    private static final double EPS = 1e-8;

    private final int classes;
    private final float[] weights; // [feature * classes + class]
    private final double[] bias;

    private SoftmaxRegression(int dimensions, int classes) {
        this.classes = classes;
        this.weights = new float[Math.multiplyExact(dimensions, classes)];
        this.bias = new double[classes];
    }

    /**
     * Trains on vectors {@code x} with class ids {@code labels}.
     *
     * @param dimensions every index of {@code x} is below it
     * @param classes    number of classes (at least 2); every label must be in {@code [0, classes)}
     * @param seed       seed of the shuffle order
     */
    static SoftmaxRegression train(SparseVector[] x, int[] labels, int dimensions, int classes, long seed) {
        if (x.length != labels.length || x.length == 0) {
            throw new IllegalArgumentException("need as many labels as examples, and at least one example; got " + x.length
                    + " examples and " + labels.length + " labels");
        }
        if (classes < 2) {
            throw new IllegalArgumentException("a classifier needs at least 2 classes, got " + classes);
        }
        for (int i = 0; i < x.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("label " + labels[i] + " of example " + i + " is not in [0, " + classes + ")");
            }
        }
        SoftmaxRegression model = new SoftmaxRegression(dimensions, classes);
        model.fit(x, labels, new Random(seed));
        return model;
    }

    private void fit(SparseVector[] x, int[] y, Random random) {
        float[] sumSq = new float[weights.length];
        double[] biasSumSq = new double[classes];
        double[] p = new double[classes];
        int[] order = new int[x.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        for (int epoch = 0; epoch < EPOCHS; epoch++) {
            shuffle(order, random);
            for (int i : order) {
                SparseVector v = x[i];
                probabilities(v, p);
                p[y[i]] -= 1; // gradient of the cross-entropy w.r.t. the scores
                for (int c = 0; c < classes; c++) {
                    double g = p[c];
                    biasSumSq[c] += g * g;
                    bias[c] -= LEARNING_RATE * g / (Math.sqrt(biasSumSq[c]) + EPS);
                }
                int[] idx = v.indices();
                float[] val = v.values();
                for (int k = 0; k < idx.length; k++) {
                    int base = idx[k] * classes;
                    for (int c = 0; c < classes; c++) {
                        int w = base + c;
                        double g = val[k] * p[c] + L2 * weights[w];
                        sumSq[w] += (float) (g * g);
                        weights[w] -= (float) (LEARNING_RATE * g / (Math.sqrt(sumSq[w]) + EPS));
                    }
                }
            }
        }
    }

    /** The predicted class of {@code v}: the highest score, the lowest class id on ties. */
    int predict(SparseVector v) {
        double[] p = new double[classes];
        probabilities(v, p);
        int best = 0;
        for (int c = 1; c < classes; c++) {
            if (p[c] > p[best]) {
                best = c;
            }
        }
        return best;
    }

    /** Softmax of the scores of {@code v} into {@code p}. */
    private void probabilities(SparseVector v, double[] p) {
        System.arraycopy(bias, 0, p, 0, classes);
        int[] idx = v.indices();
        float[] val = v.values();
        for (int k = 0; k < idx.length; k++) {
            int base = idx[k] * classes;
            for (int c = 0; c < classes; c++) {
                p[c] += val[k] * weights[base + c];
            }
        }
        double max = Double.NEGATIVE_INFINITY;
        for (double s : p) {
            max = Math.max(max, s);
        }
        double sum = 0;
        for (int c = 0; c < classes; c++) {
            p[c] = Math.exp(p[c] - max);
            sum += p[c];
        }
        for (int c = 0; c < classes; c++) {
            p[c] /= sum;
        }
    }

    private static void shuffle(int[] a, Random random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
