package dev.graft.run;

import dev.graft.data.image.masks.MaskClasses;
import java.nio.file.Path;

/**
 * The settings of a segmentation run beyond the common training settings, under the Java names of the
 * {@code graft train --task segmentation} options ({@code --crops-per-epoch} is {@link #cropsPerEpoch(int)}); given to
 * {@link TrainingRequest#segmentation(SegmentationSettings)}, they make the request a segmentation run. Defaults are
 * the CLI's.
 *
 * <pre>{@code
 * Graft.train(TrainingRequest.of(Path.of("em_membrane"), Path.of("membranes")).model("resnet18-random")
 *         .segmentation(SegmentationSettings.defaults().crop(128).cropsPerEpoch(32)));
 * }</pre>
 */
public final class SegmentationSettings {

    private Path maskClasses;
    private Integer ignoreIndex;
    private int crop = 256;
    private int cropsPerEpoch = 64;
    private int tileOverlap = 64;
    private double diceWeight = 1;
    private double focalGamma;
    private String decoder = "unet";
    private double elastic;
    private boolean skipUnpaired;
    private boolean randomBaseline;

    private SegmentationSettings() {
    }

    /** The defaults: binary masks, 256-pixel crops, 64 per epoch, tiles overlapping by 64, Dice weight 1, U-Net decoder. */
    public static SegmentationSettings defaults() {
        return new SegmentationSettings();
    }

    /** A file naming the classes, one per line ({@code NAME} or {@code VALUE NAME}); {@code null}: binary masks. */
    public SegmentationSettings maskClasses(Path value) {
        maskClasses = value;
        return this;
    }

    /** A mask value whose pixels count for nothing in the loss and the metrics; {@code null}: none. */
    public SegmentationSettings ignoreIndex(Integer value) {
        ignoreIndex = value;
        return this;
    }

    /** Side of the random training crops and of the inference tiles (a multiple of 32). */
    public SegmentationSettings crop(int value) {
        crop = value;
        return this;
    }

    /** Random crops per epoch. */
    public SegmentationSettings cropsPerEpoch(int value) {
        cropsPerEpoch = value;
        return this;
    }

    /** Overlap of the tiles of sliding-window inference. */
    public SegmentationSettings tileOverlap(int value) {
        tileOverlap = value;
        return this;
    }

    /** Weight of the soft Dice loss beside cross-entropy (0: cross-entropy alone). */
    public SegmentationSettings diceWeight(double value) {
        diceWeight = value;
        return this;
    }

    /** Focal-loss γ instead of plain cross-entropy (0: off). */
    public SegmentationSettings focalGamma(double value) {
        focalGamma = value;
        return this;
    }

    /** The decoder: {@code unet} or {@code lraspp}. */
    public SegmentationSettings decoder(String value) {
        decoder = value;
        return this;
    }

    /** Elastic deformation of the training crops: displacements up to this many crop pixels (0: none). */
    public SegmentationSettings elastic(double value) {
        elastic = value;
        return this;
    }

    /** Skip (and count) images without a mask instead of failing. */
    public SegmentationSettings skipUnpaired(boolean value) {
        skipUnpaired = value;
        return this;
    }

    /** Also train the random-initialised encoder of the same architecture at the same budget, as a baseline. */
    public SegmentationSettings randomBaseline(boolean value) {
        randomBaseline = value;
        return this;
    }

    /** How mask values map to classes: the {@link #maskClasses} file, or binary masks, with the {@link #ignoreIndex}. */
    public MaskClasses classes() {
        int ignore = ignoreIndex == null ? -1 : ignoreIndex;
        return maskClasses == null ? MaskClasses.binary(ignore) : MaskClasses.read(maskClasses, ignore);
    }

    /** The crop side. */
    public int crop() {
        return crop;
    }

    /** Crops per epoch. */
    public int cropsPerEpoch() {
        return cropsPerEpoch;
    }

    /** The tile overlap. */
    public int tileOverlap() {
        return tileOverlap;
    }

    /** The Dice weight. */
    public double diceWeight() {
        return diceWeight;
    }

    /** The focal γ. */
    public double focalGamma() {
        return focalGamma;
    }

    /** The decoder's name. */
    public String decoder() {
        return decoder;
    }

    /** The elastic deformation's largest displacement. */
    public double elastic() {
        return elastic;
    }

    /** Whether images without a mask are skipped. */
    public boolean skipUnpaired() {
        return skipUnpaired;
    }

    /** Whether the random-init baseline trains too. */
    public boolean randomBaseline() {
        return randomBaseline;
    }
}
