package dev.graft.training;

import java.util.Map;

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
 * @param trainable    trainable parameters in this epoch
 * @param drift        relative L2 distance of each backbone layer group from its pretrained
 *                     weights ({@code ‖w − w₀‖ / ‖w₀‖}); empty when the backbone is not monitored
 * @param valMetrics   every named validation figure of the task (classification: accuracy, macro_f1, ...;
 *                     multi-label: micro_f1, map, ...; regression: pearson, rmse, ...)
 */
public record EpochLog(int epoch, double trainLoss, double valLoss, double valAccuracy, double valMacroF1,
                       double learningRate, double seconds, boolean improved, long trainable, Map<String, Double> drift,
                       Map<String, Double> valMetrics) {

    /** Copies the maps. */
    public EpochLog {
        drift = drift == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(drift));
        valMetrics = valMetrics == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(valMetrics));
    }

    /** A classification epoch: its named metrics are accuracy and macro-F1. */
    public EpochLog(int epoch, double trainLoss, double valLoss, double valAccuracy, double valMacroF1,
                    double learningRate, double seconds, boolean improved, long trainable, Map<String, Double> drift) {
        this(epoch, trainLoss, valLoss, valAccuracy, valMacroF1, learningRate, seconds, improved, trainable, drift, null);
    }
}
