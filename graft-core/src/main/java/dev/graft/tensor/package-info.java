/** Engine-independent tensors ({@link dev.graft.tensor.TensorData}) exchanged between weight files and models. */
package dev.graft.tensor;
