package dev.graft.metrics.linear;

import java.util.ArrayList;
import java.util.List;

/**
 * L2-regularised logistic regression on standardised features with C chosen by k-fold cross-validation, the
 * equivalent of scikit-learn's {@code make_pipeline(StandardScaler(), LogisticRegressionCV(Cs, cv, scoring))} with
 * the lbfgs solver: binary, one-vs-rest for multi-label (one model and one C per label, as
 * {@code OneVsRestClassifier(LogisticRegressionCV(...))}) and multinomial (softmax) for single-label.
 *
 * <p>Each fit solves {@code min C·Σ loss + ½‖w‖²} (intercepts unpenalised) with preconditioned L-BFGS to a gradient
 * tolerance; see {@link RegularizationPath} for the path and the choice of C. Folds come from {@link Settings#seed}:
 * shuffled for binary and multi-label (the same folds for all labels), stratified by class for multinomial.
 * Deterministic: the same input and settings give the same model; small problems sum over a fixed split of the rows
 * in plain Java, whatever the number of cores, and large ones (20 million multiply-adds per pass or more) compute their
 * matrix products and preconditioner in libtorch, the same on the same machine and thread count. A multi-label fit
 * uses one fold assignment for all labels, so that all labels share each pass over the data; scikit-learn would
 * stratify each label's folds separately.
 */
public final class LogisticRegression {

    private LogisticRegression() {
    }

    /**
     * How to fit.
     *
     * @param cs            the grid of C (inverse regularisation strength), each &gt; 0; with one value no
     *                      cross-validation runs
     * @param folds         number of cross-validation folds, ≥ 2
     * @param scoring       how folds compare the grid
     * @param seed          seed of the fold assignment
     * @param tolerance     stop when the largest entry of the gradient of {@code (1/n)Σ loss + ‖w‖²/(2Cn)} is at most
     *                      this
     * @param maxIterations most L-BFGS steps per fit
     * @param patience      stop a fold's walk along the grid after this many C in a row whose held-out score is worse
     *                      than the fold's best so far (their mean scores are then NaN and C is chosen among the values
     *                      every fold reached); 0 walks the whole grid, as scikit-learn does
     */
    public record Settings(double[] cs, int folds, Scoring scoring, long seed, double tolerance, int maxIterations,
                           int patience) {

        /** Validates and copies. */
        public Settings {
            if (cs == null || cs.length == 0) {
                throw new IllegalArgumentException("cs must hold at least one value of C");
            }
            cs = cs.clone();
            for (int i = 0; i < cs.length; i++) {
                if (!(cs[i] > 0) || Double.isInfinite(cs[i])) {
                    throw new IllegalArgumentException("cs[" + i + "] is " + cs[i] + "; C must be finite and > 0");
                }
            }
            if (folds < 2) {
                throw new IllegalArgumentException("folds is " + folds + "; cross-validation needs at least 2");
            }
            if (scoring == null) {
                throw new IllegalArgumentException("scoring must not be null");
            }
            if (!(tolerance > 0)) {
                throw new IllegalArgumentException("tolerance is " + tolerance + "; it must be > 0");
            }
            if (maxIterations < 1) {
                throw new IllegalArgumentException("maxIterations is " + maxIterations + "; it must be >= 1");
            }
            if (patience < 0) {
                throw new IllegalArgumentException("patience is " + patience + "; it must be >= 0 (0: the whole grid)");
            }
        }

        /** Settings that walk the whole grid (patience 0), as scikit-learn does. */
        public Settings(double[] cs, int folds, Scoring scoring, long seed, double tolerance, int maxIterations) {
            this(cs, folds, scoring, seed, tolerance, maxIterations, 0);
        }

        /**
         * scikit-learn's grid and folds for {@code LogisticRegressionCV} (ten C from 1e-4 to 1e4 evenly spaced in
         * log, five folds), scored by log loss (scikit-learn's default scoring is accuracy), gradient tolerance 1e-5,
         * at most 500 steps per fit; unlike scikit-learn, a fold stops walking the grid after two C in a row score
         * worse than its best (patience 2): the held-out log loss rises past its minimum as C grows, and the largest C
         * are the slowest fits (near-separable features need hundreds of steps).
         *
         * @param seed seed of the fold assignment
         * @return the settings
         */
        public static Settings defaults(long seed) {
            return new Settings(logGrid(1e-4, 1e4, 10), 5, Scoring.LOG_LOSS, seed, 1e-5, 500, 2);
        }

        /**
         * One fixed C, no cross-validation.
         *
         * @param c the inverse regularisation strength
         * @return the settings (tolerance 1e-8, at most 2000 steps)
         */
        public static Settings fixed(double c) {
            return new Settings(new double[] {c}, 5, Scoring.LOG_LOSS, 0, 1e-8, 2000);
        }

        /** @return a copy of the grid */
        @Override
        public double[] cs() {
            return cs.clone();
        }
    }

