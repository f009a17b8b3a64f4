/**
 * Model-selection decisions measured on the user's data: ranking candidate backbones by LogME
 * ({@link dev.graft.selection.BackboneRanking}), and comparing transfer strategies against a
 * random-initialisation baseline with a recommendation and a negative-transfer check
 * ({@link dev.graft.selection.StrategyComparison}, {@link dev.graft.selection.Recommendation}).
 */
package dev.graft.selection;
