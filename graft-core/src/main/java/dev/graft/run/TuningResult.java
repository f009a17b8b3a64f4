package dev.graft.run;

import dev.graft.metrics.TaskMetrics;
import dev.graft.report.HtmlReport;
import dev.graft.tuning.SearchSpace;
import dev.graft.tuning.Trial;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a hyper-parameter search found: every trial of the study (this process's and earlier ones'), the best, the
 * objective (a validation metric and its direction), the best model's and the default settings' scores, and where the
 * best model and the run record went.
 *
 * @param trials            every trial, by number
 * @param best              the best complete trial
 * @param metric            the objective: the validation metric monitored (e.g. {@code macro_f1}, {@code loss})
 * @param higherIsBetter    the metric's direction
 * @param space             the search space
 * @param bestValidation    the best model's validation metrics
 * @param bestTest          its test metrics, when there is a test split
 * @param defaultValidation the default settings' validation metrics (trained once more for comparison)
 * @param defaultTest       their test metrics, when there is a test split
 * @param bestModel         the saved best model's directory
 * @param trackingRunId     the tracking run, when one was recorded
 * @param trackingLocation  where the tracking run is (a folder or server)
 * @param totalSeconds      wall time of this invocation
 */
public record TuningResult(List<Trial> trials, Trial best, String metric, boolean higherIsBetter, SearchSpace space,
                           TaskMetrics bestValidation, Optional<TaskMetrics> bestTest, TaskMetrics defaultValidation,
                           Optional<TaskMetrics> defaultTest, Path bestModel, Optional<String> trackingRunId,
                           String trackingLocation, double totalSeconds) {

    /** Copies the trial list. */
    public TuningResult {
        trials = List.copyOf(trials);
    }

    /** The best trial's score in the objective's metric (as the metric reads). */
    public double bestScore() {
        return score(best).orElseThrow();
    }

    /** A trial's final score in the metric's own sign, if it completed. */
    public Optional<Double> score(Trial trial) {
        return trial.value().isPresent() ? Optional.of(sign() * trial.value().getAsDouble()) : Optional.empty();
    }

    /** The best trial's settings. */
    public Map<String, Object> bestParams() {
        return best.params();
    }

    /** Trials in {@code state}. */
    public long count(Trial.State state) {
        return trials.stream().filter(t -> t.state() == state).count();
    }

    private double sign() {
        return higherIsBetter ? 1 : -1;
    }

    /** The trial table, as printed, saved in the best model's report and recorded as {@code trials.tsv}. */
    public HtmlReport.Table table() {
        return table(trials, space, metric, higherIsBetter ? 1 : -1, best);
    }

    static HtmlReport.Table table(List<Trial> all, SearchSpace space, String metric, double sign, Trial best) {
        List<String> headers = new ArrayList<>(List.of("trial", "state", "validation " + metric, "epochs", "seconds"));
        space.dimensions().forEach(d -> headers.add(d.name()));
        List<List<String>> rows = new ArrayList<>();
        for (Trial t : all) {
            List<String> row = new ArrayList<>(List.of(t.number() + (t.number() == best.number() ? " (best)" : ""), t.state().name(),
                    t.value().isPresent() ? String.format(Locale.ROOT, "%.4f", sign * t.value().getAsDouble())
                            : t.intermediate().isEmpty() ? "" : String.format(Locale.ROOT, "(%.4f)", sign * t.intermediate().get(t.intermediate().lastKey())),
                    Integer.toString(t.intermediate().isEmpty() ? 0 : t.intermediate().lastKey()), String.format(Locale.ROOT, "%.1f", t.seconds())));
            space.dimensions().forEach(d -> row.add(format(t.params().get(d.name()))));
            rows.add(row);
        }
        long pruned = all.stream().filter(t -> t.state() == Trial.State.PRUNED).count();
        return new HtmlReport.Table("Hyperparameter search (" + all.size() + " trials, " + pruned + " pruned)",
                "Search space: " + space.spec() + ". A pruned trial's value in parentheses is its last reported one.", headers, rows);
    }

    /** A setting's value as tables show it (doubles to 4 significant digits). */
    public static String format(Object value) {
        return value instanceof Double x ? String.format(Locale.ROOT, "%.4g", x) : String.valueOf(value);
    }

    /** Settings as {@code name=value} words. */
    public static String format(Map<String, Object> params) {
        List<String> parts = new ArrayList<>();
        params.forEach((k, v) -> parts.add(k + "=" + format(v)));
        return String.join(" ", parts);
    }
}
