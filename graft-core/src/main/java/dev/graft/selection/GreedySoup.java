package dev.graft.selection;

import dev.graft.artifact.WeightAveraging;
import dev.graft.tensor.io.TemporaryDirectory;
import dev.graft.util.Arguments;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The greedy model soup of Wortsman et al. 2022 ("Model soups: averaging weights of multiple fine-tuned models improves
 * accuracy without increasing inference time", Recipe 1): the ingredients — models fine-tuned from the same backbone —
 * are sorted by their validation score, best first; the soup starts as the best; each next ingredient is added when
 * the uniform average of the soup's ingredients and it scores no worse on validation than the soup did. The soup is
 * kept only when it has two or more ingredients and strictly beats the best single model; then it is written to the
 * output directory (through {@link WeightAveraging}), otherwise nothing is written.
 *
 * <p>Every score comes from the one {@link Scorer} — the single models' included — so the soup and the models are
 * measured alike; the figure and its direction are the task's ({@link ComparedMetric}). The mixtures tried on the way
 * are written to a temporary directory and removed.
 */
public final class GreedySoup {

    /** Scores a saved model on validation data. */
    @FunctionalInterface
    public interface Scorer {
        /** The validation figure of the model in {@code modelDir}. */
        double score(Path modelDir) throws IOException;
    }

    /**
     * A model that may go into the soup.
     *
     * @param name      how reports name it (e.g. a trial's id)
     * @param directory its saved model
     */
    public record Ingredient(String name, Path directory) {
    }

    /**
     * One mixture tried.
     *
     * @param added the ingredient tried with the soup so far
     * @param score the validation score of their average
     * @param kept  whether the ingredient stayed in the soup (the score got no worse)
     */
    public record Step(String added, double score, boolean kept) {
    }

    /**
     * How the soup came out.
     *
     * @param ranked     the ingredients with their own scores, best first
     * @param scores     their scores, in the same order
     * @param steps      the mixtures tried, in order
     * @param members    the ingredients in the final soup, best first
     * @param soupScore  the final soup's score (the best model's when nothing was added)
     * @param kept       whether the soup was written (two or more members and strictly better than the best model)
     * @param directory  the written soup, or null
     * @param reason     why it was kept or not, as a sentence
     */
    public record Result(List<Ingredient> ranked, List<Double> scores, List<Step> steps, List<String> members, double soupScore,
                         boolean kept, Path directory, String reason) {
        /** Copies the lists. */
        public Result {
            ranked = List.copyOf(ranked);
            scores = List.copyOf(scores);
            steps = List.copyOf(steps);
            members = List.copyOf(members);
        }

        /** The best single ingredient. */
        public Ingredient best() {
            return ranked.get(0);
        }

        /** The best single ingredient's score. */
        public double bestScore() {
            return scores.get(0);
        }
    }

    private GreedySoup() {
    }

    /**
     * Makes the greedy soup of {@code ingredients}.
     *
     * @param ingredients two or more models fine-tuned from the same backbone for the same task (checked when averaged)
     * @param metric      the validation figure and its direction
     * @param scorer      scores a saved model on validation
     * @param output      where the soup is written when it is kept: absent, empty or a Graft model
     * @throws IllegalArgumentException when fewer than two ingredients are given, or they cannot be averaged (naming
     *                                  what differs)
     */
    public static Result brew(List<Ingredient> ingredients, ComparedMetric metric, Scorer scorer, Path output) {
        if (ingredients.size() < 2) {
            throw new IllegalArgumentException("A soup needs two or more models (" + Arguments.name("model") + "), got "
                    + ingredients.size() + ".");
        }
        try {
            double[] own = new double[ingredients.size()];
            for (int i = 0; i < own.length; i++) {
                own[i] = checked(scorer.score(ingredients.get(i).directory()), ingredients.get(i).name());
            }
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < own.length; i++) {
                order.add(i);
            }
            // best first; ties keep the given order (stable sort)
            order.sort(Comparator.comparingDouble(i -> metric.higherIsBetter() ? -own[i] : own[i]));
            List<Ingredient> ranked = order.stream().map(ingredients::get).toList();
            List<Double> scores = order.stream().map(i -> own[i]).toList();

            List<Ingredient> soup = new ArrayList<>(List.of(ranked.get(0)));
            double soupScore = scores.get(0);
            List<Step> steps = new ArrayList<>();
            try (TemporaryDirectory scratch = TemporaryDirectory.create("graft-soup-")) {
                for (int k = 1; k < ranked.size(); k++) {
                    List<Ingredient> tried = new ArrayList<>(soup);
                    tried.add(ranked.get(k));
                    Path mixture = scratch.path().resolve("mixture-" + k);
                    WeightAveraging.average(tried.stream().map(Ingredient::directory).toList(), mixture);
                    double s = checked(scorer.score(mixture), "the soup with " + ranked.get(k).name());
                    boolean noWorse = metric.higherIsBetter() ? s >= soupScore : s <= soupScore;
                    steps.add(new Step(ranked.get(k).name(), s, noWorse));
                    if (noWorse) {
                        soup = tried;
                        soupScore = s;
                    }
                }
            }
            List<String> members = soup.stream().map(Ingredient::name).toList();
            double best = scores.get(0);
            boolean beats = metric.higherIsBetter() ? soupScore > best : soupScore < best;
            String reason;
            Path written = null;
            if (soup.size() < 2) {
                reason = String.format(Locale.ROOT, "rejected: no model could join %s without lowering validation %s (%s)",
                        ranked.get(0).name(), metric.name(), describe(steps));
            } else if (!beats) {
                reason = String.format(Locale.ROOT, "rejected: the soup of %s scores %.4f, no better than %s alone (%.4f)",
                        String.join("+", members), soupScore, ranked.get(0).name(), best);
            } else {
                WeightAveraging.average(soup.stream().map(Ingredient::directory).toList(), output);
                written = output;
                reason = String.format(Locale.ROOT, "kept: the soup of %s scores %.4f on validation %s, %s %.4f of %s alone",
                        String.join("+", members), soupScore, metric.name(), metric.higherIsBetter() ? "above" : "below", best,
                        ranked.get(0).name());
            }
            return new Result(ranked, scores, steps, members, soupScore, written != null, written, reason);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot make the soup of " + ingredients.stream().map(Ingredient::name).toList() + ": "
                    + e.getMessage(), e);
        }
    }

    private static double checked(double score, String what) {
        if (!Double.isFinite(score)) {
            throw new IllegalStateException("the scorer gave " + what + " the score " + score);
        }
        return score;
    }

    private static String describe(List<Step> steps) {
        List<String> parts = new ArrayList<>();
        for (Step s : steps) {
            parts.add(String.format(Locale.ROOT, "+%s: %.4f", s.added(), s.score()));
        }
        return String.join(", ", parts);
    }
}
