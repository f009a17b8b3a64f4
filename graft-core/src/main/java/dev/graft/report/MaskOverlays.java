package dev.graft.report;

import dev.graft.data.image.RgbImage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import javax.imageio.ImageIO;

/**
 * Pictures of segmentation masks: an image with its classes tinted over it, the pixels where a prediction differs from
 * the gold mask, and a mask written as gray values; as PNG bytes or {@code data:} URIs for reports.
 */
public final class MaskOverlays {

    /** Tint of class {@code c} (class 0, the background, is not tinted), RGB. */
    private static final int[][] PALETTE = {{0, 0, 0}, {0, 200, 255}, {255, 200, 0}, {255, 64, 160}, {120, 255, 90},
            {160, 100, 255}, {255, 120, 40}, {40, 255, 220}};
    /** How much of a tinted pixel is tint. */
    private static final double ALPHA = 0.45;

    private MaskOverlays() {
    }

    /** {@code image} with every pixel of class ≥ 1 in {@code classes} (row-major) tinted with its class colour. */
    public static BufferedImage overlay(RgbImage image, int[] classes) {
        BufferedImage out = new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < image.width(); x++) {
                int c = classes[y * image.width() + x];
                int[] rgb = {image.get(x, y, 0), image.get(x, y, 1), image.get(x, y, 2)};
                if (c > 0) {
                    int[] t = PALETTE[1 + (c - 1) % (PALETTE.length - 1)];
                    for (int k = 0; k < 3; k++) {
                        rgb[k] = (int) Math.round(rgb[k] * (1 - ALPHA) + t[k] * ALPHA);
                    }
                }
                out.setRGB(x, y, rgb[0] << 16 | rgb[1] << 8 | rgb[2]);
            }
        }
        return out;
    }

    /** {@code image} darkened, with the pixels where {@code predicted} differs from {@code gold} in red (ignored pixels: gray). */
    public static BufferedImage errors(RgbImage image, int[] gold, int[] predicted) {
        BufferedImage out = new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < image.width(); x++) {
                int p = y * image.width() + x;
                int v = image.get(x, y, 0) / 3;
                int rgb = gold[p] < 0 ? 0x808080 : gold[p] != predicted[p] ? 0xff3030 : v << 16 | v << 8 | v;
                out.setRGB(x, y, rgb);
            }
        }
        return out;
    }

    /** A mask as an 8-bit gray image whose values are each class's mask value ({@code values[class]}). */
    public static BufferedImage mask(int width, int height, int[] classes, int[] values) {
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        int[] v = new int[classes.length];
        for (int p = 0; p < v.length; p++) {
            v[p] = values[classes[p]];
        }
        out.getRaster().setSamples(0, 0, width, height, 0, v);
        return out;
    }

    /** PNG bytes of {@code image}. */
    public static byte[] png(BufferedImage image) {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            ImageIO.write(image, "png", b);
            return b.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot encode a PNG: " + e.getMessage(), e);
        }
    }

    /** {@code image} as a {@code data:image/png;base64,...} URI. */
    public static String dataUri(BufferedImage image) {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png(image));
    }
}
