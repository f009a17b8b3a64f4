package dev.graft.data.image;

import java.nio.file.Path;

/**
 * One labelled image.
 *
 * @param file  the image file (absolute)
 * @param label its class
 */
public record ImageExample(Path file, String label) {
}
