package dev.graft.model;

import java.util.List;

/**
 * A named slice of a model's parameters that is frozen, unfrozen and given a learning rate as a
 * unit (fastai's parameter groups). A model lists its groups bottom to top, head last.
 *
 * @param name       e.g. {@code embeddings}, {@code encoder.layer.3}, {@code head}
 * @param parameters stable parameter names in this group
 * @param isHead     whether this group is the new task head (always trained)
 */
public record LayerGroup(String name, List<String> parameters, boolean isHead) {

    /** Copies the list. */
    public LayerGroup {
        parameters = List.copyOf(parameters);
    }
}
