/**
 * Unsupervised domain adaptation on frozen embeddings: CORAL, DAN-style multi-kernel MMD and DANN
 * (gradient reversal), with a source-only baseline and the proxy A-distance between domains.
 */
package dev.graft.strategy.adapt;
