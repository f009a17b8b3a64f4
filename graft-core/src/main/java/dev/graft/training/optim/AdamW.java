package dev.graft.training.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Parameter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AdamW (Loshchilov and Hutter) with parameter groups, matching {@code torch.optim.AdamW}: per-group
 * learning-rate scale and decoupled weight decay, keyed by stable parameter names. DJL's own
 * optimisers apply one global weight decay and key state by run-local ids, which is why this
 * exists.
 */
public final class AdamW implements Optimizer {

    private final double beta1;
    private final double beta2;
    private final double eps;
    private final Map<String, Parameter> parameters;
    private final Map<String, ParamGroup> groupOf = new LinkedHashMap<>();
    private final Map<String, NDArray[]> state = new HashMap<>();
    private final NDManager stateManager;
    private long step;

    /**
     * @param parameters   trainable parameters by stable name
     * @param groups       every name in {@code parameters} must be in exactly one group
     * @param stateManager owns the moment estimates (lives as long as the optimiser)
     */
    public AdamW(Map<String, Parameter> parameters, List<ParamGroup> groups, NDManager stateManager,
                 double beta1, double beta2, double eps) {
        this.parameters = new LinkedHashMap<>(parameters);
        this.stateManager = stateManager;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        for (ParamGroup g : groups) {
            for (String n : g.parameters()) {
                if (!parameters.containsKey(n)) {
                    throw new IllegalArgumentException("parameter group '" + g.name() + "' names '" + n
                            + "', which is not among the trainable parameters " + parameters.keySet());
                }
                if (groupOf.put(n, g) != null) {
                    throw new IllegalArgumentException("parameter '" + n + "' is in two groups");
                }
            }
        }
        for (String n : parameters.keySet()) {
            if (!groupOf.containsKey(n)) {
                throw new IllegalArgumentException("trainable parameter '" + n + "' is in no parameter group");
            }
        }
    }

    /** AdamW with PyTorch's default betas (0.9, 0.999) and epsilon 1e-8. */
    public static AdamW of(Map<String, Parameter> parameters, List<ParamGroup> groups, NDManager stateManager) {
        return new AdamW(parameters, groups, stateManager, 0.9, 0.999, 1e-8);
    }

    @Override
    public void step(double learningRate) {
        step++;
        double bc1 = 1 - Math.pow(beta1, step);
        double bc2 = 1 - Math.pow(beta2, step);
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
                ParamGroup group = groupOf.get(e.getKey());
                double lr = learningRate * group.lrScale();
                NDArray w = e.getValue().getArray();
                NDArray g = w.getGradient();
                NDArray[] mv = state.computeIfAbsent(e.getKey(), k -> newState(w));
                NDArray m = mv[0];
                NDArray v = mv[1];
                if (group.weightDecay() > 0 && lr > 0) {
                    w.muli(1 - lr * group.weightDecay());
                }
                m.muli(beta1).addi(g.mul(1 - beta1));
                v.muli(beta2).addi(g.square().muli(1 - beta2));
                if (lr > 0) {
                    NDArray denom = v.sqrt().divi(Math.sqrt(bc2)).addi(eps);
                    w.subi(m.div(denom).muli(lr / bc1));
                }
                g.muli(0);
            }
        }
    }

    private NDArray[] newState(NDArray like) {
        NDArray m = stateManager.zeros(like.getShape(), like.getDataType());
        NDArray v = stateManager.zeros(like.getShape(), like.getDataType());
        NDScope.unregister(m, v);
        return new NDArray[] {m, v};
    }

    @Override
    public long stepCount() {
        return step;
    }
}
