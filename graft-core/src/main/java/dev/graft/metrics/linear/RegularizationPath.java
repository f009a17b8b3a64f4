package dev.graft.metrics.linear;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Fits L2-regularised logistic models for a grid of strengths C, chooses C per model by k-fold cross-validation and
 * refits on all rows, as scikit-learn's {@code LogisticRegressionCV} does: on each fold the grid is walked from the
 * first C to the last, each fit starting from the previous solution; the chosen C has the best mean held-out score
 * (the first of equals); the refit starts from the mean of the fold solutions at that C. With a patience p &gt; 0, a
 * fold stops after p values of C in a row whose held-out score is worse than its best so far; C is then chosen among
 * the values every fold reached (the others' mean scores are NaN).
 *
 * <p>Each fit minimises {@code (1/n)·Σ loss + 1/(2·C·n)·‖w‖²} over its n training rows (scikit-learn's
 * {@code C·Σ loss + ½‖w‖²} divided by {@code C·n}: the same minimiser); intercepts are not penalised. All fits in
 * flight share each pass over the data ({@link LinearPass}).
 */
final class RegularizationPath {

    /** Upper bound on the logistic loss's curvature, used for the preconditioner {@code ¼·XᵀX/n + λ·I}. */
    private static final double CURVATURE_BOUND = 0.25;

    /**
     * The result for one model.
     *
     * @param solution   k blocks of (d+1): weights then intercept, per output column
     * @param chosen     index of the chosen C
     * @param meanScores mean held-out score per C (empty when the grid has one C)
     * @param iterations L-BFGS steps of the refit
     * @param outcome    how the refit stopped
     */
    record Result(double[] solution, int chosen, double[] meanScores, int iterations, Lbfgs.Outcome outcome) {
    }

    private final DenseRows x;
    private final double[] cs;
    private final Scoring scoring;
    private final double tolerance;
    private final int maxIterations;
    private final int patience;
    private final boolean engine;
    private final double[] gram;
    private final Map<Double, Cholesky> preconditioners = new HashMap<>();
    private final Map<Double, EnginePreconditioner> enginePreconditioners = new HashMap<>();
    /** Owns the engine preconditioners while {@link #fit} runs; null when the problem is too small for libtorch. */
    private NDManager engineManager;

    RegularizationPath(DenseRows x, double[] cs, Scoring scoring, double tolerance, int maxIterations, int patience,
                       boolean engine) {
        this.x = x;
        this.patience = patience;
        this.engine = engine;
        this.cs = cs;
        this.scoring = scoring;
        this.tolerance = tolerance;
        this.maxIterations = maxIterations;
        this.gram = x.augmentedGram();
    }

    /**
     * Fits every target.
     *
     * @param targets  the models to fit
     * @param folds    fold of each row in {@code [0, k)}; ignored when the grid has one C
     * @param k        number of folds
     * @return one result per target
     */
    List<Result> fit(List<Target> targets, int[] folds, int k) {
        int columns = targets.stream().mapToInt(Target::outputs).sum() * (cs.length > 1 ? k : 1);
        if (engine && LinearPass.worthTheEngine(x, columns)) {
            engineManager = NDManager.newBaseManager(Device.cpu());
        }
        try {
            return fitAll(targets, folds, k);
        } finally {
            enginePreconditioners.clear();
            if (engineManager != null) {
                engineManager.close();
                engineManager = null;
            }
        }
    }

    private List<Result> fitAll(List<Target> targets, int[] folds, int k) {
        int t = targets.size();
        int e = x.d() + 1;
        double[][][][] foldSolutions = new double[t][k][cs.length][];
        double[][] meanScores = new double[t][cs.length];
        int[][] reached = new int[t][cs.length];
        int[] chosen = new int[t];
        if (cs.length > 1) {
            int[] foldSize = new int[k];
            for (int f : folds) {
                foldSize[f]++;
            }
            List<Slot> slots = new ArrayList<>();
            for (int g = 0; g < t; g++) {
                for (int f = 0; f < k; f++) {
                    Target target = targets.get(g);
                    int trainRows = x.n() - foldSize[f];
                    int gi = g, fi = f;
                    slots.add(new Slot(target, f, trainRows, 0, new double[target.outputs() * e], (ci, sol) -> {
                        foldSolutions[gi][fi][ci] = sol;
                        double score = heldOut(target, sol, folds, fi);
                        meanScores[gi][ci] += score / k;
                        reached[gi][ci]++;
                        return score;
                    }));
                }
            }
            run(slots, folds);
            for (int g = 0; g < t; g++) {
                int best = 0;
                for (int ci = 1; ci < cs.length; ci++) {
                    if (reached[g][ci] < k) {
                        meanScores[g][ci] = Double.NaN;
                    } else if (scoring.better(meanScores[g][ci], meanScores[g][best])) {
                        best = ci;
                    }
                }
                chosen[g] = best;
            }
        }
        List<Slot> refits = new ArrayList<>();
        for (int g = 0; g < t; g++) {
            Target target = targets.get(g);
            double[] start = new double[target.outputs() * e];
            if (cs.length > 1) {
                for (int f = 0; f < k; f++) {
                    double[] sol = foldSolutions[g][f][chosen[g]];
                    for (int i = 0; i < start.length; i++) {
                        start[i] += sol[i] / k;
                    }
                }
            }
            Slot s = new Slot(target, -1, x.n(), chosen[g], start, null);
            s.lastC = chosen[g];
            refits.add(s);
        }
        run(refits, null);
        List<Result> out = new ArrayList<>(t);
        for (int g = 0; g < t; g++) {
            Slot s = refits.get(g);
            out.add(new Result(s.optimiser.solution(), chosen[g], cs.length > 1 ? meanScores[g] : new double[0],
                    s.optimiser.iterations(), s.optimiser.outcome()));
        }
        return out;
    }

    /** Runs all slots to the end of their paths, evaluating every slot in flight in one pass per round. */
    private void run(List<Slot> slots, int[] folds) {
        int columns = slots.stream().mapToInt(sl -> sl.target.outputs()).sum();
        try (LinearPass pass = new LinearPass(x, folds, engine && LinearPass.worthTheEngine(x, columns))) {
            run(pass, slots);
        }
    }

    private void run(LinearPass pass, List<Slot> slots) {
        List<Slot> active = new ArrayList<>(slots);
        while (!active.isEmpty()) {
            LinearPass.Member[] members = new LinearPass.Member[active.size()];
            for (int a = 0; a < active.size(); a++) {
                Slot s = active.get(a);
                members[a] = new LinearPass.Member(s.target, s.fold, s.optimiser.point());
            }
            LinearPass.Sums[] sums = pass.run(members);
            List<Slot> next = new ArrayList<>();
            for (int a = 0; a < active.size(); a++) {
                Slot s = active.get(a);
                s.tell(sums[a]);
                if (!s.optimiser.done() || s.advance()) {
                    next.add(s);
                }
            }
            active = next;
        }
    }

    private double penalty(Slot s) {
        return 1 / (cs[s.c] * s.rows);
    }

    private Cholesky preconditioner(double lambda) {
        return preconditioners.computeIfAbsent(lambda, l -> {
            int e = x.d() + 1;
            double[] a = new double[e * e];
            for (int i = 0; i < a.length; i++) {
                a[i] = CURVATURE_BOUND * gram[i] / x.n();
            }
            for (int j = 0; j < x.d(); j++) {
                a[j * e + j] += l;
            }
            return Cholesky.of(a, e);
        });
    }

    /** Mean held-out score of {@code solution} on the rows of fold {@code fold}. */
    private double heldOut(Target target, double[] solution, int[] folds, int fold) {
        int d = x.d(), e = d + 1, k = target.outputs();
        float[] data = x.data();
        double[] z = new double[k];
        double sum = 0;
        int count = 0;
        for (int i = 0; i < x.n(); i++) {
            if (folds[i] != fold) {
                continue;
            }
            int base = i * d;
            for (int c = 0; c < k; c++) {
                double v = solution[c * e + d];
                int o = c * e;
                for (int j = 0; j < d; j++) {
                    v += data[base + j] * solution[o + j];
                }
                z[c] = v;
            }
            sum += target.score(i, z, scoring);
            count++;
        }
        return sum / count;
    }

    /** Receives a fold's solution for grid index {@code c}. @return its held-out score */
    private interface Sink {
        double accept(int c, double[] solution);
    }

    /** One model being fitted along the grid (cross-validation) or at one C (refit). */
    private final class Slot {
        final Target target;
        final int fold;
        final int rows;
        final Sink sink;
        int c;
        int lastC = cs.length - 1;
        double bestScore = Double.NaN;
        int worse;
        Lbfgs optimiser;
        /** The data sums at the optimiser's current point, which do not depend on C. */
        LinearPass.Sums atSolution;

        Slot(Target target, int fold, int rows, int c, double[] start, Sink sink) {
            this.target = target;
            this.fold = fold;
            this.rows = rows;
            this.sink = sink;
            this.c = c;
            this.optimiser = optimiser(start);
        }

        private Lbfgs optimiser(double[] start) {
            double lambda = penalty(this);
            Cholesky chol = preconditioner(lambda);
            int e = x.d() + 1;
            if (engineManager != null) {
                EnginePreconditioner p = enginePreconditioners.computeIfAbsent(lambda,
                        l -> new EnginePreconditioner(chol, e, engineManager));
                return new Lbfgs(start, p::applyInPlace, tolerance, maxIterations);
            }
            return new Lbfgs(start, v -> chol.solveBlocksInPlace(v, 0, v.length / e), tolerance, maxIterations);
        }

        /** Reports the sums at the optimiser's point as the objective {@code (1/n)Σ loss + λ/2·‖w‖²} and its gradient. */
        void tell(LinearPass.Sums sums) {
            double[] p = optimiser.point();
            int d = x.d(), e = d + 1;
            double lambda = penalty(this);
            double[] g = new double[p.length];
            double norm = 0;
            for (int i = 0; i < p.length; i++) {
                g[i] = sums.gradient()[i] / rows;
                if (i % e != d) {
                    g[i] += lambda * p[i];
                    norm += p[i] * p[i];
                }
            }
            optimiser.tell(sums.loss() / rows + lambda / 2 * norm, g);
            if (optimiser.lastAccepted()) {
                atSolution = sums;
            }
        }

        /** The fit at the current C is done: hands it on and moves to the next C. @return whether one is left */
        boolean advance() {
            double[] solution = optimiser.solution();
            if (sink != null) {
                double score = sink.accept(c, solution);
                if (Double.isNaN(bestScore) || scoring.better(score, bestScore)) {
                    bestScore = score;
                    worse = 0;
                } else if (!scoring.better(bestScore, score)) {
                    worse = 0; // a tie with the best: not past it yet
                } else if (patience > 0 && ++worse >= patience) {
                    return false; // past the minimum: larger C only overfit further, and fit slowest
                }
            }
            if (c >= lastC) {
                return false;
            }
            c++;
            optimiser = optimiser(solution);
            tell(atSolution);
            return !optimiser.done() || advance();
        }
    }
}
