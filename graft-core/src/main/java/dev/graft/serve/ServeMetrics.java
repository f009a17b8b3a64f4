package dev.graft.serve;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server's figures in Prometheus' text format ({@link #render}): requests by path and status, the latency of
 * predictions and the sizes of batches as histograms, requests in flight. Written here rather than with a metrics
 * library: four metric families in the text format are a few lines, and a client library would be one more
 * dependency for every user of graft-core.
 */
public final class ServeMetrics {

    private static final double[] LATENCY_BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    private static final double[] BATCH_BUCKETS = {1, 2, 4, 8, 16, 32, 64, 128, 256};

    private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
    private final Histogram latency = new Histogram(LATENCY_BUCKETS);
    private final Histogram batches = new Histogram(BATCH_BUCKETS);
    private final AtomicInteger inflight = new AtomicInteger();

    /** Counts a finished request. */
    public void request(String path, int status, double seconds) {
        requests.computeIfAbsent(path + "\u0000" + status, k -> new LongAdder()).increment();
        if ("/v1/predict".equals(path)) {
            latency.observe(seconds);
        }
    }

    /** Counts a predicted batch of {@code size} inputs. */
    public void batch(int size) {
        batches.observe(size);
    }

    /** The requests in flight, changed as they start and end. */
    public AtomicInteger inflight() {
        return inflight;
    }

    /** The number of finished requests with this path and status. */
    public long requests(String path, int status) {
        LongAdder a = requests.get(path + "\u0000" + status);
        return a == null ? 0 : a.sum();
    }

    /** Every figure in Prometheus' text exposition format (version 0.0.4). */
    public String render(int queued) {
        StringBuilder b = new StringBuilder();
        b.append("# HELP graft_requests_total HTTP requests finished, by path and status.\n")
                .append("# TYPE graft_requests_total counter\n");
        new TreeMap<>(requests).forEach((k, v) -> {
            String[] parts = k.split("\u0000");
            b.append("graft_requests_total{path=\"").append(parts[0]).append("\",status=\"").append(parts[1]).append("\"} ")
                    .append(v.sum()).append('\n');
        });
        latency.render(b, "graft_request_duration_seconds", "Time to answer POST /v1/predict, in seconds.");
        batches.render(b, "graft_batch_size", "Inputs predicted together in one model call.");
        b.append("# HELP graft_inflight_requests Requests being answered now.\n# TYPE graft_inflight_requests gauge\n")
                .append("graft_inflight_requests ").append(inflight.get()).append('\n');
        b.append("# HELP graft_queued_inputs Inputs waiting for a batch.\n# TYPE graft_queued_inputs gauge\n")
                .append("graft_queued_inputs ").append(queued).append('\n');
        return b.toString();
    }

    /** A cumulative histogram with fixed upper bounds. */
    private static final class Histogram {
        private final double[] bounds;
        private final AtomicLongArray counts;
        private final DoubleAdder sum = new DoubleAdder();
        private final LongAdder count = new LongAdder();

        Histogram(double[] bounds) {
            this.bounds = bounds;
            this.counts = new AtomicLongArray(bounds.length);
        }

        void observe(double v) {
            for (int i = 0; i < bounds.length; i++) {
                if (v <= bounds[i]) {
                    counts.incrementAndGet(i);
                    break;
                }
            }
            sum.add(v);
            count.increment();
        }

        void render(StringBuilder b, String name, String help) {
            b.append("# HELP ").append(name).append(' ').append(help).append('\n')
                    .append("# TYPE ").append(name).append(" histogram\n");
            long cumulative = 0;
            for (int i = 0; i < bounds.length; i++) {
                cumulative += counts.get(i);
                b.append(name).append("_bucket{le=\"").append(format(bounds[i])).append("\"} ").append(cumulative).append('\n');
            }
            b.append(name).append("_bucket{le=\"+Inf\"} ").append(count.sum()).append('\n')
                    .append(name).append("_sum ").append(format(sum.sum())).append('\n')
                    .append(name).append("_count ").append(count.sum()).append('\n');
        }

        private static String format(double v) {
            return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.format(Locale.ROOT, "%s", v);
        }
    }
}
