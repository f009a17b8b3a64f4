package dev.graft.tracking;

/**
 * One logged value of a metric.
 *
 * @param timestamp milliseconds since the epoch
 * @param value     the value
 * @param step      the step (Graft logs per-epoch metrics with step = epoch)
 */
public record MetricPoint(long timestamp, double value, long step) {
}
