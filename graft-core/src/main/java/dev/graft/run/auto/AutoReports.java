package dev.graft.run.auto;

import dev.graft.report.AutoReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The report content of an auto run: its summary, the winner's reasons, the plan's rules and a row per candidate. */
final class AutoReports {

    private AutoReports() {
    }

    static AutoReport.Content of(AutoResult r, String modality, double limitSeconds, int train, int val) {
        Candidate w = r.winner();
        List<String> summary = new ArrayList<>();
        String m = r.metric().name();
        summary.add(String.format(Locale.ROOT, "winner: %s (%s, %s), validation %s %.4f%s", w.id(), w.backbone(),
                stage(w.stage()), m, w.score(), w.testAccuracy() == null ? "" : String.format(Locale.ROOT, ", test %s %.4f", m, w.testAccuracy())));
        summary.add(String.format(Locale.ROOT, "%s: %d training, %d validation examples; models compared on %s (%s is better)",
                modality, train, val, m, r.metric().higherIsBetter() ? "higher" : "lower"));
        summary.add(String.format(Locale.ROOT, "time limit %.0f s; this run took %.1f s; the plan's estimates add up to %.0f s",
                limitSeconds, r.seconds(), r.plannedSeconds()));
        summary.add("planned at " + r.calibration().describe() + " (recorded in the journal; a resumed run plans with it)");
        if (w.settings().containsKey("max_train")) {
            summary.add("the winner was trained on a subsample of " + w.settings().get("max_train") + " training-file rows: " + w.note());
        }
        summary.add("saved to " + r.model() + " (load it with graft predict or graft serve)");
        List<List<String>> rows = new ArrayList<>();
        int winner = -1;
        for (Candidate c : r.candidates()) {
            if (c.id().equals(w.id())) {
                winner = rows.size();
            }
            rows.add(List.of(c.id(), c.backbone(), stage(c.stage()), settings(c.settings()), num(c.estimatedSeconds(), "%.0f"),
                    num(c.seconds(), "%.1f"), c.status().name().toLowerCase(Locale.ROOT),
                    c.score() == null ? "" : String.format(Locale.ROOT, "%.4f", c.score()),
                    c.testAccuracy() == null ? "" : String.format(Locale.ROOT, "%.4f", c.testAccuracy()), c.note() == null ? "" : c.note()));
        }
        List<String> rules = List.of(
                "Rank: LogME of each candidate backbone's frozen features on a stratified sample of " + AutoRun.RANK_SAMPLE
                        + " training examples, within " + (int) (100 * AutoRun.RANK_SHARE) + "% of the limit (score column: LogME).",
                "Feature extraction: a head solved in closed form (cross-validated logistic regression) on the best-ranked"
                        + " backbones whose estimated cost fits, at most " + AutoRun.FEATURE_BACKBONES + " (score: the task's figure on"
                        + " validation: accuracy, multi-label macro-F1 or regression RMSE).",
                "Fine-tuning of the best feature-extraction backbone: trials of " + AutoRun.TRIAL_EPOCHS + " epochs, the first"
                        + " with the default learning rates, then TPE, median pruning; as many as fit, none when feature extraction"
                        + " leaves less room than fine-tuning would need to win.",
                "Soup: with two or more finished trials, their weights are averaged greedily (best first, each next trial"
                        + " joins when the validation figure does not get worse); the soup is a candidate only when it beats the best"
                        + " trial alone.",
                "Winner: graft compare's rule on the task's figure on validation, in its direction: fine-tuning must beat"
                        + " feature extraction by more than max(2 points, 2 standard errors) (other figures than accuracy: the margin,"
                        + " 0.02 in the figure's units), the margin doubled below 1,000 training examples.",
                "Every decision uses the estimated costs (tokens or pixels times fixed rates, times the speed factor a probe of "
                        + AutoRun.PROBE_EXAMPLES + " examples measured at the start, rounded to a power of sqrt 2), never the measured"
                        + " time of a candidate, so the same data, limit, seed and factor give the same candidates; measured speed only"
                        + " keeps the limit (status interrupted), and a rerun with the same arguments continues from the journal with"
                        + " the recorded factor.",
                "A first model always: when feature extraction on all the training data does not fit, the cheapest backbone"
                        + " is trained on a seeded, stratified subsample sized to fit (its note says so).");
        return new AutoReport.Content("graft auto", summary, r.reasons(), rules, List.of("candidate", "backbone", "strategy", "settings",
                "estimated s", "seconds", "status", "score", "test " + r.metric().name(), "note"), rows, winner);
    }

    private static String stage(Candidate.Stage s) {
        return switch (s) {
            case RANK -> "LogME ranking";
            case FEATURE_EXTRACTION -> "feature extraction";
            case FINE_TUNE -> "fine-tune";
            case SOUP -> "greedy soup";
        };
    }

    private static String settings(Map<String, Object> m) {
        List<String> parts = new ArrayList<>();
        new TreeMap<>(m).forEach((k, v) -> parts.add(k + "=" + (v instanceof Double d ? String.format(Locale.ROOT, "%.3g", d) : v)));
        return String.join(", ", parts);
    }

    private static String num(double v, String format) {
        return String.format(Locale.ROOT, format, v);
    }
}
