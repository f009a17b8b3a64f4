/**
 * Semantic segmentation end to end: {@link dev.graft.strategy.segmentation.SegmentationTraining} trains a
 * {@link dev.graft.model.vision.seg.SegmentationNet} on image/mask pairs (frozen encoder or fine-tuned, through the
 * shared {@link dev.graft.training.Learner}), validates with sliding-window inference and returns an
 * {@link dev.graft.artifact.ImageSegmenter} with its scores.
 */
package dev.graft.strategy.segmentation;
