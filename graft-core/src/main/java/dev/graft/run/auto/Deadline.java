package dev.graft.run.auto;

import dev.graft.util.Arguments;
import java.time.Duration;
import java.util.Locale;

/**
 * The wall clock of an auto run: the limit, the time used, a reserve kept for saving the winner and writing the report,
 * and how much slower than the estimates the candidates of this process ran (the guard that keeps the limit when the
 * machine is slower than the cost model assumes).
 */
final class Deadline {

    /** Seconds kept at the end for copying the winner and writing the report (at least). */
    static final double MIN_RESERVE_SECONDS = 5;
    /** Share of the limit kept at the end for the same. */
    static final double RESERVE_SHARE = 0.05;

    private final double limitSeconds;
    private final long start = System.nanoTime();
    private double estimated;
    private double measured;
    private double stageEnd = Double.POSITIVE_INFINITY;
    private String stageName;

    Deadline(Duration limit) {
        this.limitSeconds = limit.toMillis() / 1000.0;
    }

    double limitSeconds() {
        return limitSeconds;
    }

    /** The seconds kept at the end. */
    double reserveSeconds() {
        return Math.max(MIN_RESERVE_SECONDS, RESERVE_SHARE * limitSeconds);
    }

    double elapsedSeconds() {
        return (System.nanoTime() - start) / 1e9;
    }

    /** Seconds left before the reserve, or before the end of the current stage's bound when that comes first. */
    double leftSeconds() {
        return Math.min(limitSeconds - reserveSeconds(), stageEnd) - elapsedSeconds();
    }

    /**
     * Bounds the current stage ({@code name}, e.g. "the ranking"): it ends {@code seconds} from now at the latest, its
     * candidates refused or stopped as at the limit, until {@link #unbound()}.
     */
    void bound(String name, double seconds) {
        stageName = name;
        stageEnd = elapsedSeconds() + Math.max(0, seconds);
    }

    /** Ends the stage bound. */
    void unbound() {
        stageName = null;
        stageEnd = Double.POSITIVE_INFINITY;
    }

    /** Records a candidate's estimated and measured cost (both only when it ran). */
    void ran(double estimatedSeconds, double seconds) {
        estimated += estimatedSeconds;
        measured += seconds;
    }

    /** How much slower than estimated this process's candidates ran (at least 1). */
    double slowdown() {
        return estimated <= 0 ? 1 : Math.max(1, measured / estimated);
    }

    /** Why a candidate estimated at {@code seconds} must not start now, or null when it may. */
    String refusal(double seconds) {
        double scaled = seconds * slowdown();
        double left = leftSeconds();
        return scaled <= left ? null : String.format(Locale.ROOT, "the clock: estimated %.0f s at the speed measured so far (x%.2f),"
                + " %.0f s left of %s", scaled, slowdown(), Math.max(0, left), what());
    }

    private String what() {
        return stageName != null ? stageName + "'s bound" : "the " + Arguments.name("timeLimit");
    }

    /** Stops the current candidate when the time before the reserve (or the stage's bound) is used up. */
    void check() {
        if (leftSeconds() < 0) {
            throw new TimeLimitReached(elapsedSeconds(), what());
        }
    }

    /** The time limit was reached inside a candidate. */
    static final class TimeLimitReached extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TimeLimitReached(double elapsed, String what) {
            super(String.format(Locale.ROOT, "stopped at %s after %.0f s", what, elapsed));
        }
    }
}
