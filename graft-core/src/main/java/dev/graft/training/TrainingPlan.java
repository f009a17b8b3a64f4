package dev.graft.training;

import dev.graft.training.optim.OptimizerSpec;
import java.util.Objects;

/**
 * What to train and how, beyond the basic settings of {@link TrainConfig}; fixed before training
 * starts. A {@code null} freeze schedule leaves trainability as the model has it; {@code null}
 * rates give every parameter the base learning rate.
 *
 * @param optimizer    optimiser family and gradient clipping
 * @param freeze       which layer groups train in each epoch (needs a {@link dev.graft.model.Splittable} model)
 * @param rates        differential learning rates per layer group (needs a splittable model)
 * @param l2sp         strength α of L2-SP regularisation toward the pretrained weights; 0 = off
 * @param monitorDrift report each backbone group's relative distance from its pretrained weights every epoch
 */
public record TrainingPlan(OptimizerSpec optimizer, FreezeSchedule freeze, DiscriminativeLr rates, double l2sp,
                           boolean monitorDrift) {

    /** Validates the fields. */
    public TrainingPlan {
        Objects.requireNonNull(optimizer, "optimizer");
        if (!(l2sp >= 0)) {
            throw new IllegalArgumentException("L2-SP strength must be ≥ 0, got " + l2sp);
        }
    }

    /** AdamW over every trainable parameter, no freezing control, no regularisation toward the backbone. */
    public static TrainingPlan simple() {
        return new TrainingPlan(OptimizerSpec.adamW(), null, null, 0, false);
    }

    /** Whether the plan needs the model's layer groups. */
    public boolean needsGroups() {
        return freeze != null || rates != null || l2sp > 0 || monitorDrift;
    }
}
