/**
 * Pretrained text encoders: the registry of bundled models, the tokenizer, and the fast frozen
 * form on ONNX Runtime. The trainable form lives in {@code dev.graft.model.bert}.
 */
package dev.graft.model.text;
