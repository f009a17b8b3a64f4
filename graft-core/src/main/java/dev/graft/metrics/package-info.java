/**
 * Metrics from labels, scores and values, independent of any model, with scikit-learn's definitions:
 * single-label classification ({@link dev.graft.metrics.ClassificationMetrics}), multi-label classification
 * ({@link dev.graft.metrics.MultiLabelMetrics}), binary ranking (ROC-AUC, average precision and their curves,
 * {@link dev.graft.metrics.RankingMetrics}), regression ({@link dev.graft.metrics.RegressionMetrics}), decision
 * thresholds tuned on validation data ({@link dev.graft.metrics.ThresholdTuning}), entity-level scores
 * ({@link dev.graft.metrics.EntityMetrics}), SQuAD EM/F1 ({@link dev.graft.metrics.SquadMetrics}) and LogME. The
 * subpackage {@code linear} holds the linear baselines fitted on frozen features. Used by training (validation) and
 * evaluation alike.
 */
package dev.graft.metrics;
