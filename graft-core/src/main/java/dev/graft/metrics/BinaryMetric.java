package dev.graft.metrics;

/**
 * A figure of merit for a binary decision, computed from its confusion counts with scikit-learn's conventions: a
 * ratio whose denominator is 0 counts as 0 ({@code zero_division=0}; MCC likewise returns 0).
 */
public enum BinaryMetric {
    /** {@code 2·tp / (2·tp + fp + fn)}. */
    F1,
    /** Mean of the true positive and true negative rates ({@code balanced_accuracy_score}; a class without examples
     * is left out of the mean). */
    BALANCED_ACCURACY,
    /** Matthews correlation coefficient ({@code matthews_corrcoef}). */
    MCC,
    /** Fraction of examples decided correctly. */
    ACCURACY;

    /**
     * Evaluates the metric.
     *
     * @param tp true positives
     * @param fp false positives
     * @param tn true negatives
     * @param fn false negatives
     * @return the metric; higher is better
     */
    public double of(long tp, long fp, long tn, long fn) {
        switch (this) {
            case F1:
                return ratio(2 * tp, 2 * tp + fp + fn);
            case ACCURACY:
                return ratio(tp + tn, tp + fp + tn + fn);
            case BALANCED_ACCURACY: {
                long pos = tp + fn, neg = tn + fp;
                if (pos == 0 || neg == 0) {
                    return pos == 0 ? ratio(tn, neg) : ratio(tp, pos);
                }
                return ((double) tp / pos + (double) tn / neg) / 2;
            }
            case MCC: {
                double den = Math.sqrt((double) (tp + fp) * (tp + fn)) * Math.sqrt((double) (tn + fp) * (tn + fn));
                return den == 0 ? 0 : ((double) tp * tn - (double) fp * fn) / den;
            }
            default:
                throw new AssertionError(this);
        }
    }

    /** The snake_case name used in files and options: {@code f1}, {@code balanced_accuracy}, {@code mcc}, {@code accuracy}. */
    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Parses a {@link #key()} (case-insensitive, {@code -} for {@code _} accepted).
     *
     * @throws IllegalArgumentException naming the accepted metrics
     */
    public static BinaryMetric parse(String s) {
        String k = s.strip().toLowerCase(java.util.Locale.ROOT).replace('-', '_');
        for (BinaryMetric m : values()) {
            if (m.key().equals(k)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown metric '" + s + "' to tune a threshold for; use f1, balanced_accuracy, mcc or accuracy");
    }

    private static double ratio(long num, long den) {
        return den == 0 ? 0 : (double) num / den;
    }
}