    /**
     * {@code count} values from {@code from} to {@code to}, evenly spaced in log ({@code numpy.logspace}).
     *
     * @return the grid
     */
    public static double[] logGrid(double from, double to, int count) {
        if (!(from > 0) || !(to > 0) || count < 1) {
            throw new IllegalArgumentException("a log grid needs from > 0, to > 0 and count >= 1, not " + from
                    + ", " + to + ", " + count);
        }
        double[] g = new double[count];
        double a = Math.log10(from), b = Math.log10(to);
        for (int i = 0; i < count; i++) {
            g[i] = count == 1 ? from : Math.pow(10, a + (b - a) * i / (count - 1));
        }
        return g;
    }

    /**
     * One-vs-rest: an independent binary model per label (multi-label, or binary with one label).
     *
     * @param x        n × d features
     * @param labels   n × L: whether example i carries label l
     * @param settings how to fit
     * @return a sigmoid model with L outputs
     * @throws IllegalArgumentException if shapes disagree, a feature is not finite, or a label never or always occurs
     *                                  (nothing to learn)
     */
    public static LinearClassifier fitOneVsRest(float[][] x, boolean[][] labels, Settings settings) {
        Standardizer standardizer = Standardizer.fit(x, "x");
        if (labels == null || labels.length != x.length) {
            throw new IllegalArgumentException("labels has " + (labels == null ? "no" : labels.length)
                    + " rows but x has " + x.length + "; pass one row of labels per example");
        }
        int width = labels[0] == null ? 0 : labels[0].length;
        if (width == 0) {
            throw new IllegalArgumentException("labels[0] is empty; pass one column per label");
        }
        List<Target> targets = new ArrayList<>();
        for (int l = 0; l < width; l++) {
            boolean[] column = new boolean[x.length];
            int positives = 0;
            for (int i = 0; i < x.length; i++) {
                if (labels[i] == null || labels[i].length != width) {
                    throw new IllegalArgumentException("labels[" + i + "] has " + (labels[i] == null ? "no"
                            : labels[i].length) + " entries but labels[0] has " + width
                            + "; every row needs one entry per label");
                }
                column[i] = labels[i][l];
                positives += column[i] ? 1 : 0;
            }
            if (positives == 0 || positives == x.length) {
                throw new IllegalArgumentException("label " + l + " is " + (positives == 0 ? "never" : "always")
                        + " set in labels; each label needs positive and negative examples");
            }
            targets.add(Target.binary(column));
        }
        int[] folds = Folds.shuffled(x.length, settings.folds(), settings.seed());
        return fit(standardizer, x, targets, folds, settings, false);
    }

