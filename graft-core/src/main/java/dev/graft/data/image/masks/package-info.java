/**
 * Segmentation data: image/mask pairs (an {@code images/} and a {@code masks/} folder, or a CSV of paths), masks read
 * as class indices ({@link dev.graft.data.image.masks.MaskDecoder}, {@link dev.graft.data.image.masks.MaskClasses}),
 * the loaded data set and its seeded split, and joint augmentation of random training crops
 * ({@link dev.graft.data.image.masks.CropSampler}).
 */
package dev.graft.data.image.masks;
