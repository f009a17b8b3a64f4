package dev.graft.run.auto;

import dev.graft.selection.ComparedMetric;
import dev.graft.selection.Recommendation;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Picks the winner among the finished models by {@code graft compare}'s rule ({@link Recommendation}), on the task's
 * compared figure on validation ({@link ComparedMetric}: accuracy, multi-label macro-F1, regression RMSE) in its
 * direction: the best feature-extraction model, unless the best fine-tuned model (a trial, or the kept soup of
 * trials) beats it by more than the gap that
 * counts — {@code max(margin, 2 standard errors)} on the validation split for accuracy, the margin alone for the other
 * figures (their standard error needs a bootstrap over predictions the candidates do not keep), the margin doubled
 * below {@value Recommendation#SMALL_DATA} training examples. Ties go to the earlier (cheaper) candidate.
 *
 * @param winner  the model kept
 * @param reasons the rule's steps, as sentences
 */
record WinnerRule(Candidate winner, List<String> reasons) {

    /** The gain fine-tuning must show over feature extraction scoring {@code score} on {@code metric}. */
    static double needed(ComparedMetric metric, double score, int valExamples, int trainExamples) {
        double margin = Recommendation.DEFAULT_MARGIN * metric.unit();
        double se2 = metric.bootstrapped() ? 0 : Recommendation.twoStandardErrors(score, valExamples);
        return trainExamples < Recommendation.SMALL_DATA ? Math.max(2 * margin, se2) : Math.max(margin, se2);
    }

    /** Applies the rule to {@code candidates} (in plan order) on accuracy. */
    static WinnerRule of(List<Candidate> candidates, int valExamples, int trainExamples) {
        return of(candidates, valExamples, trainExamples, ComparedMetric.ACCURACY);
    }

    /** Applies the rule to {@code candidates} (in plan order) on {@code metric}. */
    static WinnerRule of(List<Candidate> candidates, int valExamples, int trainExamples, ComparedMetric metric) {
        List<String> reasons = new ArrayList<>();
        Optional<Candidate> fe = best(candidates, Candidate.Stage.FEATURE_EXTRACTION, metric);
        Optional<Candidate> trial = best(candidates, Candidate.Stage.FINE_TUNE, metric);
        Optional<Candidate> soup = best(candidates, Candidate.Stage.SOUP, metric);
        Optional<Candidate> ft = soup.isPresent() && (trial.isEmpty() || metric.gain(soup.get().score(), trial.get().score()) > 0)
                ? soup : trial;
        if (fe.isEmpty() && ft.isEmpty()) {
            throw new IllegalStateException("No model candidate finished inside the " + dev.graft.util.Arguments.name("timeLimit")
                    + ", so there is no model to keep (see the candidates' notes: the machine ran slower than the estimates)."
                    + " Give a longer " + dev.graft.util.Arguments.name("timeLimit") + " or fewer training examples ("
                    + dev.graft.util.Arguments.name("maxTrain") + "); a rerun with the same arguments continues from the journal.");
        }
        if (fe.isEmpty()) {
            reasons.add("no feature-extraction model finished; the best fine-tuned model is kept: " + ft.get().id());
            return new WinnerRule(ft.get(), reasons);
        }
        Candidate f = fe.get();
        reasons.add(String.format(Locale.ROOT, "feature extraction: %s has the best validation %s, %.4f", f.id(), metric.name(), f.score()));
        if (ft.isEmpty()) {
            reasons.add("no fine-tuned model finished, so feature extraction wins");
            return new WinnerRule(f, reasons);
        }
        Candidate t = ft.get();
        double need = needed(metric, f.score(), valExamples, trainExamples);
        double gap = metric.gain(t.score(), f.score());
        boolean pays = gap > need;
        reasons.add(String.format(Locale.ROOT, "fine-tuning: %s scores %.4f, %s over feature extraction; %d training"
                + " examples%s need more than %s (graft compare's rule) → %s", t.id(), t.score(), metric.format(gap, true), trainExamples,
                trainExamples < Recommendation.SMALL_DATA ? " (small data: doubled margin)" : "", metric.format(need, false),
                pays ? "fine-tuning pays" : "it does not pay; the cheaper feature-extraction model wins"));
        return new WinnerRule(pays ? t : f, reasons);
    }

    /** The best model of {@code stage} on {@code metric}; the earlier one on a tie. */
    static Optional<Candidate> best(List<Candidate> candidates, Candidate.Stage stage, ComparedMetric metric) {
        Candidate best = null;
        for (Candidate c : candidates) {
            if (c.isModel() && c.stage() == stage && (best == null || metric.gain(c.score(), best.score()) > 0)) {
                best = c;
            }
        }
        return Optional.ofNullable(best);
    }
}
