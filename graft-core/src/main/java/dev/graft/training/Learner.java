package dev.graft.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.graft.metrics.ClassificationMetrics;
import dev.graft.model.NamedParameters;
import dev.graft.training.optim.AdamW;
import dev.graft.training.optim.Optimizer;
import dev.graft.training.optim.ParamGroup;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * Trains a classifier module with validation after every epoch, early stopping on a monitored
 * metric and restoration of the best epoch's weights. Each step runs in its own NDManager scope,
 * so native memory does not grow with the number of steps.
 *
 * <p>Override {@link #trainStep} to change what one step does (Keras' {@code train_step}).
 */
public class Learner {

    private final Block model;
    private final NamedParameters named;
    private final TrainConfig config;
    private final List<TrainingListener> listeners;
    private final Function<List<String>, List<ParamGroup>> grouping;

    /**
     * @param model     the module to train; its trainable parameters are those that require gradients
     * @param named     stable names of the model's parameters (usually the model itself)
     * @param config    training settings
     * @param listeners observers of progress
     */
    public Learner(Block model, NamedParameters named, TrainConfig config, List<TrainingListener> listeners) {
        this(model, named, config, listeners,
                names -> ParamGroup.withDecayRule("all", names, 1.0, config.weightDecay()));
    }

    /**
     * As above, with a function that puts the trainable parameter names into optimiser groups
     * (differential learning rates, per-group weight decay).
     */
    public Learner(Block model, NamedParameters named, TrainConfig config, List<TrainingListener> listeners,
                   Function<List<String>, List<ParamGroup>> grouping) {
        this.model = model;
        this.named = named;
        this.config = config;
        this.listeners = List.copyOf(listeners);
        this.grouping = grouping;
    }

    /** Seeds DJL's engine (initialisation, dropout) for a repeatable run. */
    public static void seed(long seed) {
        Engine.getInstance().setRandomSeed((int) (seed ^ (seed >>> 32)));
    }

    /** The settings this learner trains with. */
    public TrainConfig config() {
        return config;
    }

    /** Trains on {@code train}, validating on {@code val} each epoch; the model ends with the best epoch's weights. */
    public FitResult fit(BatchSource train, BatchSource val) {
        if (train.size() == 0) {
            throw new IllegalArgumentException("no training examples");
        }
        if (val.size() == 0) {
            throw new IllegalArgumentException("no validation examples: early stopping and model selection need a validation set");
        }
        Map<String, Parameter> trainable = new LinkedHashMap<>();
        named.namedParameters().forEach((n, p) -> {
            if (p.requiresGradient()) {
                trainable.put(n, p);
            }
        });
        if (trainable.isEmpty()) {
            throw new IllegalStateException("the model has no trainable parameters: everything is frozen");
        }
        long start = System.nanoTime();
        int stepsPerEpoch = (train.size() + config.batchSize() - 1) / config.batchSize();
        long totalSteps = (long) stepsPerEpoch * config.epochs();
        Random shuffler = new Random(config.seed());
        List<EpochLog> history = new ArrayList<>();
        double best = Double.NaN;
        double bestLoss = Double.POSITIVE_INFINITY;
        int bestEpoch = 0;
        int sinceBest = 0;
        ParameterSnapshot bestWeights = null;
        boolean stoppedEarly = false;
        listeners.forEach(l -> l.onTrainStart(config.epochs(), stepsPerEpoch));
        NDManager baseManager = trainable.values().iterator().next().getArray().getManager();
        try (NDManager optimizerState = baseManager.newSubManager()) {
            Optimizer optimizer = AdamW.of(trainable, grouping.apply(List.copyOf(trainable.keySet())), optimizerState);
            for (int epoch = 1; epoch <= config.epochs(); epoch++) {
                long epochStart = System.nanoTime();
                int[] order = shuffled(train.size(), shuffler);
                double lossSum = 0;
                double lr = config.learningRate();
                for (int s = 0; s < stepsPerEpoch; s++) {
                    int[] idx = java.util.Arrays.copyOfRange(order, s * config.batchSize(),
                            Math.min(order.length, (s + 1) * config.batchSize()));
                    lr = config.learningRate() * config.schedule().factor(optimizer.stepCount(), totalSteps);
                    double loss;
                    try (NDManager step = baseManager.newSubManager()) {
                        loss = trainStep(step, train, idx);
                    }
                    if (!Double.isFinite(loss)) {
                        throw new TrainingDivergedException(epoch, s + 1, loss, lr);
                    }
                    optimizer.step(lr);
                    lossSum += loss * idx.length;
                    int epochNo = epoch;
                    int stepNo = s + 1;
                    listeners.forEach(l -> l.onStep(epochNo, stepNo, loss));
                }
                Validation v = validate(val);
                EpochLog scored = new EpochLog(epoch, 0, v.loss, v.metrics.accuracy(), v.metrics.macroF1(), lr, 0, false);
                double score = config.monitor().read(scored);
                boolean better = config.monitor().improves(score, best, config.minDelta());
                boolean improved = better || (config.monitor().ties(score, best, config.minDelta()) && v.loss < bestLoss);
                if (improved) {
                    best = better ? score : best;
                    bestLoss = v.loss;
                    bestEpoch = epoch;
                    sinceBest = 0;
                    bestWeights = ParameterSnapshot.of(trainable);
                } else {
                    sinceBest++;
                }
                EpochLog log = new EpochLog(epoch, lossSum / train.size(), v.loss, v.metrics.accuracy(), v.metrics.macroF1(),
                        lr, (System.nanoTime() - epochStart) / 1e9, improved);
                history.add(log);
                listeners.forEach(l -> l.onEpochEnd(log));
                if (config.patience() > 0 && sinceBest >= config.patience() && epoch < config.epochs()) {
                    stoppedEarly = true;
                    break;
                }
            }
        }
        if (bestWeights != null) {
            bestWeights.restore(trainable);
        }
        FitResult result = new FitResult(history, Math.max(bestEpoch, 1), config.monitor(), best, stoppedEarly,
                (System.nanoTime() - start) / 1e9);
        listeners.forEach(l -> l.onTrainEnd(result));
        return result;
    }

    /**
     * One training step: forward in training mode, cross-entropy, backward. Gradients accumulate
     * on the parameters; the optimiser applies them afterwards.
     *
     * @return the batch's mean loss
     */
    protected double trainStep(NDManager step, BatchSource data, int[] indices) {
        NDList inputs = data.inputs(step, indices);
        NDArray labels = data.labels(step, indices);
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray logits = model.forward(new ParameterStore(step, false), inputs, true).singletonOrThrow();
            NDArray loss = crossEntropy(logits, labels);
            collector.backward(loss);
            return loss.getFloat();
        }
    }

    /** Class probabilities for every example, in order (inference mode, no gradients). */
    public float[][] predictProbabilities(BatchSource data) {
        NDManager base = named.namedParameters().values().iterator().next().getArray().getManager();
        return Inference.probabilities(model, data, config.batchSize(), base);
    }

    private record Validation(double loss, ClassificationMetrics metrics) {
    }

    private Validation validate(BatchSource val) {
        float[][] probs = predictProbabilities(val);
        int[] gold = val.labels();
        int[] pred = new int[probs.length];
        double nll = 0;
        for (int i = 0; i < probs.length; i++) {
            pred[i] = Inference.argmax(probs[i]);
            nll -= Math.log(Math.max(probs[i][gold[i]], 1e-12));
        }
        List<String> names = IntStream.range(0, probs[0].length).mapToObj(Integer::toString).toList();
        return new Validation(nll / probs.length, ClassificationMetrics.of(gold, pred, names));
    }

    /** Mean softmax cross-entropy of {@code logits [B, C]} against int64 {@code labels [B]}. */
    public static NDArray crossEntropy(NDArray logits, NDArray labels) {
        int classes = (int) logits.getShape().get(logits.getShape().dimension() - 1);
        NDArray target = labels.oneHot(classes).toType(logits.getDataType(), false);
        return logits.logSoftmax(-1).mul(target).sum(new int[] {-1}).mean().neg();
    }

    private static int[] shuffled(int n, Random rng) {
        int[] a = IntStream.range(0, n).toArray();
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }
}
