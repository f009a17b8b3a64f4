package dev.graft.training;

import dev.graft.util.Arguments;
import dev.graft.model.LayerGroup;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which layer groups train in each epoch, fixed before training starts.
 *
 * <p>Backbone groups are counted from the top. For the first {@code headEpochs} epochs only the
 * head trains; afterwards the top {@code depth} backbone groups train too — all at once, or with
 * {@code gradual} one more group per epoch, top-down (ULMFiT's gradual unfreezing). With
 * {@code freezeEmbeddings} the bottom group (the embeddings) never trains.
 *
 * @param depth            backbone groups to unfreeze from the top; {@link #ALL} for every group
 * @param headEpochs       epochs that train the head alone first
 * @param gradual          unfreeze one more group per epoch instead of all at once
 * @param freezeEmbeddings keep the bottom backbone group frozen even when {@code depth} is all
 */
public record FreezeSchedule(int depth, int headEpochs, boolean gradual, boolean freezeEmbeddings) {

    /** Depth meaning "every backbone group". */
    public static final int ALL = Integer.MAX_VALUE;

    /** Validates the fields. */
    public FreezeSchedule {
        if (depth < 0) {
            throw new IllegalArgumentException("unfreeze depth must be ≥ 0 or all, got " + depth);
        }
        if (headEpochs < 0) {
            throw new IllegalArgumentException(Arguments.name("headEpochs") + " (head-only epochs) must be ≥ 0, got " + headEpochs);
        }
    }

    /** Only the head trains (the backbone stays frozen). */
    public static FreezeSchedule headOnly() {
        return new FreezeSchedule(0, 0, false, false);
    }

    /** Everything trains from the first epoch. */
    public static FreezeSchedule all() {
        return new FreezeSchedule(ALL, 0, false, false);
    }

    /** The head and the top {@code k} backbone groups train. */
    public static FreezeSchedule top(int k) {
        return new FreezeSchedule(k, 0, false, false);
    }

    /** Copy with gradual unfreezing on or off. */
    public FreezeSchedule withGradual(boolean v) {
        return new FreezeSchedule(depth, headEpochs, v, freezeEmbeddings);
    }

    /** Copy training the head alone for the first {@code v} epochs. */
    public FreezeSchedule withHeadEpochs(int v) {
        return new FreezeSchedule(depth, v, gradual, freezeEmbeddings);
    }

    /** Copy keeping the embeddings frozen. */
    public FreezeSchedule withFreezeEmbeddings(boolean v) {
        return new FreezeSchedule(depth, headEpochs, gradual, v);
    }

    /**
     * Checks the depth against a model's groups, naming the maximum.
     *
     * @throws IllegalArgumentException when {@code depth} exceeds the backbone groups
     */
    public void validate(List<LayerGroup> groups) {
        int backbone = (int) groups.stream().filter(g -> !g.isHead()).count();
        if (depth != ALL && depth > backbone) {
            throw new IllegalArgumentException("cannot unfreeze " + depth + " layer groups: the model has " + backbone
                    + " (" + String.join(", ", groups.stream().filter(g -> !g.isHead()).map(LayerGroup::name).toList())
                    + "). Use " + Arguments.name("unfreeze") + " " + backbone + " or " + Arguments.name("unfreeze") + " all.");
        }
    }

    /** Names of the groups that train in {@code epoch} (1-based); the head always trains. */
    public Set<String> trainable(int epoch, List<LayerGroup> groups) {
        List<LayerGroup> backbone = groups.stream().filter(g -> !g.isHead()).toList();
        int k;
        if (epoch <= headEpochs) {
            k = 0;
        } else {
            int target = Math.min(depth, backbone.size());
            k = gradual ? Math.min(target, epoch - headEpochs) : target;
        }
        Set<String> names = new LinkedHashSet<>();
        groups.stream().filter(LayerGroup::isHead).forEach(g -> names.add(g.name()));
        for (int i = backbone.size() - k; i < backbone.size(); i++) {
            if (i == 0 && freezeEmbeddings && backbone.size() > 1) {
                continue;
            }
            names.add(backbone.get(i).name());
        }
        return names;
    }

    /** Human-readable description for logs and provenance. */
    public String describe() {
        String d = depth == ALL ? "all" : Integer.toString(depth);
        return "unfreeze=" + d + (gradual ? ", gradual" : "") + (headEpochs > 0 ? ", head-only epochs=" + headEpochs : "")
                + (freezeEmbeddings ? ", embeddings frozen" : "");
    }
}
