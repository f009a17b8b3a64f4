/**
 * A dependency-free, bounds-checked reader for ONNX model files ({@code ModelProto}): graph inputs
 * and outputs, nodes with attributes, and initializers (decoded to {@link dev.graft.tensor.TensorData}
 * on request). Entry point: {@link dev.graft.tensor.onnx.OnnxGraph#read(java.nio.file.Path)}.
 */
package dev.graft.tensor.onnx;
