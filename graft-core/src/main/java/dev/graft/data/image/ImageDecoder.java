package dev.graft.data.image;

import dev.graft.util.OptionalDependency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorConvertOp;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes JPEG (baseline, progressive, CMYK/YCCK through TwelveMonkeys), PNG, GIF (first frame),
 * BMP and WebP files to 8-bit RGB the way PIL's {@code convert("RGB")} does: grayscale is
 * replicated into three channels (no gamma conversion), palettes are expanded, alpha is dropped,
 * CMYK is colour-converted; JPEG EXIF orientation is applied.
 *
 * <p>Every decode first reads the image's dimensions from its header and refuses one over
 * {@link ImagePixelLimit} ({@link ImageTooLargeException}) before decoding any pixel.
 */
public final class ImageDecoder {

    /** File extensions recognised as images (lower case, without the dot). */
    public static final Set<String> EXTENSIONS = Set.of("jpg", "jpeg", "png", "gif", "bmp", "webp");

    static {
        ImageIO.setUseCache(false);
        ImageIO.scanForPlugins();
    }

    private ImageDecoder() {
    }

    /** Whether {@code file}'s name has an image extension. */
    public static boolean hasImageExtension(Path file) {
        String n = file.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(n.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /**
     * Decodes {@code file}; a corrupt, truncated, unsupported or too large ({@link ImagePixelLimit}) file raises
     * {@link ImageDecodeException} naming it.
     */
    public static RgbImage decode(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ImageDecodeException(file, "cannot read the file (" + e.getMessage() + ")", e);
        }
        return decode(bytes, file);
    }

    /** Decodes image bytes as {@link #decode(Path)} does; {@code name} is used in errors. */
    public static RgbImage decode(byte[] bytes, Path name) {
        OptionalDependency.require("reading images", OptionalDependency.IMAGEIO_JPEG, OptionalDependency.IMAGEIO_WEBP);
        long maxPixels = ImagePixelLimit.get(); // a bad setting fails here, not as a "corrupt" image
        BufferedImage img;
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new ImageDecodeException(name, "not a recognised image format (JPEG, PNG, GIF, BMP or WebP)", null);
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                ImagePixelLimit.check(name, reader.getWidth(0), reader.getHeight(0), maxPixels); // from the header, before any pixel
                img = reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof ImageDecodeException d) {
                throw d;
            }
            throw new ImageDecodeException(name, "corrupt or truncated (" + dev.graft.util.Excerpt.of(String.valueOf(e.getMessage())) + ")", e);
        }
        if (img == null) {
            throw new ImageDecodeException(name, "the decoder returned no image", null);
        }
        RgbImage rgb = toRgb(img);
        return ExifOrientation.apply(rgb, ExifOrientation.read(bytes));
    }

    /** Converts any decoded image to 8-bit RGB (see the class comment). */
    public static RgbImage toRgb(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        byte[] out = new byte[w * h * 3];
        ColorSpace cs = img.getColorModel().getColorSpace();
        Raster raster = img.getRaster();
        if (cs.getType() == ColorSpace.TYPE_GRAY && img.getColorModel().getNumColorComponents() == 1
                && !(img.getColorModel() instanceof java.awt.image.IndexColorModel)) {
            // Gray values are copied as they are (PIL "L" → "RGB"); Java's getRGB would gamma-convert them.
            int bits = img.getColorModel().getComponentSize(0);
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    int v = bits == 8 ? row[x] : (int) Math.round(row[x] * 255.0 / ((1 << bits) - 1));
                    int o = (y * w + x) * 3;
                    out[o] = out[o + 1] = out[o + 2] = (byte) v;
                }
            }
            return new RgbImage(w, h, out);
        }
        BufferedImage src = img;
        if (cs.getType() != ColorSpace.TYPE_RGB) {
            // CMYK, YCCK and other colour spaces: convert to sRGB first.
            BufferedImage rgb = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            new ColorConvertOp(null).filter(img, rgb);
            src = rgb;
        }
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            src.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int p = row[x];
                int o = (y * w + x) * 3;
                out[o] = (byte) (p >> 16);
                out[o + 1] = (byte) (p >> 8);
                out[o + 2] = (byte) p;
            }
        }
        return new RgbImage(w, h, out);
    }
}
