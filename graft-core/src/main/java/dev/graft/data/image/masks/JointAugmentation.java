package dev.graft.data.image.masks;

/**
 * Augmentation of a training crop that keeps image and mask aligned: the same geometric transform (scale, position,
 * flips, quarter turns) is applied to both (bilinear for the image, nearest neighbour for the mask), and brightness and
 * contrast change the image only.
 *
 * @param flips      horizontal and vertical flips, each with probability ½
 * @param rotate90   a quarter turn 0–3 times, uniformly
 * @param minScale   smallest zoom (a crop of {@code size / scale} source pixels is resized to {@code size})
 * @param maxScale   largest zoom
 * @param brightness brightness shift up to ± this fraction of the range
 * @param contrast   contrast factor within 1 ± this
 */
public record JointAugmentation(boolean flips, boolean rotate90, double minScale, double maxScale, double brightness,
                                double contrast) {

    /** Validates the ranges. */
    public JointAugmentation {
        if (!(minScale > 0) || !(maxScale >= minScale) || !(brightness >= 0) || !(contrast >= 0 && contrast < 1)) {
            throw new IllegalArgumentException("augmentation needs 0 < minScale ≤ maxScale, brightness ≥ 0 and 0 ≤ contrast < 1; got "
                    + this);
        }
    }

    /** Flips, quarter turns, zoom 0.8–1.25, brightness ±0.1, contrast ±0.1. */
    public static JointAugmentation standard() {
        return new JointAugmentation(true, true, 0.8, 1.25, 0.1, 0.1);
    }

    /** Random crops at scale 1 and nothing else. */
    public static JointAugmentation none() {
        return new JointAugmentation(false, false, 1, 1, 0, 0);
    }
}
