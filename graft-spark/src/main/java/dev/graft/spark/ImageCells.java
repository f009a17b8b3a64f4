package dev.graft.spark;

import dev.graft.data.image.ImageDecodeException;
import dev.graft.data.image.ImageDecoder;
import dev.graft.data.image.ImagePipeline;
import dev.graft.data.image.RgbImage;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads an image cell for the image stages: a path (a local path or a {@code file:} URI, as in the {@code path}
 * column of Spark's {@code binaryFile} source) or the file's bytes (a binary column such as {@code binaryFile}'s
 * {@code content}), decoded by graft-core's {@link ImageDecoder} and preprocessed by the model's
 * {@link ImagePipeline} (evaluation preprocessing, no augmentation), exactly as single-machine feature extraction does.
 * A null, missing, unreadable or corrupt image is a {@link RowBatches.BadRow} naming the file.
 */
final class ImageCells {

    private ImageCells() {
    }

    /** The preprocessed pixels ({@code 3·H·W} floats) of {@code cell}. */
    static float[] pixels(Object cell, ImagePipeline pipeline) {
        if (cell == null) {
            throw new RowBatches.BadRow("image is null");
        }
        RgbImage img;
        try {
            if (cell instanceof byte[] bytes) {
                img = ImageDecoder.decode(bytes, Path.of("(bytes of the row)"));
            } else {
                String s = cell.toString();
                if (s.isBlank()) {
                    throw new RowBatches.BadRow("image path is empty");
                }
                img = ImageDecoder.decode(localPath(s));
            }
            return pipeline.evaluate(img);
        } catch (ImageDecodeException e) {
            throw new RowBatches.BadRow(e.getMessage());
        } catch (RowBatches.BadRow e) {
            throw e;
        } catch (RuntimeException e) {
            throw new RowBatches.BadRow("Cannot use image " + cell + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** {@code s} as a local path: a plain path or a {@code file:} URI; other schemes are refused with what to do instead. */
    static Path localPath(String s) {
        if (s.startsWith("file:")) {
            try {
                return Path.of(URI.create(s));
            } catch (RuntimeException e) {
                return Path.of(s.substring("file:".length()).replaceFirst("^//", ""));
            }
        }
        if (s.matches("^[A-Za-z][A-Za-z0-9+.-]+://.*")) {
            throw new RowBatches.BadRow("Cannot read image " + s + ": only local paths and file: URIs are read directly; read remote"
                    + " images with spark.read().format(\"binaryFile\") and pass its binary 'content' column instead.");
        }
        return Path.of(s);
    }

    /** The images of a batch as one flat array ({@code n · 3·H·W}), as the feature extractors take them. */
    static float[] stack(List<float[]> images, int size) {
        float[] flat = new float[images.size() * size];
        for (int i = 0; i < images.size(); i++) {
            System.arraycopy(images.get(i), 0, flat, i * size, size);
        }
        return flat;
    }
}
