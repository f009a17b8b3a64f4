package dev.graft.training;

import dev.graft.util.Arguments;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.graft.metrics.ClassificationMetrics;
import dev.graft.metrics.TaskMetrics;
import dev.graft.task.ClassificationTask;
import dev.graft.task.Targets;
import dev.graft.task.Task;
import dev.graft.model.ArrayCopies;
import dev.graft.model.LayerGroup;
import dev.graft.model.NamedParameters;
import dev.graft.model.Splittable;
import dev.graft.model.torch.ConstantBf16Weights;
import dev.graft.model.torch.FreshGradients;
import dev.graft.model.torch.LazyRowDecay;
import dev.graft.tensor.TensorData;
import dev.graft.training.optim.GroupedOptimizer;
import dev.graft.training.optim.ParamGroup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Trains a classifier module: validation after every epoch, early stopping on a monitored metric,
 * restoration of the best epoch's weights, and optionally the plan's freezing schedule,
 * differential learning rates, L2-SP, gradient clipping, drift monitoring and crash-safe
 * checkpoints. Each step runs in its own NDManager scope, so native memory does not grow with the
 * number of steps.
 *
 * <p>Every epoch draws its batch order and dropout from {@code seed + epoch}, so a run resumed from
 * a checkpoint replays exactly what the uninterrupted run would have done.
 *
 * <p>Override {@link #trainStep} to change what one step does (Keras' {@code train_step}).
 */
public class Learner {

    /** Updates in a row with a non-finite gradient that are dropped before training counts as diverged. */
    static final int MAX_CONSECUTIVE_SKIPS = 3;

    private final Block model;
    private final NamedParameters named;
    private final TrainConfig config;
    private final TrainingPlan plan;
    private final List<TrainingListener> listeners;
    private final Task task;

    /** A learner with {@link TrainingPlan#simple()}. */
    public Learner(Block model, NamedParameters named, TrainConfig config, List<TrainingListener> listeners) {
        this(model, named, config, TrainingPlan.simple(), listeners);
    }

    /**
     * @param model     the module to train
     * @param named     stable names of its parameters (usually the model itself; a {@link Splittable} for plans with groups)
     * @param config    epochs, batch size, base learning rate, early stopping, seed, schedule
     * @param plan      optimiser, freezing, differential rates, regularisation
     * @param listeners observers of progress
     */
    public Learner(Block model, NamedParameters named, TrainConfig config, TrainingPlan plan, List<TrainingListener> listeners) {
        this(model, named, config, plan, null, listeners);
    }

    /**
     * A learner for {@code task}: its loss trains the model, its metrics validate each epoch.
     *
     * @param task what the model learns; {@code null} for single-label classification over the model's output classes
     */
    public Learner(Block model, NamedParameters named, TrainConfig config, TrainingPlan plan, Task task,
                   List<TrainingListener> listeners) {
        if (plan.needsGroups() && !(named instanceof Splittable)) {
            throw new IllegalArgumentException("this training plan needs layer groups, but " + named.getClass().getSimpleName()
                    + " does not define them (implement Splittable)");
        }
        this.model = model;
        this.named = named;
        this.config = config;
        this.plan = plan;
        this.listeners = List.copyOf(listeners);
        this.task = task;
    }

    /** The task this learner trains for, or {@code null} for classification over the model's output classes. */
    public Task task() {
        return task;
    }

    /** Seeds DJL's engine (initialisation, dropout) for a repeatable run. */
    public static void seed(long seed) {
        Engine.getInstance().setRandomSeed((int) (seed ^ (seed >>> 32)));
    }

    /** The settings this learner trains with. */
    public TrainConfig config() {
        return config;
    }

    /** Trains without checkpoints; see {@link #fit(BatchSource, BatchSource, Checkpointing)}. */
    public FitResult fit(BatchSource train, BatchSource val) {
        return fit(train, val, null);
    }

    /**
     * Trains on {@code train}, validating on {@code val} each epoch; the model ends with the best
     * epoch's weights.
     *
     * @param checkpoints where and how often to checkpoint, and whether to resume; {@code null} for none
     */
    public FitResult fit(BatchSource train, BatchSource val, Checkpointing checkpoints) {
        if (train.size() == 0) {
            throw new IllegalArgumentException("no training examples");
        }
        if (val.size() == 0) {
            throw new IllegalArgumentException("no validation examples: early stopping and model selection need a validation set");
        }
        if (checkpoints != null) {
            Checkpointing.checkStart(checkpoints.directory(), checkpoints.resume());
        }
        Map<String, Parameter> params = named.namedParameters();
        // what the best-epoch snapshot and checkpoints keep: parameters plus buffers (BatchNorm statistics)
        Map<String, Parameter> kept = withBuffers(params);
        List<LayerGroup> groups = named instanceof Splittable s ? s.layerGroups()
                : List.of(new LayerGroup("all", List.copyOf(params.keySet()), true));
        if (plan.freeze() != null) {
            plan.freeze().validate(groups);
        }
        List<ParamGroup> paramGroups = plan.rates() != null ? plan.rates().paramGroups(groups)
                : ParamGroup.withDecayRule("all", List.copyOf(params.keySet()), 1.0, config.weightDecay());
        long start = System.nanoTime();
        NDManager base = params.values().iterator().next().getArray().getManager();
        int stepsPerEpoch = train.epochBatches(config.batchSize(), epochRandom(1)).size();
        long totalSteps = (long) stepsPerEpoch * config.epochs();
        RunState state = new RunState();
        listeners.forEach(l -> l.onTrainStart(config.epochs(), stepsPerEpoch));
        try (NDManager optimizerState = base.newSubManager();
             Anchors anchors = plan.l2sp() > 0 || plan.monitorDrift() ? new Anchors(params, groups, base) : null) {
            GroupedOptimizer optimizer = plan.optimizer().build(params, paramGroups, optimizerState);
            optimizer.deferIdleRowDecay(); // settled at the end of each epoch's steps, below
            if (checkpoints != null && checkpoints.resume()) {
                resume(checkpoints, kept, optimizer, state);
            }
            for (int epoch = state.epoch + 1; epoch <= config.epochs(); epoch++) {
                long epochStart = System.nanoTime();
                long trainable = applyFreezing(epoch, groups, params);
                seed(config.seed() + epoch);
                List<int[]> batches = train.epochBatches(config.batchSize(), epochRandom(epoch));
                double lossSum = 0;
                double lr = config.learningRate();
                // what is frozen stays so until the next epoch: its bfloat16 copies are made once
                try (ConstantBf16Weights.Scope frozenCopies = ConstantBf16Weights.whileTraining()) {
                    for (int s = 0; s < batches.size(); s++) {
                        int[] idx = batches.get(s);
                        lr = config.learningRate() * config.schedule().factor(optimizer.stepCount(), totalSteps);
                        double loss = guardedStep(base, train, idx);
                        if (!Double.isFinite(loss)) {
                            throw new TrainingDivergedException(epoch, s + 1, loss, lr,
                                    checkpoints != null && CheckpointStore.exists(checkpoints.directory()) ? checkpoints.directory() : null);
                        }
                        if (anchors != null && plan.l2sp() > 0) {
                            LazyRowDecay.settle(params.values()); // L2-SP reads every weight
                            anchors.addL2SpGradient(params, plan.l2sp());
                        }
                        double gradNorm = GradientClipping.clip(params.values(), plan.optimizer().maxGradNorm());
                        if (!Double.isFinite(gradNorm)) {
                            // A finite loss with a non-finite gradient (an overflow in one backward pass): drop
                            // this update rather than write NaN into the weights (the next backward pass replaces the
                            // gradients); persistent overflow is divergence.
                            state.skippedSteps++;
                            if (++state.consecutiveSkips > MAX_CONSECUTIVE_SKIPS) {
                                throw new TrainingDivergedException(epoch, s + 1, gradNorm, lr,
                                        checkpoints != null && CheckpointStore.exists(checkpoints.directory()) ? checkpoints.directory() : null);
                            }
                            continue;
                        }
                        state.consecutiveSkips = 0;
                        optimizer.step(lr);
                        lossSum += loss * idx.length;
                        int epochNo = epoch;
                        int stepNo = s + 1;
                        listeners.forEach(l -> l.onStep(epochNo, stepNo, loss));
                    }
                } finally {
                    // validation, snapshots, checkpoints and whoever gets the model read every weight
                    LazyRowDecay.settle(params.values());
                }
                Validation v = validate(val);
                double score = config.monitor().read(new EpochLog(epoch, 0, v.loss, v.accuracy(), v.macroF1(),
                        lr, 0, false, trainable, null, v.metrics()));
                boolean better = config.monitor().improves(score, state.best, config.minDelta());
                boolean improved = better || (config.monitor().ties(score, state.best, config.minDelta()) && v.loss < state.bestLoss);
                if (improved) {
                    state.best = better ? score : state.best;
                    state.bestLoss = v.loss;
                    state.bestEpoch = epoch;
                    state.sinceBest = 0;
                    state.bestWeights = ParameterSnapshot.of(kept);
                } else {
                    state.sinceBest++;
                }
                EpochLog log = new EpochLog(epoch, lossSum / train.size(), v.loss, v.accuracy(), v.macroF1(),
                        lr, (System.nanoTime() - epochStart) / 1e9, improved, trainable,
                        anchors != null && plan.monitorDrift() ? anchors.drift(params) : Map.of(), v.metrics());
                state.history.add(log);
                state.epoch = epoch;
                listeners.forEach(l -> l.onEpochEnd(log));
                boolean stop = selectsBestEpoch() && config.patience() > 0 && state.sinceBest >= config.patience()
                        && epoch < config.epochs();
                if (checkpoints != null && (epoch % checkpoints.everyEpochs() == 0 || stop || epoch == config.epochs())) {
                    save(checkpoints, kept, optimizer, state);
                }
                if (stop) {
                    state.stoppedEarly = true;
                    break;
                }
            }
        }
        boolean byValidation = selectsBestEpoch();
        if (byValidation && state.bestWeights != null) {
            state.bestWeights.restore(kept);
        }
        int keptEpoch = byValidation ? state.bestEpoch : state.epoch;
        double keptScore = byValidation || state.history.isEmpty() ? state.best
                : config.monitor().read(state.history.get(state.history.size() - 1));
        FitResult result = new FitResult(state.history, Math.max(keptEpoch, 1), config.monitor(), keptScore,
                state.stoppedEarly, (System.nanoTime() - start) / 1e9, state.skippedSteps);
        listeners.forEach(l -> l.onTrainEnd(result));
        return result;
    }

    /**
     * Whether the validation metric selects the weights: early stopping after {@code patience} epochs
     * without improvement, and the best epoch's weights restored at the end (the default). A learner
     * whose objective is not what the validation set measures (domain-adversarial training, whose
     * alignment costs source-validation loss) returns false: it trains every epoch and keeps the
     * last epoch's weights; validation is still run and logged.
     */
    protected boolean selectsBestEpoch() {
        return true;
    }

    /**
     * One training step: forward in training mode, cross-entropy, backward ({@link #backward}). The gradients are
     * left on the parameters, replacing the last step's; the optimiser applies them afterwards.
     *
     * @return the batch's mean loss
     */
    protected double trainStep(NDManager step, BatchSource data, int[] indices) {
        NDList inputs = data.inputs(step, indices);
        NDArray labels = task == null ? data.labels(step, indices) : task.batchTargets(step, data.targets(), indices);
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray logits = model.forward(new ParameterStore(step, false), inputs, true).singletonOrThrow();
            NDArray loss = task == null ? crossEntropy(logits, labels) : task.loss(logits, labels);
            backward(loss);
            return loss.getFloat();
        }
    }

    /**
     * Back-propagates {@code loss} inside an open {@code GradientCollector}: each trainable parameter's gradient is
     * replaced by this loss's ({@link FreshGradients}), so nothing needs zeroing between steps.
     */
    protected final void backward(NDArray loss) {
        FreshGradients.backwardTrainable(loss, named.namedParameters().values());
    }

    /**
     * The task's activated outputs for every example, in order (inference mode, no gradients): class probabilities
     * for classification.
     */
    public float[][] predictProbabilities(BatchSource data) {
        NDManager base = named.namedParameters().values().iterator().next().getArray().getManager();
        return task == null ? Inference.probabilities(model, data, config.batchSize(), base)
                : Inference.outputs(model, data, config.batchSize(), base, task::activate);
    }

    /** Mean softmax cross-entropy of {@code logits [B, C]} against int64 {@code labels [B]}. */
    public static NDArray crossEntropy(NDArray logits, NDArray labels) {
        return ClassificationTask.crossEntropy(logits, labels);
    }

    private double guardedStep(NDManager base, BatchSource train, int[] idx) {
        try (NDManager step = base.newSubManager()) {
            return trainStep(step, train, idx);
        } catch (EngineException e) {
            String m = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
            if (m.contains("alloc") || m.contains("out of memory")) {
                throw new IllegalStateException("Out of native memory at batch size " + config.batchSize() + " ("
                        + e.getMessage() + "). Use a smaller " + Arguments.name("batchSize") + " (e.g. " + Math.max(1, config.batchSize() / 2)
                        + "), freeze more layers, or shorten the texts.", e);
            }
            throw e;
        } catch (OutOfMemoryError e) {
            throw new IllegalStateException("Out of Java heap at batch size " + config.batchSize()
                    + ". Use a smaller " + Arguments.name("batchSize") + " or give the JVM more memory (GRAFT_JAVA_OPTS=-Xmx8g).", e);
        }
    }

    private long applyFreezing(int epoch, List<LayerGroup> groups, Map<String, Parameter> params) {
        if (plan.freeze() != null) {
            Set<String> trainableGroups = plan.freeze().trainable(epoch, groups);
            for (LayerGroup g : groups) {
                boolean train = trainableGroups.contains(g.name());
                for (String n : g.parameters()) {
                    Parameter p = params.get(n);
                    if (p.requiresGradient() != train) {
                        p.freeze(!train);
                    }
                }
            }
        }
        return params.values().stream().filter(Parameter::requiresGradient).mapToLong(p -> p.getArray().size()).sum();
    }

    private Map<String, Parameter> withBuffers(Map<String, Parameter> params) {
        if (!(named instanceof dev.graft.model.NamedBuffers b) || b.namedBuffers().isEmpty()) {
            return params;
        }
        Map<String, Parameter> all = new LinkedHashMap<>(params);
        all.putAll(b.namedBuffers());
        return all;
    }

    private Random epochRandom(int epoch) {
        return new Random(config.seed() * 1_000_003L + epoch);
    }

    /** Mutable bookkeeping of one fit, restored on resume. */
    private static final class RunState {
        int epoch;
        double best = Double.NaN;
        double bestLoss = Double.POSITIVE_INFINITY;
        int bestEpoch;
        int sinceBest;
        boolean stoppedEarly;
        int skippedSteps;
        int consecutiveSkips;
        ParameterSnapshot bestWeights;
        final List<EpochLog> history = new ArrayList<>();
    }

    private void save(Checkpointing c, Map<String, Parameter> params, GroupedOptimizer optimizer, RunState s) {
        CheckpointStore.State state = new CheckpointStore.State(CheckpointStore.FORMAT_VERSION, c.fingerprint(), s.epoch,
                optimizer.stepCount(), optimizer.exportSteps(), s.best, s.bestLoss, s.bestEpoch, s.sinceBest, s.history);
        try {
            CheckpointStore.save(c.directory(), state, tensors(params), optimizer.exportState(),
                    s.bestWeights == null ? null : s.bestWeights.toTensors());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write checkpoint " + c.directory() + ": " + e.getMessage(), e);
        }
    }

    private void resume(Checkpointing c, Map<String, Parameter> params, GroupedOptimizer optimizer, RunState s) {
        if (!CheckpointStore.exists(c.directory())) {
            throw new IllegalArgumentException("No checkpoint to resume in " + c.directory() + " (no " + CheckpointStore.STATE
                    + "). Pass the checkpoint directory of the interrupted run, or train without " + Arguments.name("resume") + ".");
        }
        CheckpointStore.Loaded loaded = CheckpointStore.load(c.directory());
        CheckpointStore.State st = loaded.state();
        if (!st.fingerprint().equals(c.fingerprint())) {
            throw new IllegalArgumentException("Checkpoint " + c.directory() + " was written for a different model, data or settings"
                    + " (fingerprint " + st.fingerprint().substring(0, 12) + "…, this run " + c.fingerprint().substring(0, 12)
                    + "…). Resume with exactly the arguments of the interrupted run, or start a new run.");
        }
        load(params, loaded.model(), c);
        optimizer.importState(loaded.optimizer(), st.parameterSteps(), st.optimizerSteps());
        s.epoch = st.epoch();
        s.best = st.bestScore();
        s.bestLoss = st.bestLoss();
        s.bestEpoch = st.bestEpoch();
        s.sinceBest = st.sinceBest();
        s.history.addAll(st.history());
        s.bestWeights = loaded.best() == null ? null : ParameterSnapshot.fromTensors(loaded.best());
    }

    private static Map<String, TensorData> tensors(Map<String, Parameter> params) {
        Map<String, TensorData> out = new LinkedHashMap<>();
        params.forEach((n, p) -> out.put(n, new TensorData(n, p.getArray().getShape().getShape(), p.getArray().toFloatArray())));
        return out;
    }

    private static void load(Map<String, Parameter> params, Map<String, TensorData> tensors, Checkpointing c) {
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            TensorData t = tensors.get(e.getKey());
            if (t == null || !java.util.Arrays.equals(t.shape(), e.getValue().getArray().getShape().getShape())) {
                throw new IllegalArgumentException("Checkpoint " + c.directory() + " does not match the model: parameter '"
                        + e.getKey() + "' is " + (t == null ? "missing" : "mis-shaped") + ". Start a new run without " + Arguments.name("resume") + ".");
            }
            ArrayCopies.copyInto(e.getValue().getArray(), t.data());
        }
    }

    /**
     * What one validation pass measured.
     *
     * @param loss     mean validation loss
     * @param accuracy accuracy (of classes, or of whatever the objective predicts), or NaN where the task has none
     * @param macroF1  macro-averaged F1, or NaN where the task has none
     * @param metrics  every named figure of the task's metrics
     */
    public record Validation(double loss, double accuracy, double macroF1, Map<String, Double> metrics) {

        /** Copies the metrics. */
        public Validation {
            metrics = metrics == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        }

        /** A validation with accuracy and macro-F1 as its only named figures. */
        public Validation(double loss, double accuracy, double macroF1) {
            this(loss, accuracy, macroF1, named(accuracy, macroF1));
        }

        private static Map<String, Double> named(double accuracy, double macroF1) {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("accuracy", accuracy);
            m.put("macro_f1", macroF1);
            return m;
        }
    }

    /**
     * Scores the model on {@code val} after an epoch; the default is classification (mean
     * cross-entropy, accuracy, macro-F1 of the predicted classes). Override it, with
     * {@link #trainStep}, for another objective.
     */
    protected Validation validate(BatchSource val) {
        if (task != null) {
            float[][] outputs = predictProbabilities(val);
            Targets gold = val.targets();
            TaskMetrics m = task.score(outputs, gold);
            return new Validation(task.validationLoss(outputs, gold), m.value("accuracy"), m.value("macro_f1"), m.values());
        }
        float[][] probs = predictProbabilities(val);
        int[] gold = val.labels();
        int[] pred = new int[probs.length];
        double nll = 0;
        for (int i = 0; i < probs.length; i++) {
            pred[i] = Inference.argmax(probs[i]);
            nll -= Math.log(Math.max(probs[i][gold[i]], 1e-12));
        }
        List<String> names = IntStream.range(0, probs[0].length).mapToObj(Integer::toString).toList();
        ClassificationMetrics metrics = ClassificationMetrics.of(gold, pred, names);
        return new Validation(nll / probs.length, metrics.accuracy(), metrics.macroF1());
    }
}
