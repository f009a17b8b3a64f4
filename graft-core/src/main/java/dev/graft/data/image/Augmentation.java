package dev.graft.data.image;

/**
 * Train-time augmentation, applied in this order: RandomResizedCrop to the model's crop size
 * (area fraction in [{@code minScale}, 1], aspect ratio in [3/4, 4/3]), horizontal flip with
 * probability {@code flip}, rotation by a uniform angle in ±{@code maxRotationDegrees} (corners
 * filled black), and colour jitter (brightness, contrast, saturation factors uniform in
 * [1−j, 1+j]). Validation and test images get only resize + centre crop.
 *
 * @param minScale           smallest crop area as a fraction of the image, in (0, 1]
 * @param flip               horizontal flip probability, in [0, 1]
 * @param maxRotationDegrees largest rotation, ≥ 0
 * @param jitter             colour jitter strength, in [0, 1)
 */
public record Augmentation(double minScale, double flip, double maxRotationDegrees, double jitter) {

    /** Validates the fields. */
    public Augmentation {
        if (!(minScale > 0 && minScale <= 1) || !(flip >= 0 && flip <= 1) || !(maxRotationDegrees >= 0)
                || !(jitter >= 0 && jitter < 1)) {
            throw new IllegalArgumentException("augmentation out of range: minScale " + minScale + " (0,1], flip " + flip
                    + " [0,1], rotation " + maxRotationDegrees + " ≥ 0, jitter " + jitter + " [0,1)");
        }
    }

    /** Defaults: crop area 25–100%, flip 0.5, ±10°, jitter 0.2. */
    public static Augmentation standard() {
        return new Augmentation(0.25, 0.5, 10, 0.2);
    }

    /** {@link #standard()} without flips (for digits, text, anything not mirror-symmetric). */
    public static Augmentation noFlip() {
        return new Augmentation(0.25, 0, 10, 0.2);
    }

    /** No augmentation: training images are preprocessed like validation images. */
    public static Augmentation none() {
        return new Augmentation(1, 0, 0, 0);
    }

    /** Whether this changes anything. */
    public boolean isNone() {
        return minScale == 1 && flip == 0 && maxRotationDegrees == 0 && jitter == 0;
    }

    /** By name: {@code standard}, {@code noflip} or {@code none}. */
    public static Augmentation parse(String name) {
        return switch (name.toLowerCase(java.util.Locale.ROOT).replace("-", "")) {
            case "standard", "default" -> standard();
            case "noflip" -> noFlip();
            case "none", "off" -> none();
            default -> throw new IllegalArgumentException("Unknown augmentation '" + name + "'; use standard, noflip or none.");
        };
    }
}
