package dev.graft.data.image.masks;

/**
 * A mask as class indices, row-major: {@code classes[y * width + x]} is a class in {@code [0, classes)} or
 * {@link #IGNORE} where the loss and the metrics skip the pixel.
 *
 * @param width   pixels per row
 * @param height  rows
 * @param classes one class index per pixel
 */
public record LabelMask(int width, int height, int[] classes) {

    /** The class index of pixels that count for nothing (an ignore value in the mask, or padding). */
    public static final int IGNORE = -1;

    /** Checks the size. */
    public LabelMask {
        if (width <= 0 || height <= 0 || classes.length != (long) width * height) {
            throw new IllegalArgumentException("a " + width + "x" + height + " mask needs " + (long) width * height
                    + " class indices, got " + classes.length);
        }
    }

    /** The class at pixel ({@code x}, {@code y}). */
    public int at(int x, int y) {
        return classes[y * width + x];
    }
}
