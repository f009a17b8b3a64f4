package dev.graft.strategy.segmentation;

import dev.graft.data.image.masks.JointAugmentation;
import dev.graft.model.vision.seg.DecoderKind;
import dev.graft.strategy.FineTuneConfig;
import dev.graft.training.FreezeSchedule;
import dev.graft.training.LrSchedule;
import dev.graft.training.Monitor;
import dev.graft.training.optim.OptimizerSpec;
import dev.graft.util.Arguments;

/**
 * Settings of a segmentation run.
 *
 * @param training      epochs, batch size, decoder learning rate, encoder rates (top group and decay per group going
 *                      down), the freeze schedule (gradual unfreezing, head-only epochs), optimiser and schedule
 * @param frozenEncoder whether the encoder stays frozen (only the decoder trains); otherwise the freeze schedule of
 *                      {@code training} applies
 * @param crop          side of the random training crops (a multiple of 32), and the tile of sliding-window inference
 * @param cropsPerEpoch training crops drawn per epoch
 * @param overlap       overlap of neighbouring inference tiles
 * @param diceWeight    weight of the soft Dice loss beside cross-entropy
 * @param focalGamma    focal-loss γ (0 = plain cross-entropy)
 * @param augmentation  joint augmentation of the training crops
 * @param decoder       the decoder over the encoder
 * @param trainBatchNorm whether the encoder's BatchNorm layers of trainable groups normalise with batch statistics and
 *                      update their running statistics (fastai's {@code train_bn}); false (the default) keeps them in
 *                      inference mode while their scale and shift still learn. BatchNorm of a frozen group never changes
 *                      either way, and MobileNetV2's is folded into its convolutions.
 */
public record SegmentationConfig(FineTuneConfig training, boolean frozenEncoder, int crop, int cropsPerEpoch, int overlap,
                                 double diceWeight, double focalGamma, JointAugmentation augmentation, DecoderKind decoder,
                                 boolean trainBatchNorm) {

    /** Checks the sizes. */
    public SegmentationConfig {
        if (crop < 32 || crop % 32 != 0) {
            throw new IllegalArgumentException(Arguments.name("crop") + " must be a positive multiple of 32, got " + crop);
        }
        if (cropsPerEpoch < 1) {
            throw new IllegalArgumentException(Arguments.name("cropsPerEpoch") + " must be ≥ 1, got " + cropsPerEpoch);
        }
        if (overlap < 0 || overlap > crop / 2) {
            throw new IllegalArgumentException(Arguments.name("tileOverlap") + " must be in [0, crop/2 = " + crop / 2 + "], got " + overlap);
        }
    }

    /**
     * The recipe: 256-pixel crops, 64 per epoch, 8 epochs of batch 8, AdamW with decoder rate 1e-3, one-cycle schedule
     * (25% rise), cross-entropy + Dice, standard joint augmentation, inference tiles overlapping by 64 pixels, the best
     * epoch by validation mean IoU kept. Fine-tuning trains the decoder alone in the first epoch, then everything, the
     * encoder's top group at 1e-4 and ×0.9 per group going down (fastai's {@code fine_tune}).
     */
    public static SegmentationConfig defaults(boolean frozenEncoder) {
        FineTuneConfig d = FineTuneConfig.defaults();
        FineTuneConfig t = d.withTraining(d.training().withEpochs(8).withBatchSize(8).withLearningRate(1e-3).withWeightDecay(1e-4)
                        .withPatience(0).withMonitor(Monitor.parse("mean_iou")).withSchedule(LrSchedule.oneCycle(0.25)))
                .withBackboneLr(1e-4, 0.9).withOptimizer(OptimizerSpec.adamW())
                .withFreeze(frozenEncoder ? FreezeSchedule.headOnly() : FreezeSchedule.all().withHeadEpochs(1));
        return new SegmentationConfig(t, frozenEncoder, 256, 64, 64, 1.0, 0.0, JointAugmentation.standard(), DecoderKind.UNET, false);
    }

    /** Copy with other training settings. */
    public SegmentationConfig withTraining(FineTuneConfig v) {
        return new SegmentationConfig(v, frozenEncoder, crop, cropsPerEpoch, overlap, diceWeight, focalGamma, augmentation, decoder, trainBatchNorm);
    }

    /** Copy with another crop size, crops per epoch and tile overlap. */
    public SegmentationConfig withCrops(int cropSide, int perEpoch, int tileOverlap) {
        return new SegmentationConfig(training, frozenEncoder, cropSide, perEpoch, tileOverlap, diceWeight, focalGamma, augmentation, decoder, trainBatchNorm);
    }

    /** Copy with another loss mix. */
    public SegmentationConfig withLoss(double dice, double gamma) {
        return new SegmentationConfig(training, frozenEncoder, crop, cropsPerEpoch, overlap, dice, gamma, augmentation, decoder, trainBatchNorm);
    }

    /** Copy with other augmentation. */
    public SegmentationConfig withAugmentation(JointAugmentation v) {
        return new SegmentationConfig(training, frozenEncoder, crop, cropsPerEpoch, overlap, diceWeight, focalGamma, v, decoder, trainBatchNorm);
    }

    /** Copy with another decoder. */
    public SegmentationConfig withDecoder(DecoderKind v) {
        return new SegmentationConfig(training, frozenEncoder, crop, cropsPerEpoch, overlap, diceWeight, focalGamma, augmentation, v, trainBatchNorm);
    }

    /** Copy with another BatchNorm policy for the encoder ({@link #trainBatchNorm}). */
    public SegmentationConfig withTrainBatchNorm(boolean v) {
        return new SegmentationConfig(training, frozenEncoder, crop, cropsPerEpoch, overlap, diceWeight, focalGamma, augmentation, decoder, v);
    }

    /** The strategy's name in manifests: {@code feature-extraction} (frozen encoder) or {@code fine-tune}. */
    public String strategyName() {
        return frozenEncoder ? "feature-extraction" : "fine-tune";
    }
}
