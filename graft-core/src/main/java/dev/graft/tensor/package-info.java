/**
 * Engine-independent tensors ({@link dev.graft.tensor.TensorData}) and the readers and writers that move them
 * between weight files and model modules.
 */
package dev.graft.tensor;
