package dev.graft.task;

/**
 * Choices about the task that the data does not say.
 *
 * @param balancedClassWeights weight each class's loss by {@code n / (classes · count)} (classification; for
 *                             imbalanced data, as scikit-learn's {@code class_weight="balanced"})
 * @param targetName           the name of a regression target (in predictions and metrics)
 * @param huberDelta           regression: Huber loss with this delta on the standardised target, or 0 for squared error
 * @param positiveLabel        two-class classification: the positive class, or {@code null} for the second class
 * @param decisionThreshold    two-class classification: how the positive class is decided (argmax, a given threshold,
 *                             or one to tune on validation)
 */
public record TaskOptions(boolean balancedClassWeights, String targetName, double huberDelta, String positiveLabel,
                          DecisionThreshold decisionThreshold) {

    /** Validates the Huber delta and the name. */
    public TaskOptions {
        if (decisionThreshold == null) {
            decisionThreshold = DecisionThreshold.NONE;
        }
        if (!(huberDelta >= 0) || Double.isInfinite(huberDelta)) {
            throw new IllegalArgumentException("huberDelta must be a number ≥ 0 (0 = squared error), got " + huberDelta);
        }
        if (targetName == null || targetName.isBlank()) {
            targetName = Tasks.DEFAULT_TARGET_NAME;
        }
    }

    /** Options without a positive label or decision threshold. */
    public TaskOptions(boolean balancedClassWeights, String targetName, double huberDelta) {
        this(balancedClassWeights, targetName, huberDelta, null, DecisionThreshold.NONE);
    }

    /** No class weights, target named {@value Tasks#DEFAULT_TARGET_NAME}, squared error. */
    public static TaskOptions defaults() {
        return new TaskOptions(false, Tasks.DEFAULT_TARGET_NAME, 0);
    }

    /** With balanced class weights on or off. */
    public TaskOptions withBalancedClassWeights(boolean v) {
        return new TaskOptions(v, targetName, huberDelta, positiveLabel, decisionThreshold);
    }

    /** With the regression target's name. */
    public TaskOptions withTargetName(String v) {
        return new TaskOptions(balancedClassWeights, v, huberDelta, positiveLabel, decisionThreshold);
    }

    /** With the positive class of a two-class task ({@code null}: the second class). */
    public TaskOptions withPositiveLabel(String v) {
        return new TaskOptions(balancedClassWeights, targetName, huberDelta, v, decisionThreshold);
    }

    /** With the decision rule of a two-class task. */
    public TaskOptions withDecisionThreshold(DecisionThreshold v) {
        return new TaskOptions(balancedClassWeights, targetName, huberDelta, positiveLabel, v);
    }

    /** With the Huber delta (0: squared error). */
    public TaskOptions withHuberDelta(double v) {
        return new TaskOptions(balancedClassWeights, targetName, v, positiveLabel, decisionThreshold);
    }
}
