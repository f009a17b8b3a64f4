package dev.graft.run.auto;

import dev.graft.selection.Recommendation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Picks the winner among the finished models by {@code graft compare}'s rule ({@link Recommendation}), on validation
 * accuracy: the best feature-extraction model, unless the best fine-tuned model (a trial, or the kept soup of trials) beats it by more
 * than the gap that counts — {@code max(margin, 2 standard errors)} on the validation split, the margin doubled below
 * {@value Recommendation#SMALL_DATA} training examples. Ties go to the earlier (cheaper) candidate.
 *
 * @param winner  the model kept
 * @param reasons the rule's steps, as sentences
 */
record WinnerRule(Candidate winner, List<String> reasons) {

    /** The gain fine-tuning must show over feature extraction at validation accuracy {@code accuracy}. */
    static double needed(double accuracy, int valExamples, int trainExamples) {
        double margin = Recommendation.DEFAULT_MARGIN;
        double se2 = Recommendation.twoStandardErrors(accuracy, valExamples);
        return trainExamples < Recommendation.SMALL_DATA ? Math.max(2 * margin, se2) : Math.max(margin, se2);
    }

    /** Applies the rule to {@code candidates} (in plan order). */
    static WinnerRule of(List<Candidate> candidates, int valExamples, int trainExamples) {
        List<String> reasons = new ArrayList<>();
        Optional<Candidate> fe = best(candidates, Candidate.Stage.FEATURE_EXTRACTION);
        Optional<Candidate> ft = candidates.stream().filter(Candidate::isModel)
                .filter(c -> c.stage() == Candidate.Stage.FINE_TUNE || c.stage() == Candidate.Stage.SOUP)
                .max(Comparator.comparingDouble(Candidate::score).thenComparing(c -> -candidates.indexOf(c)));
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
        reasons.add(String.format(Locale.ROOT, "feature extraction: %s has the best validation accuracy, %.4f", f.id(), f.score()));
        if (ft.isEmpty()) {
            reasons.add("no fine-tuned model finished, so feature extraction wins");
            return new WinnerRule(f, reasons);
        }
        Candidate t = ft.get();
        double need = needed(f.score(), valExamples, trainExamples);
        double gap = t.score() - f.score();
        boolean pays = gap > need;
        reasons.add(String.format(Locale.ROOT, "fine-tuning: %s scores %.4f, %+.1f points over feature extraction; %d training"
                + " examples%s need more than %.1f points (graft compare's rule) → %s", t.id(), t.score(), 100 * gap, trainExamples,
                trainExamples < Recommendation.SMALL_DATA ? " (small data: doubled margin)" : "", 100 * need,
                pays ? "fine-tuning pays" : "it does not pay; the cheaper feature-extraction model wins"));
        return new WinnerRule(pays ? t : f, reasons);
    }

    private static Optional<Candidate> best(List<Candidate> candidates, Candidate.Stage stage) {
        Candidate best = null;
        for (Candidate c : candidates) {
            if (c.isModel() && c.stage() == stage && (best == null || c.score() > best.score())) {
                best = c;
            }
        }
        return Optional.ofNullable(best);
    }
}
