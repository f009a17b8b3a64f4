package dev.graft.report;

import dev.graft.data.image.ImageDecoder;
import dev.graft.data.image.RgbImage;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Optional;
import javax.imageio.ImageIO;

/** Small PNG thumbnails of image files as {@code data:} URIs, so a report embeds the images it shows. */
public final class ImageThumbnails {

    /** Longest side of a thumbnail in pixels. */
    public static final int SIZE = 96;

    private ImageThumbnails() {
    }

    /**
     * The image at {@code file} (any format Graft reads, EXIF orientation applied) scaled so its longer side is
     * {@code size} pixels — small images are enlarged with nearest-neighbour so their pixels stay visible — as a
     * {@code data:image/png;base64,...} URI; empty when the file cannot be read.
     */
    public static Optional<String> dataUri(Path file, int size) {
        try {
            RgbImage img = ImageDecoder.decode(file);
            double scale = (double) size / Math.max(img.width(), img.height());
            int w = Math.max(1, (int) Math.round(img.width() * scale));
            int h = Math.max(1, (int) Math.round(img.height() * scale));
            BufferedImage src = new BufferedImage(img.width(), img.height(), BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < img.height(); y++) {
                for (int x = 0; x < img.width(); x++) {
                    src.setRGB(x, y, img.get(x, y, 0) << 16 | img.get(x, y, 1) << 8 | img.get(x, y, 2));
                }
            }
            BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = out.createGraphics();
            try {
                g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, scale >= 1 ? RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR
                        : RenderingHints.VALUE_INTERPOLATION_BILINEAR);
                g.drawImage(src, 0, 0, w, h, null);
            } finally {
                g.dispose();
            }
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            ImageIO.write(out, "png", png);
            return Optional.of("data:image/png;base64," + Base64.getEncoder().encodeToString(png.toByteArray()));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
