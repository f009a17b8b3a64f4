package dev.graft.cli;

import java.util.Locale;
import java.util.Map;

/** The run-output line with the trained share of the model and the peak memory, read from {@code metrics.json}'s values. */
final class ParameterLine {

    private ParameterLine() {
    }

    /** E.g. {@code Trainable parameters: 74,498 of 22,640,642 (0.33%)   peak RSS: 1,874 MiB}. */
    static String of(Map<String, Object> metrics) {
        StringBuilder sb = new StringBuilder();
        Object trainable = metrics.get("trainable_parameters");
        Object total = metrics.get("total_parameters");
        if (trainable instanceof Number t) {
            sb.append(String.format(Locale.ROOT, "Trainable parameters: %,d", t.longValue()));
            if (total instanceof Number n && n.longValue() > 0) {
                sb.append(String.format(Locale.ROOT, " of %,d (%.2f%%)", n.longValue(), 100.0 * t.longValue() / n.longValue()));
            }
        }
        if (metrics.get("peak_rss_mb") instanceof Number mb) {
            sb.append(String.format(Locale.ROOT, "%speak RSS: %,d MiB", sb.length() > 0 ? "   " : "", mb.longValue()));
        }
        return sb.toString();
    }
}