    /**
     * Binary: one model.
     *
     * @param x        n × d features
     * @param positive whether each example is positive
     * @param settings how to fit
     * @return a sigmoid model with one output, the probability of the positive class
     * @throws IllegalArgumentException as {@link #fitOneVsRest}
     */
    public static LinearClassifier fitBinary(float[][] x, boolean[] positive, Settings settings) {
        if (positive == null || positive.length != (x == null ? 0 : x.length)) {
            throw new IllegalArgumentException("positive has " + (positive == null ? "no" : positive.length)
                    + " entries but x has " + (x == null ? 0 : x.length) + " rows; pass one label per example");
        }
        boolean[][] labels = new boolean[positive.length][];
        for (int i = 0; i < positive.length; i++) {
            labels[i] = new boolean[] {positive[i]};
        }
        return fitOneVsRest(x, labels, settings);
    }

    /**
     * Multinomial: one softmax over {@code numClasses} classes.
     *
     * @param x          n × d features
     * @param classes    class of each example, in {@code [0, numClasses)}
     * @param numClasses number of classes, ≥ 2
     * @param settings   how to fit
     * @return a softmax model with numClasses outputs
     * @throws IllegalArgumentException if shapes disagree, a class is out of range, or a feature is not finite
     */
    public static LinearClassifier fitMultinomial(float[][] x, int[] classes, int numClasses, Settings settings) {
        Standardizer standardizer = Standardizer.fit(x, "x");
        if (numClasses < 2) {
            throw new IllegalArgumentException("numClasses is " + numClasses + "; a softmax needs at least 2");
        }
        if (classes == null || classes.length != x.length) {
            throw new IllegalArgumentException("classes has " + (classes == null ? "no" : classes.length)
                    + " entries but x has " + x.length + " rows; pass one class per example");
        }
        for (int i = 0; i < classes.length; i++) {
            if (classes[i] < 0 || classes[i] >= numClasses) {
                throw new IllegalArgumentException("classes[" + i + "] is " + classes[i] + " but must be in [0, "
                        + numClasses + ")");
            }
        }
        int[] folds = Folds.stratified(classes, numClasses, settings.folds(), settings.seed());
        return fit(standardizer, x, List.of(Target.classes(classes, numClasses)), folds, settings, true);
    }

    private static LinearClassifier fit(Standardizer standardizer, float[][] x, List<Target> targets, int[] folds,
            Settings settings, boolean softmax) {
        if (settings.cs().length > 1 && x.length < settings.folds()) {
            throw new IllegalArgumentException("x has " + x.length + " rows, fewer than the " + settings.folds()
                    + " folds of cross-validation; pass more examples or fewer folds");
        }
        DenseRows rows = standardizer.transform(x, "x");
        double[] cs = settings.cs();
        RegularizationPath path = new RegularizationPath(rows, cs, settings.scoring(), settings.tolerance(),
                settings.maxIterations(), settings.patience(), true);
        List<RegularizationPath.Result> results = path.fit(targets, folds, settings.folds());
        int d = rows.d(), e = d + 1;
        int outputs = targets.stream().mapToInt(Target::outputs).sum();
        double[][] weights = new double[outputs][d];
        double[] intercepts = new double[outputs];
        List<LinearClassifier.Fit> fits = new ArrayList<>();
        int o = 0;
        for (int g = 0; g < targets.size(); g++) {
            RegularizationPath.Result r = results.get(g);
            int k = targets.get(g).outputs();
            for (int c = 0; c < k; c++, o++) {
                System.arraycopy(r.solution(), c * e, weights[o], 0, d);
                intercepts[o] = r.solution()[c * e + d];
            }
            fits.add(new LinearClassifier.Fit(cs[r.chosen()], r.meanScores(), r.iterations(),
                    r.outcome() == Lbfgs.Outcome.CONVERGED));
        }
        if (softmax) {
            // the softmax is unchanged by a common shift of the intercepts, which are not penalised: centre them
            double mean = 0;
            for (double b : intercepts) {
                mean += b / outputs;
            }
            for (int c = 0; c < outputs; c++) {
                intercepts[c] -= mean;
            }
        }
        return new LinearClassifier(standardizer, softmax, weights, intercepts, cs, settings.scoring(), fits);
    }
}
