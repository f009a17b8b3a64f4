package dev.graft.data.image;

import java.nio.file.Path;
import java.util.Locale;

/**
 * The largest image, in pixels (width × height), that {@link ImageDecoder} decodes; checked from the
 * file's header before any pixel is decoded, so a small file that claims huge dimensions (a
 * "decompression bomb": a 1 MB PNG of 20000×20000 pixels decodes to 1.2 GB) is refused with
 * {@link ImageTooLargeException} instead of exhausting the Java heap.
 *
 * <p>The default, {@value #DEFAULT} pixels (64 megapixels, e.g. 8000×8000), is above what cameras
 * produce (full-frame sensors up to about 61 MP, phones 12–50 MP) and costs at most about 400 MB of
 * heap per image being decoded (the decoder's raster plus the RGB copy, about 6 bytes a pixel), so
 * two decoding threads fit the CLI's default 4 GB heap next to a model. It is set, in this order of
 * precedence, by {@link #set(long)}, by the Java system property {@value #PROPERTY}, or left at the
 * default. The hard ceiling is {@link #CEILING} pixels, the most a decoded 3-byte-per-pixel RGB
 * buffer can hold.
 */
public final class ImagePixelLimit {

    /** The Java system property that sets the limit (pixels, a whole number), e.g. {@code -Dgraft.image.maxPixels=100000000}. */
    public static final String PROPERTY = "graft.image.maxPixels";

    /** The default limit: 64 megapixels. */
    public static final long DEFAULT = 64_000_000L;

    /** The largest limit that can be set: an {@link RgbImage} is one Java array of 3 bytes per pixel. */
    public static final long CEILING = Integer.MAX_VALUE / 3;

    private static volatile long override;

    private ImagePixelLimit() {
    }

    /** The limit in force: the one {@link #set}, else the system property {@value #PROPERTY}, else {@link #DEFAULT}. */
    public static long get() {
        long o = override;
        if (o > 0) {
            return o;
        }
        String p = System.getProperty(PROPERTY);
        if (p == null || p.isBlank()) {
            return DEFAULT;
        }
        try {
            return validated(Long.parseLong(p.trim().replace("_", "")), "the system property " + PROPERTY);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("The system property " + PROPERTY + " must be a whole number of pixels (e.g. "
                    + DEFAULT + "), got '" + p + "'.", e);
        }
    }

    /**
     * Sets the limit for this JVM (it takes precedence over the system property); {@code maxPixels} must be
     * between 1 and {@link #CEILING}.
     */
    public static void set(long maxPixels) {
        override = validated(maxPixels, "maxPixels");
    }

    /** Forgets {@link #set}: the system property or the default applies again. */
    public static void reset() {
        override = 0;
    }

    /**
     * Refuses an image whose header says it is {@code width × height} pixels when that is over {@code limit}.
     *
     * @throws ImageTooLargeException naming {@code file}, its dimensions, the limit and how to raise it
     */
    public static void check(Path file, int width, int height, long limit) {
        long pixels = (long) width * height;
        if (pixels > limit) {
            throw new ImageTooLargeException(file, width, height, limit);
        }
    }

    /** {@code n} pixels with thousands separators (e.g. {@code 64,000,000}). */
    static String format(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    private static long validated(long maxPixels, String what) {
        if (maxPixels < 1 || maxPixels > CEILING) {
            throw new IllegalArgumentException(what + " must be between 1 and " + format(CEILING) + " pixels, got " + maxPixels + ".");
        }
        return maxPixels;
    }
}
