/**
 * Image data: image-folder and CSV data sets, decoding (JPEG incl. CMYK and EXIF orientation, PNG,
 * GIF, BMP, WebP) to RGB, preprocessing from a Hugging Face style {@code preprocessor_config.json},
 * and seeded train-time augmentation.
 */
package dev.graft.data.image;
