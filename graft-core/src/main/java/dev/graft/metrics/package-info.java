/**
 * Classification metrics from integer labels, independent of any model: accuracy, macro and
 * weighted precision/recall/F1 (scikit-learn's definitions, zero_division=0), per-class figures,
 * confusion matrix, log loss. Used by training (validation) and evaluation alike.
 */
package dev.graft.metrics;
