package dev.graft.metrics.linear;

import java.util.function.Consumer;

/**
 * Limited-memory BFGS minimisation of a smooth function, driven from outside ("reverse communication"): the caller
 * evaluates the function and its gradient at {@link #point()} and reports them with {@link #tell}, until
 * {@link #done()}. This lets one pass over the data evaluate many problems at once.
 *
 * <p>The initial inverse Hessian is a preconditioner {@code M⁻¹} (for logistic losses, the inverse of a bound on the
 * Hessian), scaled after the first step by {@code sᵀy / yᵀM⁻¹y}. Steps satisfy the Armijo condition by backtracking
 * from the full step. It stops when the largest gradient entry is at most {@code gradientTolerance}, when an
 * accepted step lowers the value by no more than {@code 1e-12} relative, when the line search cannot lower the value,
 * or after {@code maxIterations} steps.
 */
final class Lbfgs {

    private static final int MEMORY = 10;
    private static final double ARMIJO = 1e-4;
    private static final double RELATIVE_DECREASE = 1e-12;
    private static final int MAX_BACKTRACKS = 40;

    /** Why the minimisation stopped. */
    enum Outcome { RUNNING, CONVERGED, NO_PROGRESS, MAX_ITERATIONS }

    private final Consumer<double[]> preconditioner;
    private final double gradientTolerance;
    private final int maxIterations;
    private final int size;

    private final double[] x;
    private double fx = Double.NaN;
    private final double[] gx;
    private final double[] direction;
    private final double[] trial;
    private double step;
    private double slope;
    private int backtracks;
    private boolean started;

    private final double[][] s = new double[MEMORY][];
    private final double[][] y = new double[MEMORY][];
    private final double[] rho = new double[MEMORY];
    private int stored;
    private int newest = -1;
    private double gamma = 1;

    private int iterations;
    private boolean lastAccepted;
    private Outcome outcome = Outcome.RUNNING;

    /**
     * @param x0                the starting point (copied)
     * @param preconditioner    replaces a vector {@code v} by {@code M⁻¹v}, in place
     * @param gradientTolerance stop when {@code max |g_i|} is at most this
     * @param maxIterations     most accepted steps
     */
    Lbfgs(double[] x0, Consumer<double[]> preconditioner, double gradientTolerance, int maxIterations) {
        this.preconditioner = preconditioner;
        this.gradientTolerance = gradientTolerance;
        this.maxIterations = maxIterations;
        this.size = x0.length;
        this.x = x0.clone();
        this.gx = new double[size];
        this.direction = new double[size];
        this.trial = x0.clone();
    }

    /** @return the point to evaluate next (do not modify) */
    double[] point() {
        return trial;
    }

    /** @return whether minimisation has finished */
    boolean done() {
        return outcome != Outcome.RUNNING;
    }

    /** @return why it stopped, or RUNNING */
    Outcome outcome() {
        return outcome;
    }

    /** @return the best point found (a copy) */
    double[] solution() {
        return x.clone();
    }

    /** @return the value at {@link #solution()} */
    double value() {
        return fx;
    }

    /** @return whether the point last reported through {@link #tell} became the current solution */
    boolean lastAccepted() {
        return lastAccepted;
    }

    /** @return accepted steps so far */
    int iterations() {
        return iterations;
    }

    /**
     * Reports the value and gradient at {@link #point()}.
     *
     * @param f the value
     * @param g the gradient (read, not kept)
     */
    void tell(double f, double[] g) {
        if (done()) {
            throw new IllegalStateException("minimisation already finished");
        }
        lastAccepted = false;
        if (!started) {
            started = true;
            lastAccepted = true;
            if (!Double.isFinite(f)) {
                throw new IllegalArgumentException("objective is " + f + " at the starting point");
            }
            fx = f;
            System.arraycopy(g, 0, gx, 0, size);
            if (maxAbs(gx) <= gradientTolerance) {
                outcome = Outcome.CONVERGED;
                return;
            }
            newDirection();
            return;
        }
        if (Double.isFinite(f) && f <= fx + ARMIJO * step * slope) {
            lastAccepted = true;
            accept(f, g);
            return;
        }
        if (++backtracks > MAX_BACKTRACKS) {
            outcome = Outcome.NO_PROGRESS;
            System.arraycopy(x, 0, trial, 0, size);
            return;
        }
        double next = 0.1 * step;
        if (Double.isFinite(f)) {
            double curvature = f - fx - step * slope;
            if (curvature > 0) {
                next = -slope * step * step / (2 * curvature);
            }
            next = Math.max(0.1 * step, Math.min(0.5 * step, next));
        }
        step = next;
        moveTrial();
    }

