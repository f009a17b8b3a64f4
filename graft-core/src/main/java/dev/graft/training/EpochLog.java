package dev.graft.training;

/**
 * What happened in one epoch.
 *
 * @param epoch        1-based epoch number
 * @param trainLoss    mean training cross-entropy over the epoch
 * @param valLoss      validation cross-entropy
 * @param valAccuracy  validation accuracy
 * @param valMacroF1   validation macro-F1
 * @param learningRate base learning rate at the end of the epoch
 * @param seconds      wall time of the epoch including validation
 * @param improved     whether this epoch became the best so far on the monitored metric
 */
public record EpochLog(int epoch, double trainLoss, double valLoss, double valAccuracy, double valMacroF1,
                       double learningRate, double seconds, boolean improved) {
}
