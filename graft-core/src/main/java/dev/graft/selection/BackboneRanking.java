package dev.graft.selection;

import dev.graft.data.DatasetSplits;
import dev.graft.data.LabelMap;
import dev.graft.data.image.ImageSplits;
import dev.graft.metrics.ClassificationMetrics;
import dev.graft.metrics.LogMe;
import dev.graft.model.text.TextModelSpec;
import dev.graft.strategy.FeatureExtraction;
import dev.graft.strategy.FeatureExtractionConfig;
import dev.graft.strategy.ImageBackbone;
import dev.graft.strategy.ImageTrainingOutcome;
import dev.graft.strategy.ImageTransfer;
import dev.graft.strategy.TrainingOutcome;
import dev.graft.util.Progress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Ranks candidate backbones for a labelled data set by {@link LogMe} on their frozen features of
 * the training split: seconds per backbone once features are cached (the same embedding cache
 * feature extraction uses), instead of training a model per candidate. Optionally measures each
 * candidate's real feature-extraction result so the ranking can be checked.
 */
public final class BackboneRanking {

    private BackboneRanking() {
    }

    /** Scores a text backbone; {@code measure} also trains and scores a feature-extraction head. */
    public static RankedBackbone text(String name, TextModelSpec spec, DatasetSplits splits, FeatureExtractionConfig config,
                                      boolean measure, Progress progress) {
        FeatureExtraction fe = new FeatureExtraction(config);
        long t0 = System.nanoTime();
        float[][] x = fe.embeddings(spec, splits.train(), progress);
        LabelMap labels = splits.labelMap();
        int[] y = splits.train().examples().stream().mapToInt(e -> labels.indexOf(e.label())).toArray();
        return scored(name, spec.id(), x, y, labels.size(), (System.nanoTime() - t0) / 1e9, !measure ? null : () -> {
            try (TrainingOutcome o = fe.fit(spec, splits, progress, List.of())) {
                return o.classificationTest().orElse(o.classification());
            }
        });
    }

    /** Scores an image backbone; {@code measure} also trains and scores a feature-extraction head. */
    public static RankedBackbone image(String name, ImageBackbone spec, ImageSplits splits, FeatureExtractionConfig config, int workers,
                                       boolean measure, Progress progress) {
        long t0 = System.nanoTime();
        float[][] x = ImageTransfer.cachedFeatures(spec, splits.train(), config, workers, progress);
        LabelMap labels = splits.labelMap();
        int[] y = splits.train().examples().stream().mapToInt(e -> labels.indexOf(e.label())).toArray();
        return scored(name, spec.id(), x, y, labels.size(), (System.nanoTime() - t0) / 1e9, !measure ? null : () -> {
            try (ImageTrainingOutcome o = ImageTransfer.featureExtraction(spec, splits, config, workers, progress, List.of())) {
                return o.classificationTest().orElse(o.classification());
            }
        });
    }

    /** LogME of features {@code x} with labels {@code y}, timed, and the measured head's scores when {@code measure} is given. */
    private static RankedBackbone scored(String name, String id, float[][] x, int[] y, int classes, double featureSeconds,
                                         Supplier<ClassificationMetrics> measure) {
        long t1 = System.nanoTime();
        double score = LogMe.score(x, y, classes);
        double scoreSeconds = (System.nanoTime() - t1) / 1e9;
        Optional<ClassificationMetrics> measured = measure == null ? Optional.empty() : Optional.of(measure.get());
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