    private void accept(double f, double[] g) {
        int slot = (newest + 1) % MEMORY;
        double[] sv = new double[size];
        double[] yv = new double[size];
        double sy = 0, yy = 0;
        for (int i = 0; i < size; i++) {
            sv[i] = trial[i] - x[i];
            yv[i] = g[i] - gx[i];
            sy += sv[i] * yv[i];
        }
        double previous = fx;
        System.arraycopy(trial, 0, x, 0, size);
        System.arraycopy(g, 0, gx, 0, size);
        fx = f;
        iterations++;
        if (sy > 1e-300) {
            s[slot] = sv;
            y[slot] = yv;
            rho[slot] = 1 / sy;
            newest = slot;
            stored = Math.min(stored + 1, MEMORY);
            double[] my = yv.clone();
            preconditioner.accept(my);
            for (int i = 0; i < size; i++) {
                yy += yv[i] * my[i];
            }
            gamma = yy > 0 ? sy / yy : 1;
        }
        if (maxAbs(gx) <= gradientTolerance) {
            outcome = Outcome.CONVERGED;
        } else if (previous - f <= RELATIVE_DECREASE * Math.max(1, Math.abs(f))) {
            outcome = Outcome.NO_PROGRESS;
        } else if (iterations >= maxIterations) {
            outcome = Outcome.MAX_ITERATIONS;
        } else {
            newDirection();
        }
    }

    /** Two-loop recursion: {@code direction = −H·g}; falls back to {@code −M⁻¹g} if that is not a descent. */
    private void newDirection() {
        double[] q = gx.clone();
        double[] alpha = new double[MEMORY];
        int k = newest;
        for (int c = 0; c < stored; c++) {
            alpha[k] = rho[k] * dot(s[k], q);
            axpy(-alpha[k], y[k], q);
            k = (k - 1 + MEMORY) % MEMORY;
        }
        preconditioner.accept(q);
        if (stored > 0) {
            for (int i = 0; i < size; i++) {
                q[i] *= gamma;
            }
        }
        k = (newest - stored + 1 + MEMORY) % MEMORY;
        for (int c = 0; c < stored; c++) {
            double beta = rho[k] * dot(y[k], q);
            axpy(alpha[k] - beta, s[k], q);
            k = (k + 1) % MEMORY;
        }
        slope = -dot(gx, q);
        if (!(slope < 0)) {
            stored = 0;
            newest = -1;
            System.arraycopy(gx, 0, q, 0, size);
            preconditioner.accept(q);
            slope = -dot(gx, q);
        }
        for (int i = 0; i < size; i++) {
            direction[i] = -q[i];
        }
        step = 1;
        backtracks = 0;
        moveTrial();
    }

    private void moveTrial() {
        for (int i = 0; i < size; i++) {
            trial[i] = x[i] + step * direction[i];
        }
    }

    private static double dot(double[] a, double[] b) {
        double r = 0;
        for (int i = 0; i < a.length; i++) {
            r += a[i] * b[i];
        }
        return r;
    }

    private static void axpy(double a, double[] v, double[] out) {
        for (int i = 0; i < v.length; i++) {
            out[i] += a * v[i];
        }
    }

    private static double maxAbs(double[] v) {
        double m = 0;
        for (double e : v) {
            m = Math.max(m, Math.abs(e));
        }
        return m;
    }
}
