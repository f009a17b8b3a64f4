/**
 * Writes trained Graft models in forms other runtimes and libraries load: {@link dev.graft.artifact.export.OnnxExport}
 * (one ONNX graph: encoder, pooling, head, activation; optionally int8-quantised), Hugging Face Transformers
 * ({@link dev.graft.artifact.export.HfExport}) and PEFT ({@link dev.graft.artifact.export.PeftExport}).
 */
package dev.graft.artifact.export;
