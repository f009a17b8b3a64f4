package dev.graft.model;

import java.util.List;

/**
 * A model that can be split into {@link LayerGroup}s, bottom to top with the head last, so
 * freezing, unfreezing and learning rates are defined on groups rather than ad-hoc name lists.
 */
public interface Splittable extends NamedParameters {

    /** The groups, bottom (closest to the input) to top; the last group is the head. */
    List<LayerGroup> layerGroups();
}
