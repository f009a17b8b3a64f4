package dev.graft.cli;

import picocli.CommandLine.Option;

/** The options of {@code graft train --task segmentation} beyond the common training options. */
final class SegmentationOptions {

    @Option(names = "--mask-classes", paramLabel = "FILE", description = "segmentation: class names, one per line, NAME (its mask"
            + " value is its line's index) or VALUE NAME (gray level or palette index). Default: binary masks, 0 = background,"
            + " 1 or 255 = foreground.")
    java.nio.file.Path maskClasses;

    @Option(names = "--ignore-index", paramLabel = "VALUE", description = "segmentation: mask value whose pixels count for nothing"
            + " in the loss and the metrics (e.g. 255).")
    Integer ignoreIndex;

    @Option(names = "--crop", defaultValue = "256", paramLabel = "N", description = "segmentation: side of the random training"
            + " crops and of the inference tiles, a multiple of 32 (default: ${DEFAULT-VALUE}).")
    int crop;

    @Option(names = "--crops-per-epoch", defaultValue = "64", paramLabel = "N", description = "segmentation: random crops per epoch"
            + " (default: ${DEFAULT-VALUE}).")
    int cropsPerEpoch;

    @Option(names = "--tile-overlap", defaultValue = "64", paramLabel = "N", description = "segmentation: overlap of the tiles of"
            + " sliding-window inference on images larger than the crop (default: ${DEFAULT-VALUE}).")
    int tileOverlap;

    @Option(names = "--dice-weight", defaultValue = "1", paramLabel = "W", description = "segmentation: weight of the soft Dice"
            + " loss beside cross-entropy; 0 = cross-entropy alone (default: ${DEFAULT-VALUE}).")
    double diceWeight;

    @Option(names = "--focal-gamma", defaultValue = "0", paramLabel = "G", description = "segmentation: focal loss γ instead of"
            + " plain cross-entropy; 0 = off (default: ${DEFAULT-VALUE}).")
    double focalGamma;

    @Option(names = "--decoder", defaultValue = "unet", paramLabel = "KIND", description = "segmentation: decoder over the"
            + " encoder, unet (skip connections at every stride) or lraspp (MobileNetV3's lighter Lite R-ASPP head)"
            + " (default: ${DEFAULT-VALUE}).")
    String decoder;

    @Option(names = "--elastic", defaultValue = "0", paramLabel = "PIXELS", description = "segmentation: elastic deformation"
            + " of the training crops, displacements up to PIXELS crop pixels on a 4×4-cell grid, the same for image and"
            + " mask (default: ${DEFAULT-VALUE}, none).")
    double elastic;

    @Option(names = "--skip-unpaired", description = "segmentation: skip (and count) images without a mask instead of failing.")
    boolean skipUnpaired;

    @Option(names = "--random-baseline", description = "segmentation: also train the random-initialised encoder of the same"
            + " architecture at the same budget, and compare it in the report and metrics.json.")
    boolean randomBaseline;

    /** These options as core's settings. */
    dev.graft.run.SegmentationSettings settings() {
        return dev.graft.run.SegmentationSettings.defaults().maskClasses(maskClasses).ignoreIndex(ignoreIndex).crop(crop)
                .cropsPerEpoch(cropsPerEpoch).tileOverlap(tileOverlap).diceWeight(diceWeight).focalGamma(focalGamma)
                .decoder(decoder).elastic(elastic).skipUnpaired(skipUnpaired).randomBaseline(randomBaseline);
    }
}
