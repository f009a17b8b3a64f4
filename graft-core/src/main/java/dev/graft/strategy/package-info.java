/**
 * Transfer strategies. Each turns a pretrained model and labelled splits into a trained
 * {@link dev.graft.artifact.TextClassifier}: {@link dev.graft.strategy.FeatureExtraction} (frozen
 * backbone, cached embeddings, new head) first.
 */
package dev.graft.strategy;
