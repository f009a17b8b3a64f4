package dev.graft.data.image.masks;

/**
 * Augmentation of a training crop that keeps image and mask aligned: the same geometric transform (scale, position,
 * flips, quarter turns, elastic deformation) is applied to both (bilinear for the image, nearest neighbour for the
 * mask), and brightness and contrast change the image only.
 *
 * <p>The elastic deformation displaces every crop pixel by a smooth random field: displacements drawn uniformly within
 * ± {@code elastic} pixels at the {@value #ELASTIC_CELLS}×{@value #ELASTIC_CELLS}-cell grid's corners of the crop,
 * bilinearly interpolated in between (the grid form of Simard et al. 2003's smoothed random field, as
 * batchgenerators' and Albumentations' grid distortion).
 *
 * @param flips      horizontal and vertical flips, each with probability ½
 * @param rotate90   a quarter turn 0–3 times, uniformly
 * @param minScale   smallest zoom (a crop of {@code size / scale} source pixels is resized to {@code size})
 * @param maxScale   largest zoom
 * @param brightness brightness shift up to ± this fraction of the range
 * @param contrast   contrast factor within 1 ± this
 * @param elastic    largest elastic displacement in crop pixels (0: none)
 */
public record JointAugmentation(boolean flips, boolean rotate90, double minScale, double maxScale, double brightness,
                                double contrast, double elastic) {

    /** Cells per side of the elastic displacement grid. */
    public static final int ELASTIC_CELLS = 4;

    /** Validates the ranges. */
    public JointAugmentation {
        if (!(minScale > 0) || !(maxScale >= minScale) || !(brightness >= 0) || !(contrast >= 0 && contrast < 1)
                || !(elastic >= 0)) {
            throw new IllegalArgumentException("augmentation needs 0 < minScale ≤ maxScale, brightness ≥ 0, 0 ≤ contrast < 1 and"
                    + " elastic ≥ 0; got " + this);
        }
    }

    /** Without elastic deformation. */
    public JointAugmentation(boolean flips, boolean rotate90, double minScale, double maxScale, double brightness, double contrast) {
        this(flips, rotate90, minScale, maxScale, brightness, contrast, 0);
    }

    /** Copy with elastic deformation of up to {@code pixels} crop pixels (0: none). */
    public JointAugmentation withElastic(double pixels) {
        return new JointAugmentation(flips, rotate90, minScale, maxScale, brightness, contrast, pixels);
    }

    /** Flips, quarter turns, zoom 0.8–1.25, brightness ±0.1, contrast ±0.1. */
    public static JointAugmentation standard() {
        return new JointAugmentation(true, true, 0.8, 1.25, 0.1, 0.1);
    }

    /** Random crops at scale 1 and nothing else. */
    public static JointAugmentation none() {
        return new JointAugmentation(false, false, 1, 1, 0, 0);
    }

    /**
     * The augmentation named {@code name}: {@code standard}, {@code noflip} (zoom, brightness and contrast, no flips or
     * turns) or {@code none}.
     *
     * @throws IllegalArgumentException naming the argument and the known names
     */
    public static JointAugmentation parse(String name) {
        return switch (name.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "standard" -> standard();
            case "noflip" -> new JointAugmentation(false, false, 0.8, 1.25, 0.1, 0.1);
            case "none" -> none();
            default -> throw new IllegalArgumentException(dev.graft.util.Arguments.name("augment")
                    + " takes standard, noflip or none, got '" + name + "'.");
        };
    }
}
