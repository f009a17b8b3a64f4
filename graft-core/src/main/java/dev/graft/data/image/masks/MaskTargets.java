package dev.graft.data.image.masks;

/** Gold masks of a set of examples, by index: whole images, or the augmented crops a {@link CropSampler} draws. */
public interface MaskTargets {

    /** Number of examples. */
    int size();

    /** The mask of example {@code i}, as class indices ({@link LabelMask#IGNORE} where nothing counts). */
    LabelMask mask(int i);

    /** Number of classes. */
    int numClasses();
}
