/**
 * Exporting trained models to formats other runtimes load: {@link dev.graft.artifact.export.OnnxExport} writes a text
 * model as one ONNX graph (encoder, pooling, head, activation), optionally int8-quantised.
 */
package dev.graft.artifact.export;
