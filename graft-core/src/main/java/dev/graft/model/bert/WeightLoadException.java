package dev.graft.model.bert;

/** Thrown by a strict load when tensors are missing, unexpected or mis-shaped; carries the full report. */
public final class WeightLoadException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final transient LoadReport report;

    /** An exception describing {@code report}. */
    public WeightLoadException(LoadReport report) {
        super("Weights do not match the model: " + report);
        this.report = report;
    }

    /** The full report. */
    public LoadReport report() {
        return report;
    }
}
