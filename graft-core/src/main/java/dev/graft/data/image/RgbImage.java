package dev.graft.data.image;

/**
 * A decoded 8-bit RGB image, row-major, channels interleaved ({@code r,g,b,r,g,b,...}).
 *
 * @param width  pixels per row
 * @param height rows
 * @param rgb    {@code width·height·3} bytes
 */
public record RgbImage(int width, int height, byte[] rgb) {

    /** Checks the buffer size. */
    public RgbImage {
        if (width <= 0 || height <= 0 || rgb.length != width * height * 3) {
            throw new IllegalArgumentException("RGB image " + width + "x" + height + " needs " + (long) width * height * 3
                    + " bytes, got " + rgb.length);
        }
    }

    /** Channel {@code c} (0 red, 1 green, 2 blue) at column {@code x}, row {@code y}, in 0..255. */
    public int get(int x, int y, int c) {
        return rgb[(y * width + x) * 3 + c] & 0xFF;
    }
}
