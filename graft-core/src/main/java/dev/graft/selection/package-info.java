/**
 * Model-selection decisions measured on the user's data: ranking candidate backbones by LogME
 * ({@link dev.graft.selection.BackboneRanking}), and comparing transfer strategies against a
 * random-initialisation baseline with a recommendation and a negative-transfer check
 * ({@link dev.graft.selection.StrategyComparison}, {@link dev.graft.selection.Recommendation}) on each task's figure
 * ({@link dev.graft.selection.ComparedMetric}, with {@link dev.graft.selection.BootstrapError} where the figure's
 * standard error has no closed form), and the cheaper
 * negative-transfer check of every text training run against a majority-class and a bag-of-words logistic-regression
 * baseline ({@link dev.graft.selection.TransferCheck}).
 */
package dev.graft.selection;
