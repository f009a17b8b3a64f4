package dev.graft.tracking;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A run read back from a file store.
 *
 * @param experimentId   its experiment's id
 * @param experimentName its experiment's name
 * @param runId          the run id
 * @param runName        the run name
 * @param status         its state
 * @param startTime      start, milliseconds since the epoch
 * @param endTime        end, when ended
 * @param artifactUri    where its artefacts are
 * @param userId         who ran it
 * @param params         parameters, sorted by key
 * @param tags           tags, sorted by key
 * @param metrics        every metric's history in file order, sorted by key
 */
public record StoredRun(String experimentId, String experimentName, String runId, String runName, RunStatus status,
                        long startTime, Optional<Long> endTime, String artifactUri, String userId,
                        Map<String, String> params, Map<String, String> tags, Map<String, List<MetricPoint>> metrics) {

    /**
     * A metric's latest value as MLflow reports it: the entry with the largest (step, timestamp, value).
     *
     * @return the value, or empty when the metric was never logged
     */
    public OptionalDouble latest(String metric) {
        List<MetricPoint> history = metrics.get(metric);
        if (history == null || history.isEmpty()) {
            return OptionalDouble.empty();
        }
        MetricPoint best = history.get(0);
        for (MetricPoint p : history) {
            int c = Long.compare(p.step(), best.step());
            if (c == 0) {
                c = Long.compare(p.timestamp(), best.timestamp());
            }
            if (c == 0) {
                c = Double.compare(p.value(), best.value());
            }
            if (c > 0) {
                best = p;
            }
        }
        return OptionalDouble.of(best.value());
    }

    /** Run time in seconds, when ended. */
    public OptionalDouble durationSeconds() {
        return endTime.map(e -> OptionalDouble.of((e - startTime) / 1000.0)).orElse(OptionalDouble.empty());
    }
}
