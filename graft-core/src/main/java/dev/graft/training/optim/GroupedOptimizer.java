package dev.graft.training.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import dev.graft.model.ArrayCopies;
import dev.graft.model.torch.FreshGradients;
import dev.graft.tensor.TensorData;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Shared machinery of Graft's optimisers: parameter groups keyed by stable names, per-parameter
 * state and step counts (so a parameter unfrozen late starts its own bias correction, as in
 * PyTorch), frozen parameters skipped, and state export for checkpoints. Gradients are read, not zeroed: pair a
 * step with {@link dev.graft.model.torch.FreshGradients}, which replaces them, or call {@link #zeroGradients()} before
 * a backward pass that adds to them (DJL's {@code GradientCollector.backward}). Temporaries of each parameter's
 * update live in an {@link NDScope} released right after it.
 */
public abstract class GroupedOptimizer implements Optimizer {

    private final Map<String, Parameter> parameters;
    private final Map<String, ParamGroup> groupOf = new LinkedHashMap<>();
    private final Map<String, NDArray[]> state = new HashMap<>();
    private final Map<String, Long> steps = new HashMap<>();
    private final NDManager stateManager;
    private final int slots;
    private long stepCount;

    /**
     * @param parameters   every parameter the optimiser may update, by stable name
     * @param groups       each name in exactly one group
     * @param stateManager owns the optimiser state for the optimiser's lifetime
     * @param slots        state arrays per parameter (2 for Adam's moments, 1 for momentum)
     */
    protected GroupedOptimizer(Map<String, Parameter> parameters, List<ParamGroup> groups, NDManager stateManager, int slots) {
        this.parameters = new LinkedHashMap<>(parameters);
        this.stateManager = stateManager;
        this.slots = slots;
        for (ParamGroup g : groups) {
            for (String n : g.parameters()) {
                if (!parameters.containsKey(n)) {
                    throw new IllegalArgumentException("parameter group '" + g.name() + "' names '" + n
                            + "', which is not a parameter of the model");
                }
                if (groupOf.put(n, g) != null) {
                    throw new IllegalArgumentException("parameter '" + n + "' is in two groups");
                }
            }
        }
        for (String n : parameters.keySet()) {
            if (!groupOf.containsKey(n)) {
                throw new IllegalArgumentException("parameter '" + n + "' is in no parameter group");
            }
        }
    }

    /**
     * Updates one parameter in place.
     *
     * @param w     the weights
     * @param g     their gradient (already transformed: clipping, regularisation); an update may overwrite it, since
     *              the next backward pass replaces it
     * @param group its group (weight decay)
     * @param lr    the learning rate for this group at this step
     * @param step  this parameter's own 1-based update count
     * @param state this parameter's state arrays
     */
    protected abstract void update(NDArray w, NDArray g, ParamGroup group, double lr, long step, NDArray[] state);

    /**
     * The parameters of one group that share a step count (a group unfrozen late is behind), with everything an update
     * of them needs; the lists are parallel.
     *
     * @param weights   the parameters' arrays
     * @param gradients their gradients
     * @param group     their group
     * @param lr        the learning rate for this group at this step
     * @param step      their own 1-based update count
     * @param states    their state arrays
     */
    protected record Update(List<NDArray> weights, List<NDArray> gradients, ParamGroup group, double lr, long step,
                            List<NDArray[]> states) {
    }

    /**
     * Applies one step's updates in place. This default calls {@link #update} for each
     * parameter, one at a time; an optimiser with a kernel that updates many arrays in one call overrides it.
     */
    protected void apply(List<Update> updates) {
        for (Update u : updates) {
            for (int i = 0; i < u.weights().size(); i++) {
                // One scope per parameter: its temporaries are freed before the next parameter's are made. One scope
                // for the whole step held ~4 gradient-sized temporaries per parameter at once (~350 MB on MiniLM)
                // and made the step measurably slower than a loop that frees them as it goes.
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    update(u.weights().get(i), u.gradients().get(i), u.group(), u.lr(), u.step(), u.states().get(i));
                }
            }
        }
    }

    @Override
    public final void step(double learningRate) {
        stepCount++;
        Map<Batch, List<String>> batches = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            if (!e.getValue().requiresGradient()) {
                continue;
            }
            long step = steps.merge(e.getKey(), 1L, Long::sum);
            batches.computeIfAbsent(new Batch(groupOf.get(e.getKey()), step), b -> new ArrayList<>()).add(e.getKey());
        }
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            List<Update> updates = new ArrayList<>(batches.size());
            for (Map.Entry<Batch, List<String>> b : batches.entrySet()) {
                List<String> names = b.getValue();
                List<NDArray> weights = new ArrayList<>(names.size());
                List<NDArray> gradients = new ArrayList<>(names.size());
                List<NDArray[]> states = new ArrayList<>(names.size());
                for (String name : names) {
                    NDArray w = parameters.get(name).getArray();
                    weights.add(w);
                    gradients.add(w.getGradient());
                    states.add(state.computeIfAbsent(name, k -> newState(w.getShape())));
                }
                ParamGroup group = b.getKey().group();
                updates.add(new Update(weights, gradients, group, learningRate * group.lrScale(), b.getKey().step(), states));
            }
            apply(updates);
        }
    }

    /** Parameters updated together: one group at one step count. */
    private record Batch(ParamGroup group, long step) {
    }

    /**
     * Sets every trainable parameter's gradient to zero, for a loop whose backward pass adds to the gradients (DJL's
     * {@code GradientCollector.backward}); a fill, not a multiplication, so a NaN gradient is cleared too. A kept
     * lookup table's gradient ({@link FreshGradients#keepRowGradient}) is then no longer known by its rows, since the
     * adding pass may reach any of them: clipping and the update read it whole.
     */
    public void zeroGradients() {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            for (Parameter p : parameters.values()) {
                if (p.requiresGradient()) {
                    p.getArray().getGradient().set(new NDIndex("..."), 0f);
                    FreshGradients.gradientRewritten(p);
                }
            }
        }
    }

    /**
     * Lets the optimiser defer the weight decay of the rows of lookup tables that no pass has written
     * ({@link dev.graft.model.torch.LazyRowDecay}) where it can; the caller then settles the parameters
     * ({@code LazyRowDecay.settle}) before anything but a lookup reads them. Nothing for an optimiser without weight
     * decay of idle rows to defer.
     */
    public void deferIdleRowDecay() {
    }

    @Override
    public long stepCount() {
        return stepCount;
    }

    /** The group a parameter belongs to. */
    public ParamGroup groupOf(String parameterName) {
        return groupOf.get(parameterName);
    }

    /** Optimiser state for a checkpoint: {@code slot<k>/<param>} tensors and per-parameter steps. */
    public Map<String, TensorData> exportState() {
        Map<String, TensorData> out = new LinkedHashMap<>();
        state.forEach((name, arrays) -> {
            for (int k = 0; k < arrays.length; k++) {
                String key = "slot" + k + "/" + name;
                out.put(key, new TensorData(key, arrays[k].getShape().getShape(), arrays[k].toFloatArray()));
            }
        });
        return out;
    }

    /** Per-parameter update counts, for a checkpoint. */
    public Map<String, Long> exportSteps() {
        return Map.copyOf(steps);
    }

    /** Restores what {@link #exportState()} and {@link #exportSteps()} produced; names and shapes must match. */
    public void importState(Map<String, TensorData> tensors, Map<String, Long> parameterSteps, long totalSteps) {
        state.clear();
        steps.clear();
        for (Map.Entry<String, Long> e : parameterSteps.entrySet()) {
            Parameter p = parameters.get(e.getKey());
            if (p == null) {
                throw new IllegalArgumentException("optimizer state names parameter '" + e.getKey() + "', which the model does not have");
            }
            NDArray[] s = newState(p.getArray().getShape());
            for (int k = 0; k < slots; k++) {
                TensorData t = tensors.get("slot" + k + "/" + e.getKey());
                if (t == null || !new Shape(t.shape()).equals(s[k].getShape())) {
                    throw new IllegalArgumentException("optimizer state for '" + e.getKey() + "' is missing or mis-shaped");
                }
                ArrayCopies.copyInto(s[k], t.data());
            }
            state.put(e.getKey(), s);
            steps.put(e.getKey(), e.getValue());
        }
        stepCount = totalSteps;
    }

    private NDArray[] newState(Shape shape) {
        NDArray[] s = new NDArray[slots];
        for (int k = 0; k < slots; k++) {
            s[k] = stateManager.zeros(shape);
            NDScope.unregister(s[k]);
        }
        return s;
    }
}
