package dev.graft.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Parameter;
import dev.graft.model.LayerGroup;
import dev.graft.model.torch.FreshGradients;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pretrained backbone weights as they were before training: the reference for the
 * forgetting monitor (relative L2 distance per layer group) and for L2-SP regularisation, which
 * pulls weights back toward them ({@code α/2 · ‖w − w₀‖²}, Li et al. 2018).
 */
final class Anchors implements AutoCloseable {

    private final NDManager manager;
    private final Map<String, NDArray> initial = new LinkedHashMap<>();
    private final List<LayerGroup> groups;

    Anchors(Map<String, Parameter> parameters, List<LayerGroup> groups, NDManager parent) {
        this.manager = parent.newSubManager();
        this.groups = groups.stream().filter(g -> !g.isHead()).toList();
        for (LayerGroup g : this.groups) {
            for (String n : g.parameters()) {
                NDArray copy = parameters.get(n).getArray().duplicate();
                copy.attach(manager);
                initial.put(n, copy);
            }
        }
    }

    /** Adds {@code α (w − w₀)} to the gradient of every trainable anchored parameter. */
    void addL2SpGradient(Map<String, Parameter> parameters, double alpha) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            initial.forEach((name, w0) -> {
                Parameter p = parameters.get(name);
                if (p.requiresGradient()) {
                    NDArray w = p.getArray();
                    w.getGradient().addi(w.sub(w0).muli(alpha));
                    FreshGradients.gradientRewritten(p); // every row now has a gradient
                }
            });
        }
    }

    /** ‖w − w₀‖ / ‖w₀‖ for each backbone layer group. */
    Map<String, Double> drift(Map<String, Parameter> parameters) {
        Map<String, Double> out = new LinkedHashMap<>();
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            for (LayerGroup g : groups) {
                double diff = 0;
                double base = 0;
                for (String n : g.parameters()) {
                    NDArray w0 = initial.get(n);
                    diff += parameters.get(n).getArray().sub(w0).square().sum().getFloat();
                    base += w0.square().sum().getFloat();
                }
                out.put(g.name(), base == 0 ? 0 : Math.sqrt(diff / base));
            }
        }
        return out;
    }

    @Override
    public void close() {
        manager.close();
    }
}
