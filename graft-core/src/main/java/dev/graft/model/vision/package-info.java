/**
 * Trainable CNN backbones for images, written as DJL blocks with stable torchvision-style parameter
 * names: MobileNetV2 imported from an ONNX graph (per-layer activation bounds read from its Clip
 * nodes), ResNet-18/50 from safetensors checkpoints, a BatchNorm that runs in inference mode
 * whenever its block is frozen, and the backbone + head classifier used for fine-tuning.
 */
package dev.graft.model.vision;
