package dev.graft.training;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Where the range test's suggestion lands on curves of known shape. */
class LrFinderSuggestionTest {

    private static List<Double> rates(int n) {
        List<Double> lrs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            lrs.add(1e-7 * Math.pow(10 / 1e-7, i / (double) (n - 1)));
        }
        return lrs;
    }

    @Test
    void aNoisyDropInTheFirstStepsDoesNotDrawTheSuggestionWhileTheLossKeepsFalling() {
        // The feature-extraction curve users saw: a sharp noisy dip at the first steps (bias-corrected smoothing of a
        // few losses), then a long, steady descent over decades of learning rate, then divergence.
        List<Double> lrs = rates(100);
        List<Double> losses = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            double loss = i < 60 ? 2.0 : i < 85 ? 2.0 - 1.5 * (i - 60) / 25.0 : 0.5 + 0.4 * (i - 85);
            if (i == 1) {
                loss = 1.9; // steepest single step of the whole curve, at 1.7e-7
            } else if (i > 1 && i < 60) {
                loss = 1.95 + 0.001 * (i % 3);
            }
            losses.add(loss);
        }
        double s = LrFinder.suggest(lrs, losses);
        assertTrue(s > lrs.get(60) && s < lrs.get(85), "suggested " + s + ", expected inside the descent between "
                + lrs.get(60) + " and " + lrs.get(85));
    }

    @Test
    void aCleanValleyGivesARateBelowTheMinimum() {
        List<Double> lrs = rates(100);
        List<Double> losses = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            double x = (i - 70) / 15.0;
            losses.add(1 + x * x);
        }
        double s = LrFinder.suggest(lrs, losses);
        assertTrue(s < lrs.get(70) && s > lrs.get(20), "suggested " + s);
    }
}
