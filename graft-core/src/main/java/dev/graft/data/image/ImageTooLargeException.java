package dev.graft.data.image;

import java.nio.file.Path;

/**
 * An image whose header claims more pixels than {@link ImagePixelLimit} allows; nothing of it was
 * decoded. Like any {@link ImageDecodeException} it is skipped and counted when a data set is
 * checked, or fails the run with {@code strict}.
 */
public class ImageTooLargeException extends ImageDecodeException {

    private final int width;
    private final int height;
    private final long limit;

    /** {@code path} is {@code width × height} pixels, over {@code limit}. */
    public ImageTooLargeException(Path path, int width, int height, long limit) {
        super(path, reason(width, height, limit), null);
        this.width = width;
        this.height = height;
        this.limit = limit;
    }

    /**
     * The dimensions, the limit and how to raise it; the heap suggested fits two images of this size being
     * decoded at once (about 6 bytes a pixel each) and a model.
     */
    private static String reason(int width, int height, long limit) {
        long pixels = (long) width * height;
        String over = "too large: " + width + "×" + height + " = " + ImagePixelLimit.format(pixels) + " pixels, over ";
        if (pixels > ImagePixelLimit.CEILING) {
            return over + "the most Graft can decode, " + ImagePixelLimit.format(ImagePixelLimit.CEILING) + "; downscale it";
        }
        long heapGb = Math.max(4, (pixels * 6 * 2 + (1L << 30) - 1) / (1L << 30) + 2);
        return over + "the limit of " + ImagePixelLimit.format(limit) + "; downscale it, or raise the limit with the Java system property "
                + ImagePixelLimit.PROPERTY + ", e.g. GRAFT_JAVA_OPTS=\"-Xmx" + heapGb + "g -D" + ImagePixelLimit.PROPERTY + "="
                + pixels + "\"";
    }

    /** The width the header claims. */
    public int width() {
        return width;
    }

    /** The height the header claims. */
    public int height() {
        return height;
    }

    /** The limit in pixels that was in force. */
    public long limit() {
        return limit;
    }
}
