package dev.graft.model.vision.seg;

import dev.graft.util.Arguments;
import java.util.List;
import java.util.Locale;

/**
 * The decoders a {@link SegmentationNet} can have. Measured on em_membrane (README "Semantic segmentation"): the
 * U-Net decoder is the default.
 */
public enum DecoderKind {
    /** U-Net-style skip connections at every stride ({@code UNetDecoder}). */
    UNET,
    /** MobileNetV3's Lite R-ASPP head: the deepest map, squeeze-excited, plus a stride-8 skip ({@code LrAsppDecoder}). */
    LRASPP;

    /** Lower-case name, as in manifests and on the command line. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The kind named {@code key} (case-insensitive).
     *
     * @throws IllegalArgumentException naming the argument and the known kinds
     */
    public static DecoderKind parse(String key) {
        for (DecoderKind k : values()) {
            if (k.key().equalsIgnoreCase(key.trim())) {
                return k;
            }
        }
        throw new IllegalArgumentException(Arguments.name("decoder") + " must be one of unet, lraspp; got '" + key + "'");
    }

    /** A new, uninitialised decoder of this kind over encoder maps of {@code skips} channels (shallowest first). */
    SegmentationDecoder create(List<Integer> skips, int classes) {
        return switch (this) {
            case UNET -> new UNetDecoder(skips, classes);
            case LRASPP -> new LrAsppDecoder(skips, classes);
        };
    }
}
