package dev.graft.selection;

/**
 * What a {@link TransferCheck} concludes, by the gap rule of {@link Recommendation}: a difference in accuracy counts
 * only above the threshold {@link Recommendation#threshold max(margin, 2 standard errors)}.
 */
public enum TransferVerdict {
    /** The model beats the best cheap baseline by at least the threshold. */
    HELPS("helps"),
    /** The model is within the threshold of the best baseline, either side: the gap does not count. */
    UNCLEAR("unclear"),
    /** The best baseline beats the model by at least the threshold. */
    NEGATIVE("negative");

    private final String key;

    TransferVerdict(String key) {
        this.key = key;
    }

    /** The verdict's name in {@code metrics.json}: {@code helps}, {@code unclear} or {@code negative}. */
    public String key() {
        return key;
    }

    /**
     * The verdict on {@code gain}, the model's accuracy minus the best baseline's, against {@code threshold} (as in
     * {@link Recommendation}, a gain equal to the threshold counts).
     */
    public static TransferVerdict of(double gain, double threshold) {
        if (!(threshold >= 0) || Double.isNaN(gain)) {
            throw new IllegalArgumentException("need a gain and a threshold >= 0, got " + gain + " and " + threshold);
        }
        if (gain >= threshold) {
            return HELPS;
        }
        return gain <= -threshold ? NEGATIVE : UNCLEAR;
    }
}
