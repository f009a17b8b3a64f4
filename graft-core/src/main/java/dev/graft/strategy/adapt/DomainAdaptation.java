package dev.graft.strategy.adapt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.graft.metrics.ClassificationMetrics;
import dev.graft.model.head.ClassifierHead;
import dev.graft.model.head.HeadConfig;
import dev.graft.training.Batching;
import dev.graft.training.DenseBatches;
import dev.graft.training.FitResult;
import dev.graft.training.Inference;
import dev.graft.training.Learner;
import dev.graft.training.TrainingListener;
import dev.graft.util.Progress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * Unsupervised domain adaptation on frozen features: labelled source, unlabelled target. Trains the
 * source-only baseline and the chosen method with the same head (adapter = hidden layer) and the
 * same {@link Learner}; validation and model selection use held-out <em>source</em> examples only,
 * so no target label is read in training (DANN keeps its last epoch by default: see
 * {@link AdaptConfig.EpochSelection}). The optional labelled target set is used for evaluation
 * after training, never before.
 */
public final class DomainAdaptation {

    private DomainAdaptation() {
    }

    /**
     * Features with class indices.
     *
     * @param x one vector per example
     * @param y class index per example
     */
    public record Labelled(float[][] x, int[] y) {
        /** Checks that there is one label per vector. */
        public Labelled {
            if (x.length != y.length) {
                throw new IllegalArgumentException(x.length + " feature vectors but " + y.length + " labels");
            }
        }
    }

    /**
     * Runs the baseline and the adaptation.
     *
     * @param source     labelled source features
     * @param classNames class names in index order
     * @param target     unlabelled target features
     * @param eval       labelled target features for evaluation only, or {@code null}
     * @param manager    holds the returned head (the caller closes it)
     * @param listeners  observers of the adapted head's training
     */
    public static AdaptationResult run(Labelled source, List<String> classNames, float[][] target, Labelled eval, AdaptConfig config,
                                       NDManager manager, List<TrainingListener> listeners, Progress progress) {
        if (target.length == 0) {
            throw new IllegalArgumentException("no unlabelled target examples");
        }
        if (source.x().length == 0) {
            throw new IllegalArgumentException("no labelled source examples");
        }
        long seed = config.training().seed();
        int[][] split = stratifiedSplit(source.y(), classNames.size(), config.valFraction(), seed);
        Labelled train = select(source, split[0]);
        Labelled val = select(source, split[1]);

        progress.message("training the source-only baseline on " + train.x().length + " source examples");
        Trained base = trainPlain(train, val, classNames.size(), config, manager,
                config.method() == AdaptMethod.SOURCE_ONLY ? listeners : List.of());
        ClassifierHead baseline = base.head;

        AdaptMethod method = config.method();
        ClassifierHead adapted;
        FitResult fit;
        float[][] alignedSource = source.x();
        Labelled heldOut = val;
        switch (method) {
            case SOURCE_ONLY -> {
                adapted = baseline;
                fit = base.fit;
            }
            case CORAL -> {
                progress.message("CORAL: aligning source covariance to the target's");
                Coral coral = Coral.fit(source.x(), target, config.coralLambda());
                alignedSource = coral.apply(source.x());
                heldOut = new Labelled(coral.apply(val.x()), val.y());
                Trained t = trainPlain(new Labelled(coral.apply(train.x()), train.y()), heldOut, classNames.size(), config, manager,
                        listeners);
                adapted = t.head;
                fit = t.fit;
            }
            default -> {
                progress.message(method.key().toUpperCase(java.util.Locale.ROOT) + ": adapter + head with "
                        + (method == AdaptMethod.MMD ? "multi-kernel MMD" : "a domain classifier behind gradient reversal")
                        + " against " + target.length + " unlabelled target examples");
                Learner.seed(seed);
                ClassifierHead head = newHead(source.x()[0].length, classNames.size(), config);
                AdaptationNetwork net = new AdaptationNetwork(head, method == AdaptMethod.DANN);
                net.initialize(manager);
                AdaptiveLearner learner = new AdaptiveLearner(net, config.training(), listeners, method, target, config.weight(),
                        train.x().length, config.keepsLastEpoch());
                fit = learner.fit(new DenseBatches(train.x(), train.y()), new DenseBatches(val.x(), val.y()));
                adapted = head;
            }
        }
        ClassificationMetrics sourceVal = score(adapted, heldOut, classNames, manager);
        Optional<ClassificationMetrics> baseEval = Optional.ofNullable(eval).map(e -> score(baseline, e, classNames, manager));
        Optional<float[][]> adaptedProbabilities = Optional.ofNullable(eval)
                .map(e -> Inference.probabilities(adapted, new DenseBatches(e.x(), e.y()), 256, manager));
        Optional<ClassificationMetrics> adaptedEval = adaptedProbabilities.map(p -> metrics(p, eval.y(), classNames));
        progress.message("proxy A-distance before and after adaptation");
        double before = ProxyADistance.of(source.x(), target, config.padMaxPerDomain(), seed);
        double after = ProxyADistance.of(represent(adapted, alignedSource, manager), represent(adapted, target, manager),
                config.padMaxPerDomain(), seed);
        return new AdaptationResult(method, adapted, fit, sourceVal, baseEval, adaptedEval, before, after, train.x().length,
                val.x().length, target.length, adaptedProbabilities);
    }

