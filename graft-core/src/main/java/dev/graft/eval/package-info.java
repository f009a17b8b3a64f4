/**
 * Model-independent classification metrics computed from integer class labels: a
 * {@link dev.graft.eval.ConfusionMatrix} and {@link dev.graft.eval.ClassificationMetrics} (accuracy, macro and
 * weighted precision/recall/F1 with scikit-learn's definitions and {@code zero_division=0}, per-class scores and
 * optional log loss), rendered as a snake_case map for JSON or as a plain-text table for terminals.
 */
package dev.graft.eval;
