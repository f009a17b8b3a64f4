package dev.graft.task;

/**
 * Choices about the task that the data does not say.
 *
 * @param balancedClassWeights weight each class's loss by {@code n / (classes · count)} (classification; for
 *                             imbalanced data, as scikit-learn's {@code class_weight="balanced"})
 * @param targetName           the name of a regression target (in predictions and metrics)
 * @param huberDelta           regression: Huber loss with this delta on the standardised target, or 0 for squared error
 */
public record TaskOptions(boolean balancedClassWeights, String targetName, double huberDelta) {

    /** Validates the Huber delta and the name. */
    public TaskOptions {
        if (!(huberDelta >= 0) || Double.isInfinite(huberDelta)) {
            throw new IllegalArgumentException("huberDelta must be a number ≥ 0 (0 = squared error), got " + huberDelta);
        }
        if (targetName == null || targetName.isBlank()) {
            targetName = Tasks.DEFAULT_TARGET_NAME;
        }
    }

    /** No class weights, target named {@value Tasks#DEFAULT_TARGET_NAME}, squared error. */
    public static TaskOptions defaults() {
        return new TaskOptions(false, Tasks.DEFAULT_TARGET_NAME, 0);
    }

    /** With balanced class weights on or off. */
    public TaskOptions withBalancedClassWeights(boolean v) {
        return new TaskOptions(v, targetName, huberDelta);
    }

    /** With the regression target's name. */
    public TaskOptions withTargetName(String v) {
        return new TaskOptions(balancedClassWeights, v, huberDelta);
    }

    /** With the Huber delta (0: squared error). */
    public TaskOptions withHuberDelta(double v) {
        return new TaskOptions(balancedClassWeights, targetName, v);
    }
}
