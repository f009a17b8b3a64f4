package dev.graft.data.image.masks;

import java.nio.file.Path;

/**
 * One image and its mask.
 *
 * @param image the image file
 * @param mask  the mask file (same size; class values or palette indices)
 */
public record SegmentationExample(Path image, Path mask) {
}
