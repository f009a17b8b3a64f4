package dev.graft.strategy.fewshot;

import java.util.Locale;

/**
 * Accuracy over episodes.
 *
 * @param spec       the episodes' shape
 * @param accuracies accuracy of each episode, in sampling order
 * @param mean       mean accuracy
 * @param sd         sample standard deviation of the episode accuracies
 * @param ci95       half-width of the 95% confidence interval of the mean, 1.96·sd/√episodes
 */
public record EpisodicResult(EpisodeSpec spec, double[] accuracies, double mean, double sd, double ci95) {

    /** Summarises episode accuracies. */
    public static EpisodicResult of(EpisodeSpec spec, double[] accuracies) {
        int n = accuracies.length;
        double mean = 0;
        for (double a : accuracies) {
            mean += a;
        }
        mean /= n;
        double ss = 0;
        for (double a : accuracies) {
            ss += (a - mean) * (a - mean);
        }
        double sd = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
        return new EpisodicResult(spec, accuracies.clone(), mean, sd, 1.96 * sd / Math.sqrt(n));
    }

    /** e.g. {@code 5-way 1-shot: 71.23% ± 0.85% (95% CI, 600 episodes, 15 queries/class)}. */
    public String summary() {
        return String.format(Locale.ROOT, "%d-way %d-shot: %.2f%% ± %.2f%% (95%% CI, %d episodes, %d queries/class)", spec.way(),
                spec.shot(), 100 * mean, 100 * ci95, spec.episodes(), spec.queries());
    }
}
