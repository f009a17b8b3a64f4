package dev.graft.run.auto;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How fast this machine runs compared with the rates {@code CostModel} was measured at: an auto run embeds a few dozen
 * of the user's own examples with the cheapest backbone (the probe), divides the time it took by the probe's estimate at
 * the reference rates, and plans with every estimate multiplied by that factor. The factor is rounded to a power of
 * &radic;2 ({@link #quantise}), so that the small noise of a short probe gives the same plan, and recorded in the run's
 * journal, so that a resumed run plans with the same factor without probing again.
 *
 * @param factor           the multiplier applied to every reference estimate (a power of &radic;2 when measured)
 * @param backbone         the backbone the probe ran (null when the factor was given)
 * @param examples         the examples the probe embedded (0 when the factor was given)
 * @param seconds          the probe's wall time (0 when the factor was given)
 * @param referenceSeconds the probe's estimate at the reference rates (0 when the factor was given)
 */
public record Calibration(double factor, String backbone, int examples, double seconds, double referenceSeconds) {

    /** The smallest factor a probe can give (a machine 16 times faster than the reference). */
    public static final double MIN_FACTOR = 1.0 / 16;
    /** The largest factor a probe can give (a machine 64 times slower than the reference). */
    public static final double MAX_FACTOR = 64;

    /** Checks the factor. */
    public Calibration {
        if (!(factor > 0) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException(dev.graft.util.Arguments.name("speedFactor") + " must be a positive number, got " + factor + ".");
        }
    }

    /**
     * How many times slower per example a short probe runs than a whole run at the same speed: its few batches are
     * small and a fresh ONNX Runtime session's first run allocates. Measured under shared load: MiniLM 0.087 s a review
     * in the probe against 0.022 s over books' 2,000; MobileNetV2 at 64 px 0.018–0.039 s an image against 0.006 s over
     * USPS's 9,298. 2 keeps a margin.
     */
    public static final double PROBE_SLOWDOWN = 2;

    /** The factor a probe of {@code seconds} against {@code referenceSeconds} gives, quantised. */
    static Calibration measured(String backbone, int examples, double seconds, double referenceSeconds) {
        return new Calibration(quantise(seconds / (PROBE_SLOWDOWN * referenceSeconds)), backbone, examples, seconds,
                referenceSeconds);
    }

    /** A factor the caller fixed (no probe). */
    static Calibration given(double factor) {
        return new Calibration(factor, null, 0, 0, 0);
    }

    /**
     * {@code raw} rounded (in log scale) to the nearest power of &radic;2, within {@link #MIN_FACTOR} and
     * {@link #MAX_FACTOR}: probes 10% apart mostly give the same factor, and two factors never differ by less than 41%.
     */
    static double quantise(double raw) {
        if (!(raw > 0)) {
            return MIN_FACTOR;
        }
        double halfSteps = Math.rint(2 * Math.log(raw) / Math.log(2));
        return Math.max(MIN_FACTOR, Math.min(MAX_FACTOR, Math.pow(2, halfSteps / 2)));
    }

    /** Whether a probe measured it (else it was given). */
    public boolean probed() {
        return backbone != null;
    }

    /** A sentence for the report and the log. */
    public String describe() {
        if (!probed()) {
            return String.format(Locale.ROOT, "speed factor x%.3g, given", factor);
        }
        return String.format(Locale.ROOT, "speed factor x%.3g: a probe embedding %d training examples with %s computed for %.2f s"
                + " against %.2f s at the reference rates (x%.2f, over a probe's slowdown of %.0f; rounded to a power of sqrt 2)",
                factor, examples, backbone, seconds, referenceSeconds, seconds / (PROBE_SLOWDOWN * referenceSeconds), PROBE_SLOWDOWN);
    }

    /** The journal's view. */
    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("factor", factor);
        m.put("backbone", backbone);
        m.put("examples", examples);
        m.put("seconds", seconds);
        m.put("reference_seconds", referenceSeconds);
        return m;
    }

    /** Reads {@link #toMap()}'s view back. */
    static Calibration fromMap(Map<String, Object> m) {
        return new Calibration(((Number) m.get("factor")).doubleValue(), (String) m.get("backbone"),
                ((Number) m.getOrDefault("examples", 0)).intValue(), ((Number) m.getOrDefault("seconds", 0)).doubleValue(),
                ((Number) m.getOrDefault("reference_seconds", 0)).doubleValue());
    }
}
