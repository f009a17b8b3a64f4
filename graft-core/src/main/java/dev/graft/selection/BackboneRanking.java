package dev.graft.selection;

import dev.graft.data.DatasetSplits;
import dev.graft.data.image.ImageSplits;
import dev.graft.metrics.LogMe;
import dev.graft.metrics.TaskMetrics;
import dev.graft.model.text.TextModelSpec;
import dev.graft.strategy.FeatureExtraction;
import dev.graft.strategy.FeatureExtractionConfig;
import dev.graft.strategy.ImageBackbone;
import dev.graft.strategy.ImageTrainingOutcome;
import dev.graft.strategy.ImageTransfer;
import dev.graft.strategy.TrainingOutcome;
import dev.graft.task.Targets;
import dev.graft.task.Task;
import dev.graft.task.Tasks;
import dev.graft.util.Progress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Ranks candidate backbones for a labelled data set by {@link LogMe} on their frozen features of
 * the training split: seconds per backbone once features are cached (the same embedding cache
 * feature extraction uses), instead of training a model per candidate. Any task of a label column: classes
 * (one-vs-rest indicators), multi-label data (one indicator per label, averaged as the LogME paper does) and
 * regression (the value itself). Optionally measures each candidate's real feature-extraction result on the task's
 * compared figure ({@link ComparedMetric}) so the ranking can be checked.
 */
public final class BackboneRanking {

    private BackboneRanking() {
    }

    /** Scores a text backbone for {@code task}; {@code measure} also trains and scores a feature-extraction head. */
    public static RankedBackbone text(String name, TextModelSpec spec, DatasetSplits splits, Task task, FeatureExtractionConfig config,
                                      boolean measure, Progress progress) {
        FeatureExtraction fe = new FeatureExtraction(config);
        long t0 = System.nanoTime();
        float[][] x = fe.embeddings(spec, splits.train(), progress);
        double[][] y = logMeTargets(Tasks.targets(task, splits.train()), task.outputWidth());
        return scored(name, spec.id(), x, y, (System.nanoTime() - t0) / 1e9, !measure ? null : () -> {
            try (TrainingOutcome o = fe.fit(spec, splits, task, progress, List.of())) {
                return o.test().orElse(o.validation());
            }
        });
    }

    /** Scores an image backbone for {@code task}; {@code measure} also trains and scores a feature-extraction head. */
    public static RankedBackbone image(String name, ImageBackbone spec, ImageSplits splits, Task task, FeatureExtractionConfig config,
                                       int workers, boolean measure, Progress progress) {
        long t0 = System.nanoTime();
        float[][] x = ImageTransfer.cachedFeatures(spec, splits.train(), config, workers, progress);
        double[][] y = logMeTargets(Tasks.targets(task, splits.train().targetColumn()), task.outputWidth());
        return scored(name, spec.id(), x, y, (System.nanoTime() - t0) / 1e9, !measure ? null : () -> {
            try (ImageTrainingOutcome o = ImageTransfer.featureExtraction(spec, splits, task, config, workers, progress, List.of())) {
                return o.test().orElse(o.validation());
            }
        });
    }

    /**
     * The targets LogME scores, one row per target: a one-vs-rest indicator per class, an indicator per label, or the
     * regression value.
     */
    public static double[][] logMeTargets(Targets gold, int width) {
        if (gold instanceof Targets.Classes c) {
            double[][] y = new double[width][c.classes().length];
            for (int i = 0; i < c.classes().length; i++) {
                y[c.classes()[i]][i] = 1;
            }
            return y;
        }
        if (gold instanceof Targets.LabelSets s) {
            double[][] y = new double[width][s.labels().length];
            for (int i = 0; i < s.labels().length; i++) {
                for (int l = 0; l < width; l++) {
                    y[l][i] = s.labels()[i][l] ? 1 : 0;
                }
            }
            return y;
        }
        if (gold instanceof Targets.Values v) {
            return new double[][] {v.values().clone()};
        }
        throw new IllegalArgumentException("ranking backbones by LogME covers classification, multi-label and regression data, not "
                + gold.getClass().getSimpleName());
    }

    /** LogME of features {@code x} for targets {@code y}, timed, and the measured head's scores when {@code measure} is given. */
    private static RankedBackbone scored(String name, String id, float[][] x, double[][] y, double featureSeconds,
                                         Supplier<TaskMetrics> measure) {
        long t1 = System.nanoTime();
        double score = LogMe.score(x, y);
        double scoreSeconds = (System.nanoTime() - t1) / 1e9;
        Optional<TaskMetrics> measured = measure == null ? Optional.empty() : Optional.of(measure.get());
        return new RankedBackbone(name, id, score, featureSeconds, scoreSeconds, measured);
    }

    /** Best LogME first. */
    public static List<RankedBackbone> sorted(List<RankedBackbone> scores) {
        List<RankedBackbone> out = new ArrayList<>(scores);
        out.sort(Comparator.comparingDouble(RankedBackbone::logMe).reversed());
        return out;
    }

    /**
     * Kendall's τ-b between two score lists (1: same order, −1: reversed): how well LogME's order
     * predicts the measured order. NaN for fewer than two pairs that are untied in both.
     */
    public static double kendallTau(double[] a, double[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("score lists differ in length: " + a.length + " vs " + b.length);
        }
        long concordant = 0;
        long discordant = 0;
        long tiesA = 0;
        long tiesB = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = i + 1; j < a.length; j++) {
                double da = Math.signum(a[i] - a[j]);
                double db = Math.signum(b[i] - b[j]);
                if (da == 0 && db == 0) {
                    continue;
                }
                if (da == 0) {
                    tiesA++;
                } else if (db == 0) {
                    tiesB++;
                } else if (da == db) {
                    concordant++;
                } else {
                    discordant++;
                }
            }
        }
        double denom = Math.sqrt((double) (concordant + discordant + tiesA) * (concordant + discordant + tiesB));
        return denom == 0 ? Double.NaN : (concordant - discordant) / denom;
    }
}
