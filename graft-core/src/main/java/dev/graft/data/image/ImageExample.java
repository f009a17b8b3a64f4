package dev.graft.data.image;

import java.nio.file.Path;

/**
 * One labelled image.
 *
 * @param file  the image file (absolute)
 * @param label its target as written: a class (its folder's name), a label list or a number (see
 *              {@link ImageDataset#targets()})
 * @param line  the line of the CSV/TSV that lists it, or 0 (an image of a class folder)
 */
public record ImageExample(Path file, String label, int line) {

    /** An image that no file lists (line 0), e.g. of a class folder. */
    public ImageExample(Path file, String label) {
        this(file, label, 0);
    }
}
