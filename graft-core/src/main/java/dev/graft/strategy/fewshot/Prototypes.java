package dev.graft.strategy.fewshot;

/**
 * Prototypical classification (Snell et al. 2017) on fixed embeddings: each class is the mean of
 * its support vectors; a query takes the class of the most similar prototype.
 */
public final class Prototypes {

    private final float[][] centres;
    private final Distance distance;

    private Prototypes(float[][] centres, Distance distance) {
        this.centres = centres;
        this.distance = distance;
    }

    /**
     * Prototypes of {@code classes} classes from support vectors {@code x} with class indices {@code y}.
     *
     * @throws IllegalArgumentException when a class has no support example or the vectors differ in width
     */
    public static Prototypes fit(float[][] x, int[] y, int classes, Distance distance) {
        if (x.length != y.length) {
            throw new IllegalArgumentException(x.length + " support vectors but " + y.length + " labels");
        }
        if (x.length == 0) {
            throw new IllegalArgumentException("no support examples");
        }
        int dim = x[0].length;
        double[][] sum = new double[classes][dim];
        int[] count = new int[classes];
        for (int i = 0; i < x.length; i++) {
            if (x[i].length != dim) {
                throw new IllegalArgumentException("support vectors differ in width: " + dim + " vs " + x[i].length);
            }
            count[y[i]]++;
            for (int d = 0; d < dim; d++) {
                sum[y[i]][d] += x[i][d];
            }
        }
        float[][] centres = new float[classes][dim];
        for (int c = 0; c < classes; c++) {
            if (count[c] == 0) {
                throw new IllegalArgumentException("class " + c + " has no support example");
            }
            for (int d = 0; d < dim; d++) {
                centres[c][d] = (float) (sum[c][d] / count[c]);
            }
        }
        return new Prototypes(centres, distance);
    }

    /** Number of classes. */
    public int size() {
        return centres.length;
    }

    /** The prototype of class {@code c} (a copy). */
    public float[] prototype(int c) {
        return centres[c].clone();
    }

    /** Similarity of {@code query} to every prototype. */
    public double[] similarities(float[] query) {
        double[] s = new double[centres.length];
        for (int c = 0; c < centres.length; c++) {
            s[c] = distance.similarity(query, centres[c]);
        }
        return s;
    }

    /** The class of the most similar prototype (the lowest index on a tie). */
    public int classify(float[] query) {
        double[] s = similarities(query);
        int best = 0;
        for (int c = 1; c < s.length; c++) {
            if (s[c] > s[best]) {
                best = c;
            }
        }
        return best;
    }

    /**
     * Softmax over the similarities: the prototypical network's class probabilities (for cosine,
     * similarities are scaled by 10 so that the probabilities are not all near uniform).
     */
    public float[] probabilities(float[] query) {
        double[] s = similarities(query);
        double scale = distance == Distance.COSINE ? 10 : 1;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : s) {
            max = Math.max(max, v * scale);
        }
        double z = 0;
        double[] e = new double[s.length];
        for (int c = 0; c < s.length; c++) {
            e[c] = Math.exp(s[c] * scale - max);
            z += e[c];
        }
        float[] p = new float[s.length];
        for (int c = 0; c < s.length; c++) {
            p[c] = (float) (e[c] / z);
        }
        return p;
    }
}