    private record Trained(ClassifierHead head, FitResult fit) {
    }

    private static ClassifierHead newHead(int dim, int classes, AdaptConfig config) {
        return new ClassifierHead(new HeadConfig(dim, classes, config.hiddenUnits(), config.dropout()));
    }

    private static Trained trainPlain(Labelled train, Labelled val, int classes, AdaptConfig config, NDManager manager,
                                      List<TrainingListener> listeners) {
        Learner.seed(config.training().seed());
        ClassifierHead head = newHead(train.x()[0].length, classes, config);
        head.initialize(manager);
        Learner learner = new Learner(head, head, config.training(), listeners);
        FitResult fit = learner.fit(new DenseBatches(train.x(), train.y()), new DenseBatches(val.x(), val.y()));
        return new Trained(head, fit);
    }

    /** Metrics of {@code head} on labelled features. */
    static ClassificationMetrics score(ClassifierHead head, Labelled data, List<String> classNames, NDManager manager) {
        return metrics(Inference.probabilities(head, new DenseBatches(data.x(), data.y()), 256, manager), data.y(), classNames);
    }

    private static ClassificationMetrics metrics(float[][] p, int[] gold, List<String> classNames) {
        int[] pred = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            pred[i] = Inference.argmax(p[i]);
        }
        return ClassificationMetrics.of(gold, pred, classNames);
    }

    /** The head's {@link ClassifierHead#representation} of every row (inference mode). */
    public static float[][] represent(ClassifierHead head, float[][] x, NDManager manager) {
        float[][] out = new float[x.length][];
        int width = x[0].length;
        for (int[] batch : Batching.chunks(java.util.stream.IntStream.range(0, x.length).toArray(), 256)) {
            try (NDManager step = manager.newSubManager()) {
                float[] flat = new float[batch.length * width];
                for (int i = 0; i < batch.length; i++) {
                    System.arraycopy(x[batch[i]], 0, flat, i * width, width);
                }
                NDArray h = head.representation(new ParameterStore(step, false), step.create(flat, new Shape(batch.length, width)), false);
                float[] v = h.toFloatArray();
                int d = head.representationDim();
                for (int i = 0; i < batch.length; i++) {
                    out[batch[i]] = java.util.Arrays.copyOfRange(v, i * d, (i + 1) * d);
                }
            }
        }
        return out;
    }

    /** Per class, a seeded share of the examples (at least one when the class has two or more) goes to validation. */
    static int[][] stratifiedSplit(int[] y, int classes, double valFraction, long seed) {
        Random rng = new Random(seed);
        List<Integer> train = new ArrayList<>();
        List<Integer> val = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            int cls = c;
            int[] members = java.util.stream.IntStream.range(0, y.length).filter(i -> y[i] == cls).toArray();
            int[] order = Batching.shuffled(members.length, rng);
            int nVal = members.length < 2 ? 0 : Math.max(1, (int) Math.round(members.length * valFraction));
            for (int i = 0; i < members.length; i++) {
                (i < nVal ? val : train).add(members[order[i]]);
            }
        }
        if (val.isEmpty()) {
            throw new IllegalArgumentException("the source data is too small to hold out a validation set (every class has < 2 examples)");
        }
        return new int[][] {train.stream().mapToInt(Integer::intValue).sorted().toArray(),
                val.stream().mapToInt(Integer::intValue).sorted().toArray()};
    }

    private static Labelled select(Labelled d, int[] idx) {
        float[][] x = new float[idx.length][];
        int[] y = new int[idx.length];
        for (int i = 0; i < idx.length; i++) {
            x[i] = d.x()[idx[i]];
            y[i] = d.y()[idx[i]];
        }
        return new Labelled(x, y);
    }
}
