package dev.graft.training;

import dev.graft.model.LayerGroup;
import dev.graft.training.optim.ParamGroup;
import java.util.ArrayList;
import java.util.List;

/**
 * Differential learning rates over layer groups: the head at {@code headLr}; the top backbone
 * group at {@code backboneLr}, each group below it multiplied by {@code layerDecay} once more
 * (layer-wise LR decay). Weight decay applies to weights but never to biases and norms.
 *
 * @param headLr      learning rate of the new head (the base rate the schedule scales)
 * @param backboneLr  learning rate of the top backbone group
 * @param layerDecay  factor per group going down, in (0, 1]; 1 = the same rate for all backbone groups
 * @param weightDecay decoupled weight decay
 */
public record DiscriminativeLr(double headLr, double backboneLr, double layerDecay, double weightDecay) {

    /** Validates the fields. */
    public DiscriminativeLr {
        if (!(headLr > 0) || !(backboneLr > 0)) {
            throw new IllegalArgumentException("learning rates must be positive, got head " + headLr + " and backbone " + backboneLr);
        }
        if (!(layerDecay > 0 && layerDecay <= 1)) {
            throw new IllegalArgumentException("layer decay must be in (0, 1], got " + layerDecay);
        }
        if (!(weightDecay >= 0)) {
            throw new IllegalArgumentException("weight decay must be ≥ 0, got " + weightDecay);
        }
    }

    /** Learning rate of each group, bottom to top, head last. */
    public List<Double> rates(List<LayerGroup> groups) {
        List<LayerGroup> backbone = groups.stream().filter(g -> !g.isHead()).toList();
        List<Double> out = new ArrayList<>();
        for (LayerGroup g : groups) {
            if (g.isHead()) {
                out.add(headLr);
            } else {
                int fromTop = backbone.size() - 1 - backbone.indexOf(g);
                out.add(backboneLr * Math.pow(layerDecay, fromTop));
            }
        }
        return out;
    }

    /** Optimiser parameter groups (scales relative to {@link #headLr}), decay and no-decay split. */
    public List<ParamGroup> paramGroups(List<LayerGroup> groups) {
        List<Double> rates = rates(groups);
        List<ParamGroup> out = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            out.addAll(ParamGroup.withDecayRule(groups.get(i).name(), groups.get(i).parameters(), rates.get(i) / headLr, weightDecay));
        }
        return out;
    }
}
