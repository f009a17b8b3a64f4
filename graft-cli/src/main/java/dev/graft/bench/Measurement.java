package dev.graft.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Repeated timings of one configuration: the wall-clock seconds of each repetition (warm-up
 * excluded), the work one repetition does (sentences, steps, examples) and, where it is known, the
 * floating-point operations one repetition performs.
 *
 * @param name        stable key, e.g. {@code fe.graft}
 * @param description what was timed, for the table
 * @param workUnit    what {@code workPerRep} counts ({@code sentences}, {@code steps}, {@code examples}, {@code runs})
 * @param workPerRep  units of work in one repetition
 * @param flopsPerRep estimated FLOPs of one repetition, or 0 when not estimated
 * @param seconds     one wall-clock duration per repetition
 */
public record Measurement(String name, String description, String workUnit, double workPerRep, double flopsPerRep,
                          List<Double> seconds) {

    /** Validates and copies. */
    public Measurement {
        seconds = List.copyOf(seconds);
        if (seconds.isEmpty()) {
            throw new IllegalArgumentException(name + ": no repetitions");
        }
        for (double s : seconds) {
            if (!(s > 0) || Double.isInfinite(s)) {
                throw new IllegalArgumentException(name + ": a repetition took " + s + " s");
            }
        }
        if (!(workPerRep > 0)) {
            throw new IllegalArgumentException(name + ": work per repetition must be > 0");
        }
    }

    /** The median repetition time in seconds. */
    public double medianSeconds() {
        return median(seconds);
    }

    /** The fastest repetition. */
    public double minSeconds() {
        return seconds.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    }

    /** The slowest repetition. */
    public double maxSeconds() {
        return seconds.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    }

    /** (max − min) / median: the relative spread of the repetitions. */
    public double spread() {
        return (maxSeconds() - minSeconds()) / medianSeconds();
    }

    /** Units of work per second at the median time. */
    public double throughput() {
        return workPerRep / medianSeconds();
    }

    /** Seconds per unit of work at the median time. */
    public double secondsPerUnit() {
        return medianSeconds() / workPerRep;
    }

    /** Achieved GFLOP/s at the median time, or NaN when FLOPs are not estimated. */
    public double gflops() {
        return flopsPerRep > 0 ? flopsPerRep / medianSeconds() / 1e9 : Double.NaN;
    }

    /** The median of a non-empty list (mean of the middle two for an even count). */
    public static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    /** Collects repetition times. */
    public static final class Builder {
        private final List<Double> seconds = new ArrayList<>();

        /** Adds one repetition measured from {@code startNanos} to now. */
        public void since(long startNanos) {
            seconds.add((System.nanoTime() - startNanos) / 1e9);
        }

        /** Adds one repetition of {@code s} seconds. */
        public void add(double s) {
            seconds.add(s);
        }

        /** The times so far. */
        public List<Double> seconds() {
            return seconds;
        }

        /** The measurement. */
        public Measurement build(String name, String description, String unit, double workPerRep, double flopsPerRep) {
            return new Measurement(name, description, unit, workPerRep, flopsPerRep, seconds);
        }
    }
}
