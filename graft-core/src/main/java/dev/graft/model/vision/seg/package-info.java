/**
 * Dense prediction on pretrained CNN encoders: {@link dev.graft.model.vision.seg.SegmentationNet} (a MobileNetV2
 * encoder's multi-scale feature maps and a U-Net-style decoder) and
 * {@link dev.graft.model.vision.seg.TiledInference} (sliding-window inference with overlap blending).
 */
package dev.graft.model.vision.seg;
