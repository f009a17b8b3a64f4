package dev.graft.data.image.masks;

import dev.graft.data.image.ImageDecodeException;
import dev.graft.data.image.ImagePixelLimit;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Reads a mask file as its raw 8-bit values, without any colour conversion: the gray level of an 8-bit grayscale
 * image (an alpha channel beside it is ignored), or the palette index of a palette image. The pixel count is checked
 * against {@link ImagePixelLimit} from the header, before decoding. Colour (RGB) and 16-bit masks are refused: their
 * values are not class indices.
 */
public final class MaskDecoder {

    private MaskDecoder() {
    }

    /**
     * The raw values of {@code file}, row-major.
     *
     * @return a mask whose "classes" are the raw values 0..255 (map them with {@link MaskClasses#apply})
     * @throws ImageDecodeException naming the file when it cannot be read, is too large, or is not a gray or palette image
     */
    public static LabelMask rawValues(Path file) {
        long maxPixels = ImagePixelLimit.get();
        BufferedImage img;
        try (ImageInputStream in = ImageIO.createImageInputStream(Files.newInputStream(file))) {
            if (in == null) {
                throw new ImageDecodeException(file, "cannot open the file", null);
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new ImageDecodeException(file, "not a recognised image format (save masks as PNG)", null);
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                ImagePixelLimit.check(file, reader.getWidth(0), reader.getHeight(0), maxPixels);
                img = reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof ImageDecodeException d) {
                throw d;
            }
            throw new ImageDecodeException(file, "cannot read the mask (" + dev.graft.util.Excerpt.of(String.valueOf(e.getMessage())) + ")", e);
        }
        if (img == null) {
            throw new ImageDecodeException(file, "the decoder returned no image", null);
        }
        return values(img, file);
    }

    static LabelMask values(BufferedImage img, Path file) {
        int w = img.getWidth();
        int h = img.getHeight();
        Raster raster = img.getRaster();
        boolean palette = img.getColorModel() instanceof IndexColorModel;
        int colour = img.getColorModel().getNumColorComponents();
        if (!palette && colour != 1) {
            throw new ImageDecodeException(file, "is a colour image (" + colour + " colour channels); a mask must be 8-bit"
                    + " grayscale or a palette PNG whose values (or palette indices) are the classes", null);
        }
        int bits = raster.getSampleModel().getSampleSize(0);
        if (bits > 8) {
            throw new ImageDecodeException(file, "has " + bits + "-bit samples; a mask must be 8-bit grayscale or a palette PNG", null);
        }
        int[] out = new int[w * h];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            raster.getSamples(0, y, w, 1, 0, row);
            System.arraycopy(row, 0, out, y * w, w);
        }
        return new LabelMask(w, h, out);
    }
}
